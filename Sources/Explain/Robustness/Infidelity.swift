import Foundation
import Tensors

/// Captum's infidelity (Yeh et al. 2019) with Gaussian perturbations: how far the
/// attribution's prediction of an output change, Iᵀ·a, misses the real change f(x) − f(x − ε)
/// for noise ε ~ N(0, σ²): E[(Iᵀ·a − (f(x) − f(x − ε)))²]. For methods whose attributions
/// multiply by the input (input × gradient, Integrated Gradients, DeepLIFT, Shapley values, ablation) the
/// perturbation is I = ε / (x − baseline), as Captum's infidelity_perturb_func_decorator makes
/// it; for gradients (saliency, LIME's weights) I = ε.
public struct Infidelity {
    public let method: String
    public let value: Double
    /// Whether the attribution was first scaled by β, the factor that minimises the error
    /// (Captum's normalize=True), so only its direction counts.
    public let normalized: Bool
    /// That factor (1 without normalisation).
    public let beta: Double
    /// E[(f(x) − f(x − ε))²]: the size of the changes to predict; a normalised infidelity is at most this.
    public let meanSquaredChange: Double
    public let stdev: Double
    public let samples: Int
    public let seed: UInt64
    public let multipliesByInputs: Bool
    /// The share of the output changes the attribution does not predict: value / meanSquaredChange.
    public var unexplainedShare: Double { meanSquaredChange > 0 ? value / meanSquaredChange : .nan }
    public static let meaning = "lower is better: mean squared error of the attribution's prediction of how the "
        + "output changes under small random noise"
}

extension ExplanationMetrics {
    /// Methods whose attributions multiply by (x − baseline), as Captum's multiplies_by_inputs says.
    static func multipliesByInputs(_ e: Explanation) -> Bool {
        switch e.method {
        case "input_x_gradient", "integrated_gradients", "occlusion", "feature_ablation", "kernel_shap",
             "exact_shapley", "permutation_shap", "shap", "deeplift", "deeplift_shap", "gradient_shap": return true
        case "smoothgrad": return e.request?.base == "input_x_gradient"
        default: return false
        }
    }

    /// The attribution as one number per input value, or an error saying why there is none.
    static func inputSpaceAttribution(_ e: Explanation, _ metric: String) throws -> [Double] {
        let s = e.subject
        if let raw = e.raw, raw.shape == s.input.shape, e.layer == nil { return raw.floats.map(Double.init) }
        if s.kind == .tabular, e.layer == nil, e.scores.count == s.input.count { return e.scores }
        let what = s.kind == .text ? "an attribution for every embedding value of every token"
            : "an attribution for every input value"
        let found = e.raw.map { "an attribution of shape \($0.shape)" } ?? "\(e.scores.count) scores"
        throw TensorError.value("\(metric) needs \(what) (shape \(s.input.shape)); \(e.method) gives \(found)")
    }

    /// `stdev` is absolute (Captum's); nil means 5% of the input's range.
    public static func infidelity(_ e: Explanation, samples: Int = 100, stdev: Double? = nil, seed: UInt64 = 0,
                                  normalize: Bool = false) throws -> Infidelity {
        try checkSamples(samples, "infidelity", most: 1_000_000)
        let sigma = stdev ?? 0.05 * range(e.subject.input)
        try checkPositive(sigma, "stdev", "infidelity", " (the noise's standard deviation)")
        let a = try inputSpaceAttribution(e, "infidelity")
        let s = e.subject
        let x = s.input.floats, b = s.baseline.floats, n = x.count
        let multiply = multipliesByInputs(e)
        var g = RandomGenerator(seed: seed)
        let fx = s.prediction
        var aa = 0.0, ab = 0.0, bb = 0.0, errors = 0.0
        // Samples go through the model in chunks of about a million values (memory stays bounded;
        // the draws are the same in any chunking).
        let per = max(1, min(samples, (1 << 20) / max(1, n)))
        var done = 0
        while done < samples {
            try Interruption.check()
            let count = min(per, samples - done)
            var points = [Float](repeating: 0, count: count * n)
            var predicted = [Double](repeating: 0, count: count)
            for k in 0..<count {
                var dot = 0.0
                for i in 0..<n {
                    let noise = Float(g.normal() * sigma)
                    points[k * n + i] = x[i] - noise
                    // Captum's safe_div: a zero denominator counts as 1.
                    let d = x[i] - b[i]
                    let perturbation = multiply ? Double(noise) / Double(d != 0 ? d : 1) : Double(noise)
                    dot += perturbation * a[i]
                }
                predicted[k] = dot
            }
            let moved = try s.scores(Tensor(shape: [count] + s.input.shape, floats: points))
            for k in 0..<count {
                let change = fx - moved[k]
                aa += predicted[k] * predicted[k]; ab += predicted[k] * change; bb += change * change
                errors += (predicted[k] - change) * (predicted[k] - change)
            }
            done += count
        }
        // Normalised: the β minimising Σ(β·a − b)² is Σab / Σa² (Captum's safe_div: 0 when Σa² = 0).
        let beta = normalize ? (aa != 0 ? ab / aa : 0) : 1
        let value = (normalize ? beta * beta * aa - 2 * beta * ab + bb : errors) / Double(samples)
        return Infidelity(method: e.method, value: max(0, value), normalized: normalize, beta: beta,
                          meanSquaredChange: bb / Double(samples), stdev: sigma, samples: samples, seed: seed,
                          multipliesByInputs: multiply)
    }
}
