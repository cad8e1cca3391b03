import Foundation
import Tensors

/// GradientSHAP (Lundberg & Lee 2017; expected gradients, Erion et al. 2021), as Captum's
/// GradientShap computes it: each sample draws a background row or image b, α ~ U(0, 1) and
/// noise ε ~ N(0, stdev²) on the input; with x̃ = x + ε its attribution is
/// (x̃ − b) ∘ ∇f(b + α(x̃ − b)), and the explanation is the mean over samples. With no noise
/// its expectation is the mean over the background of Integrated Gradients from each b, so
/// Σ attributions approaches f(x) − mean f(background) as samples grow.
public enum GradientShap {
    /// Captum's defaults: 5 samples, no noise.
    public static let defaultSamples = 5
    public static let defaultStdev = 0.0

    public static func explain(_ s: Explainee, samples: Int = defaultSamples, stdev: Double = defaultStdev,
                               seed: UInt64 = 0) throws -> Explanation {
        guard samples >= 1 else { throw TensorError.value("gradient_shap needs at least 1 sample, found \(samples)") }
        guard stdev >= 0, stdev.isFinite else {
            throw TensorError.value("gradient_shap's noise stdev must be a finite number ≥ 0, found \(stdev)")
        }
        // Inputs are 32-bit floats: noise beyond 1e12 overflows them and the attribution becomes NaN.
        guard stdev <= 1e12 else {
            throw TensorError.value("gradient_shap's noise stdev must be at most 1e12, found \(fmtNumber(stdev))")
        }
        let refs = try s.background ?? s.baseline.unsqueeze(0)
        let R = refs.shape[0], x = s.input.floats, n = x.count, b = refs.floats
        var rng = RandomGenerator(seed: seed)
        var acc = [Float](repeating: 0, count: n)
        // Samples are drawn in order and sent through the model in groups that bound memory,
        // so the numbers do not depend on the grouping.
        let group = max(1, min(s.chunk, DeepLift.budget / max(1, n)))
        var done = 0
        while done < samples {
            try Interruption.check()
            let k = min(group, samples - done)
            var diffs = [Float](), points = [Float]()
            diffs.reserveCapacity(k * n)
            points.reserveCapacity(k * n)
            for _ in 0..<k {
                let r = Int(rng.below(UInt64(R)))
                let alpha = rng.uniform()
                for i in 0..<n {
                    let noisy = stdev > 0 ? x[i] + Float(rng.normal() * stdev) : x[i]
                    let base = b[r * n + i]
                    diffs.append(noisy - base)
                    points.append(alpha * noisy + (1 - alpha) * base)
                }
            }
            let grads = try s.gradients(Tensor(shape: [k] + s.input.shape, floats: points)).grads.floats
            for j in 0..<k { for i in 0..<n { acc[i] += diffs[j * n + i] * grads[j * n + i] } }
            done += k
        }
        let a = try Tensor(shape: s.input.shape, floats: acc.map { $0 / Float(samples) })
        let scores = s.perUnit(a)
        let base = try s.scores(refs).reduce(0, +) / Double(R)
        let delta = scores.reduce(0, +) - (s.prediction - base)
        let settings = [("samples", "\(samples)"), ("stdev", fmtNumber(stdev)), ("seed", "\(seed)"),
                        ("background", s.background == nil ? "baseline" : "\(R)")]
        return Explanation(method: "gradient_shap", settings: settings, subject: s, scores: scores, raw: a,
                           baseValue: base,
                           checks: [Check("convergence delta", delta,
                                          "Σ attributions − (f(x) − mean f(background)); "
                                          + "shrinks toward 0 as samples grow (with stdev 0)")])
    }
}
