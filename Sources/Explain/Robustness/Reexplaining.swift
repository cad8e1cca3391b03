import Foundation
import Tensors

/// What the robustness metrics share: re-explaining the same prediction at a moved input with
/// the method that made an explanation, and the sizes perturbations are measured in.
extension ExplanationMetrics {
    /// Methods that explain text by removing words: they read token ids, never the word
    /// embeddings that a perturbation of text moves.
    static let wordRemovingMethods: Set<String> = ["occlusion", "feature_ablation", "lime", "kernel_shap",
                                                   "exact_shapley", "permutation_shap", "shap"]

    /// The request that made `e`, when `e` can be re-explained at moved inputs: it keeps its
    /// request, and for text its method reads the word embeddings.
    static func reexplainable(_ e: Explanation, _ metric: String) throws -> ExplainRequest {
        guard let r = e.request else {
            throw TensorError.value("\(metric) re-explains moved inputs with the explanation's own method, but "
                                    + "this explanation does not say how it was made; make it with explain()")
        }
        if e.subject.kind == .text, let m = try? ExplainRequest.canonical(r.method), wordRemovingMethods.contains(m) {
            throw TensorError.value("\(metric) moves the word embeddings of a text (as Captum does), but \(m) "
                                    + "explains text by removing words and never reads the embeddings; use saliency, "
                                    + "input_x_gradient, smoothgrad or integrated_gradients")
        }
        return r
    }

    /// The same prediction explained at `point` with the same method and settings.
    static func reexplain(_ e: Explanation, _ r: ExplainRequest, at point: [Float]) throws -> Explanation {
        try Explainer.explain(e.subject.moved(to: Tensor(shape: e.subject.input.shape, floats: point)), r)
    }

    /// The numbers explanations are compared by: the attribution in input space when there is
    /// one (as Captum compares attribution tensors), else the scores per unit.
    static func attributionValues(_ e: Explanation) -> [Double] {
        e.raw.map { $0.floats.map(Double.init) } ?? e.scores
    }

    /// The Euclidean (Frobenius) norm.
    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices where i < b.count { s += (a[i] - b[i]) * (a[i] - b[i]) }
        return s.squareRoot()
    }

    /// The input's range, max − min of its values: relative perturbation sizes are fractions
    /// of it (as SmoothGrad's noise level is). 1 for a constant input.
    public static func range(_ x: Tensor) -> Double {
        let v = x.floats
        guard let lo = v.min(), let hi = v.max(), hi > lo else { return 1 }
        return Double(hi) - Double(lo)
    }

    /// A sample count the metrics accept, or an error naming the metric.
    static func checkSamples(_ n: Int, _ metric: String, most: Int = 100_000) throws {
        try checkCount(n, "samples", metric, most: most)
    }

    /// A count (samples, steps, candidates) between 1 and `most`, or an error naming it.
    static func checkCount(_ n: Int, _ name: String, _ metric: String, most: Int) throws {
        guard n >= 1, n <= most else {
            throw TensorError.value("\(metric): \(name) must be between 1 and \(most), found \(n)")
        }
    }

    /// The largest perturbation size accepted: inputs are 32-bit floats, and a larger move
    /// overflows them (or their squares) and gives NaN instead of a measurement.
    static let largestPerturbation = 1e12

    /// A perturbation size that must be a positive finite number no larger than `largestPerturbation`.
    static func checkPositive(_ v: Double, _ name: String, _ metric: String, _ meaning: String = "") throws {
        guard v > 0, v.isFinite else {
            throw TensorError.value("\(metric): \(name) must be a positive number\(meaning), found \(fmtNumber(v))")
        }
        guard v <= largestPerturbation else {
            throw TensorError.value("\(metric): \(name) must be at most 1e12 (inputs "
                                    + "are 32-bit floats), found \(fmtNumber(v))")
        }
    }

    /// A top-k size: at least 1 (larger than the number of units means all of them).
    static func checkTopK(_ k: Int, _ metric: String) throws {
        guard k >= 1 else { throw TensorError.value("\(metric): k must be at least 1, found \(k)") }
    }

    /// A copy of `x` moved by a uniform draw from the L∞ ball of `radius` (Captum's default
    /// perturbation for sensitivity).
    static func uniformBall(_ x: [Float], radius: Double, _ g: inout RandomGenerator) -> [Float] {
        x.map { $0 + Float((2 * g.uniformDouble() - 1) * radius) }
    }
}

extension Explainee {
    /// The class the model predicts for each point of a batch in input space (one logit z:
    /// class 1 when z > 0).
    func predictedClasses(_ batch: Tensor) throws -> [Int] {
        let logits = try Tensor.withoutGrad {
            try Explainee.rawLogits(textModel, layer, kind, batch, tokenIds.count)
        }
        let n = batch.shape[0]
        let v = logits.floats
        let classes = n > 0 ? v.count / n : 0
        return (0..<n).map { r in
            if classes == 1 { return v[r] > 0 ? 1 : 0 }
            var best = 0
            for c in 1..<max(1, classes) where v[r * classes + c] > v[r * classes + best] { best = c }
            return best
        }
    }
}
