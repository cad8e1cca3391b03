import Foundation
import Tensors

/// Gradient-based attributions (Captum's Saliency, InputXGradient, NoiseTunnel and
/// IntegratedGradients), computed in input space and reduced per unit.
public enum GradientMethods {
    /// |∂f/∂x| (Captum Saliency, abs=True by default).
    public static func saliency(_ s: Explainee, absolute: Bool = true) throws -> Explanation {
        let g = try s.gradients(s.input.unsqueeze(0)).grads.squeeze(0)
        let a = absolute ? try g.abs() : g
        return Explanation(method: "saliency", settings: [("abs", "\(absolute)")], subject: s, scores: s.perUnit(a),
                           raw: a)
    }

    /// x ∘ ∂f/∂x (Captum InputXGradient).
    public static func inputXGradient(_ s: Explainee) throws -> Explanation {
        let g = try s.gradients(s.input.unsqueeze(0)).grads.squeeze(0)
        let a = try g.mul(s.input)
        return Explanation(method: "input_x_gradient", settings: [], subject: s, scores: s.perUnit(a), raw: a)
    }

    /// SmoothGrad (Captum NoiseTunnel, nt_type smoothgrad): the mean of saliency (or
    /// input × gradient) at `samples` noisy copies x + N(0, σ²), from a seeded generator.
    public static func smoothGrad(_ s: Explainee, samples: Int = 5, stdev: Double = 1.0, seed: UInt64 = 0,
                                  base: String = "saliency") throws -> Explanation {
        guard samples >= 1 else { throw TensorError.value("SmoothGrad needs at least 1 sample, found \(samples)") }
        guard stdev >= 0 else { throw TensorError.value("the noise level must not be negative, found \(stdev)") }
        guard base == "saliency" || base == "input_x_gradient" else {
            throw TensorError.value("SmoothGrad smooths \"saliency\" or \"input_x_gradient\", found \"\(base)\"")
        }
        var g = RandomGenerator(seed: seed)
        let n = s.input.count
        var noisy = [Float]()
        noisy.reserveCapacity(samples * n)
        for _ in 0..<samples { for v in s.input.floats { noisy.append(v + Float(g.normal() * stdev)) } }
        let points = try Tensor(shape: [samples] + s.input.shape, floats: noisy)
        let grads = try s.gradients(points).grads
        var acc = [Float](repeating: 0, count: n)
        for k in 0..<samples {
            for i in 0..<n {
                let gi = grads.floats[k * n + i]
                acc[i] += base == "saliency" ? abs(gi) : gi * noisy[k * n + i]
            }
        }
        let a = try Tensor(shape: s.input.shape, floats: acc.map { $0 / Float(samples) })
        let settings = [("base", base), ("samples", "\(samples)"), ("stdev", fmtNumber(stdev)), ("seed", "\(seed)")]
        return Explanation(method: "smoothgrad", settings: settings,
                           subject: s, scores: s.perUnit(a), raw: a)
    }

    /// Integrated Gradients: (x − x′) ∘ Σ_k w_k ∂f/∂x(x′ + α_k (x − x′)), with the
    /// convergence delta Σ attributions − (f(x) − f(x′)) as a check. The path points go
    /// through the model in batches of `batch` (all at once by default).
    public static func integratedGradients(_ s: Explainee, steps: Int = 50, rule: IntegrationRule = .gaussLegendre,
                                           batch: Int? = nil) throws -> Explanation {
        let x = s.input.floats, b = s.baseline.floats, n = x.count
        let total = try rule.integrate(from: b, to: x, steps: steps, batch: batch) { pts, count in
            try s.gradients(Tensor(shape: [count] + s.input.shape, floats: pts)).grads.floats
        }
        let attr = (0..<n).map { Float(total[$0] * Double(x[$0] - b[$0])) }
        let a = try Tensor(shape: s.input.shape, floats: attr)
        let scores = s.perUnit(a)
        let delta = scores.reduce(0, +) - (s.prediction - s.baselineScore)
        return Explanation(method: "integrated_gradients", settings: [("steps", "\(steps)"), ("rule", rule.rawValue)],
                           subject: s, scores: scores, raw: a, baseValue: s.baselineScore,
                           checks: [Check("convergence delta", delta, "Σ attributions − (f(x) − f(baseline)); "
                                              + "near 0 when the integral converged (completeness)")])
    }
}
