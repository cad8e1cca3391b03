import Foundation
import Tensors

/// DeepLIFT with the rescale rule (Shrikumar et al. 2017), as Captum's DeepLift and DeepLiftShap
/// compute it: the input and its reference go through the model as one batch [x; x0], each
/// nonlinearity passes back Δoutput/Δinput between the two (BackwardRule.deepLift), and the
/// attribution is (x − x0) times the resulting multipliers. Ops without a rule (GELU, LSTM
/// cells, softmax) pass their ordinary gradient, as Captum does for modules it does not hook.
public enum DeepLift {
    /// Captum's threshold below which |Δinput| falls back to the ordinary gradient.
    public static let eps: Float = 1e-10
    /// Input values per model call (inputs and references together), to bound memory.
    static let budget = 1 << 22

    /// DeepLIFT against the subject's baseline, with the convergence delta
    /// Σ attributions − (f(x) − f(x0)) as a check. `chained: false` (the default) computes what
    /// Captum 0.9 does, where of two nonlinearities in a row (ReLU then max pooling) the second
    /// passes its gradient (BackwardRule.deepLift); `chained: true` gives each its rule.
    public static func explain(_ s: Explainee, chained: Bool = false) throws -> Explanation {
        let a = try attributions(s, references: s.baseline.unsqueeze(0), chained: chained).squeeze(0)
        let scores = s.perUnit(a)
        let delta = scores.reduce(0, +) - (s.prediction - s.baselineScore)
        let settings = [("rule", "rescale")] + (chained ? [("adjacent rules", "chained")] : [])
        return Explanation(method: "deeplift", settings: settings, subject: s, scores: scores, raw: a,
                           baseValue: s.baselineScore,
                           checks: [Check("convergence delta", delta, "Σ attributions − (f(x) − f(baseline)); "
                                          + "near 0 when they account for the whole change (completeness)")])
    }

    /// DeepLiftShap (Captum's): DeepLIFT against each background row or image, averaged. Its
    /// delta is Σ attributions − (f(x) − mean f(background)), the mean of the per-reference deltas.
    public static func shap(_ s: Explainee, chained: Bool = false) throws -> Explanation {
        guard s.kind != .text else {
            throw TensorError.value("deeplift_shap explains feature rows and images, not text (it needs background "
                                    + "inputs); use deeplift or gradient_shap for text")
        }
        let refs = try s.background ?? s.baseline.unsqueeze(0)
        let R = refs.shape[0]
        let each = try attributions(s, references: refs, chained: chained)
        let n = s.input.count
        var mean = [Float](repeating: 0, count: n)
        each.floats.withUnsafeBufferPointer { p in
            for r in 0..<R { for i in 0..<n { mean[i] += p[r * n + i] } }
        }
        let a = try Tensor(shape: s.input.shape, floats: mean.map { $0 / Float(R) })
        let scores = s.perUnit(a)
        let base = try s.scores(refs).reduce(0, +) / Double(R)
        let delta = scores.reduce(0, +) - (s.prediction - base)
        let settings = [("rule", "rescale")] + (chained ? [("adjacent rules", "chained")] : [])
            + [("background", s.background == nil ? "baseline" : "\(R)")]
        return Explanation(method: "deeplift_shap", settings: settings, subject: s, scores: scores, raw: a,
                           baseValue: base,
                           checks: [Check("convergence delta", delta,
                                          "Σ attributions − (f(x) − mean f(background)); "
                                          + "near 0 when they account for the whole change (completeness)")])
    }

    /// DeepLIFT attributions of the input against each reference [R, …] → [R, …]: the batch
    /// [x, …, x; x0₁, …, x0_R] in groups that bound memory.
    static func attributions(_ s: Explainee, references refs: Tensor, chained: Bool) throws -> Tensor {
        let R = refs.shape[0], x = s.input.floats, n = x.count
        let group = max(1, min(R, s.chunk / 2, budget / max(1, 2 * n)))
        var out = [Float]()
        out.reserveCapacity(R * n)
        var start = 0
        while start < R {
            try Interruption.check()
            let end = min(R, start + group), k = end - start
            let part = start == 0 && end == R ? refs : try refs.slice(dim: 0, start: start, end: end)
            var pairs = [Float]()
            pairs.reserveCapacity(2 * k * n)
            for _ in 0..<k { pairs += x }
            pairs += part.floats
            let batch = try Tensor(shape: [2 * k] + s.input.shape, floats: pairs)
            let g = try BackwardRule.using(.deepLift(eps: eps, chained: chained)) { try s.gradients(batch).grads }
            // Only the input half's multipliers are needed: (x − x0_r) · m_r.
            g.floats.withUnsafeBufferPointer { pg in
                part.floats.withUnsafeBufferPointer { pb in
                    for r in 0..<k { for i in 0..<n { out.append((x[i] - pb[r * n + i]) * pg[r * n + i]) } }
                }
            }
            start = end
        }
        return try Tensor(shape: [R] + s.input.shape, floats: out)
    }
}
