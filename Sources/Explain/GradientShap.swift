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
        let refs = try s.background ?? s.baseline.unsqueeze(0)
        let R = refs.shape[0], x = s.input.floats, n = x.count
        let (total, overflow) = samples.multipliedReportingOverflow(by: n)
        guard !overflow, total <= 100_000_000 else {
            throw TensorError.value("gradient_shap: \(samples) samples of \(n) values are too many")
        }
        var rng = RandomGenerator(seed: seed)
        let b = refs.floats
        var diffs = [Float](), points = [Float]()
        diffs.reserveCapacity(total)
        points.reserveCapacity(total)
        for _ in 0..<samples {
            let r = Int(rng.below(UInt64(R)))
            let alpha = rng.uniform()
            for i in 0..<n {
                let noisy = stdev > 0 ? x[i] + Float(rng.normal() * stdev) : x[i]
                let base = b[r * n + i]
                diffs.append(noisy - base)
                points.append(alpha * noisy + (1 - alpha) * base)
            }
        }
        let grads = try gradients(s, points, samples)
        var acc = [Float](repeating: 0, count: n)
        for k in 0..<samples { for i in 0..<n { acc[i] += diffs[k * n + i] * grads[k * n + i] } }
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

    /// ∇f at every sampled point, in model calls of at most `s.chunk` points.
    static func gradients(_ s: Explainee, _ points: [Float], _ count: Int) throws -> [Float] {
        let n = s.input.count
        var out = [Float]()
        out.reserveCapacity(points.count)
        var start = 0
        while start < count {
            try Interruption.check()
            let end = min(count, start + max(1, s.chunk))
            let part = try Tensor(shape: [end - start] + s.input.shape, floats: Array(points[start * n..<end * n]))
            out += try s.gradients(part).grads.floats
            start = end
        }
        return out
    }
}
