import Foundation
import Layers
import Tensors
import Training

/// What compressing a model cost and kept: accuracy, agreement with the original's
/// decisions, bytes, time to predict, and explanation drift — how far the compressed
/// model's attributions moved from the original's on the same inputs.
public enum CompressionReport {
    public struct Row {
        public let name: String
        public let accuracy: Double
        /// Share of rows where it predicts the reference's class.
        public let agreement: Double
        public let bytes: Int
        /// Best of three: seconds to predict every row of the data.
        public let seconds: Double
        /// Multiply-adds of the matrix products per row predicted.
        public let multiplyAdds: Double
        /// Mean Spearman correlation and top-k overlap of attributions with the reference's
        /// (1 and 1 for the reference itself).
        public let spearman: Double
        public let topK: Double
    }

    /// Rows for `reference` and then each of `models`, on `data`, with drift measured on
    /// `inputs` by `request` (target: the reference's predicted class of each input).
    public static func measure(reference: (String, Model), models: [(String, Model)], data: Dataset, inputs: [RawInput],
                               request: ExplainRequest, k: Int, names: [String] = []) throws -> [Row] {
        guard k >= 1 else { throw TensorError.value("k must be positive, found \(k)") }
        let all = [reference] + models
        for (_, m) in all { m.module.eval() }
        let referenceClasses = try classes(predict(reference.1, data))
        // The reference's explanations, once; each compressed model is explained for the same target.
        var referenceExplanations: [Explanation] = []
        for input in inputs {
            let s = try Explainer.subject(reference.1, input, request, names: names)
            referenceExplanations.append(try Explainer.explain(s, request))
        }
        return try all.map { name, model in
            let before = Kernels.multiplyAdds
            let predictions = try classes(predict(model, data))
            let work = Double(Kernels.multiplyAdds - before) / Double(Swift.max(1, data.count))
            var best = Double.infinity
            for _ in 0..<3 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try predict(model, data)
                best = Swift.min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            }
            var spearman = 0.0, topK = 0.0
            for (input, ref) in zip(inputs, referenceExplanations) {
                var r = request
                r.target = ref.subject.target
                let e = try Explainer.explain(try Explainer.subject(model, input, r, names: names), r)
                let c = try ExplanationMetrics.compare(ref, e, k: k)
                spearman += c.spearman; topK += c.topK
            }
            let n = Double(Swift.max(1, inputs.count))
            let labels = data.labels.intValues
            let right = zip(predictions, labels).filter { $0 == $1 }.count
            let agreeing = zip(predictions, referenceClasses).filter { $0 == $1 }.count
            return Row(name: name, accuracy: Double(right) / Double(Swift.max(1, labels.count)),
                       agreement: Double(agreeing) / Double(Swift.max(1, predictions.count)),
                       bytes: model.module.storedBytes, seconds: best, multiplyAdds: work, spearman: spearman / n,
                       topK: topK / n)
        }
    }

    /// Predicted classes from predict()'s output: probabilities [N] (one logit) or [N, C].
    static func classes(_ p: Tensor) throws -> [Int64] {
        if p.rank == 1 { return p.floats.map { $0 > 0.5 ? 1 : 0 } }
        return try p.argmax(dim: 1).ints
    }
}
