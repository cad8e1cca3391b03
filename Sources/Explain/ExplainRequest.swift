import Tensors

/// Everything `explain()` was asked: the method and its settings. Kept with the result so
/// the same explanation can be recomputed (the sanity check re-explains a randomised model).
public struct ExplainRequest {
    public var method: String
    public var target: Int?
    public var output: OutputKind?
    public var baseline: Tensor?
    public var background: Tensor?
    public var steps = 50
    public var rule = IntegrationRule.gaussLegendre
    public var batch: Int?
    public var samples: Int?
    /// Noise on the input: nil for the method's own default (SmoothGrad 1.0, GradientSHAP 0).
    public var stdev: Double?
    public var base = "saliency"
    public var seed: UInt64 = 0
    public var features = 10
    public var kernelWidth: Double?
    public var permutations = 10
    public var window = 2
    public var stride = 1
    public var patch = 1
    public var absolute = true
    /// Layer attribution: the sub-layer's dotted name, whether its input (rather than its
    /// output) is attributed, Grad-CAM's ReLU, and how Grad-CAM maps are stretched to an image.
    public var layer: String?
    public var layerInput = false
    public var relu = false
    public var upsample = Upsampling.nearest
    /// Text through a subword tokenizer: score each piece ("##ing") rather than whole words.
    public var pieces = false
    /// Text through a subword tokenizer: a second text read with it ([SEP] between, token types 1).
    public var pair: String?
    /// DeepLIFT: give the rescale rule to each of several nonlinearities in a row (ReLU then max
    /// pooling), so that the delta is 0 for any reference; off, as Captum 0.9 computes it, the
    /// second of two adjacent ones passes its plain gradient.
    public var chained = false

    public init(method: String) { self.method = method }

    public static let methods = ["saliency", "input_x_gradient", "smoothgrad", "integrated_gradients", "occlusion",
                                 "feature_ablation", "lime", "kernel_shap", "exact_shapley", "permutation_shap", "shap",
                                 "attention", "attention_rollout", "gradient_x_activation", "grad_cam",
                                 "deeplift", "deeplift_shap", "gradient_shap", "guided_backprop", "deconvolution"]
    /// Alternative spellings people use.
    static let aliases = ["ig": "integrated_gradients", "gradient": "saliency", "inputxgradient": "input_x_gradient",
                          "ixg": "input_x_gradient", "smooth_grad": "smoothgrad", "noise_tunnel": "smoothgrad",
                          "ablation": "feature_ablation", "kernelshap": "kernel_shap", "exact_shap": "exact_shapley",
                          "shapley": "exact_shapley", "permutation": "permutation_shap", "rollout": "attention_rollout",
                          "layer_gradient_x_activation": "gradient_x_activation",
                          "grad_x_activation": "gradient_x_activation", "gradcam": "grad_cam",
                          "layer_grad_cam": "grad_cam", "layer_gradcam": "grad_cam", "deep_lift": "deeplift",
                          "deepliftshap": "deeplift_shap", "deep_lift_shap": "deeplift_shap",
                          "gradientshap": "gradient_shap", "expected_gradients": "gradient_shap",
                          "guided_backpropagation": "guided_backprop", "guidedbackprop": "guided_backprop",
                          "deconv": "deconvolution"]

    public static func canonical(_ name: String) throws -> String {
        let n = name.lowercased()
        if methods.contains(n) { return n }
        if let a = aliases[n] { return a }
        throw TensorError.value("unknown explanation method \"\(name)\"; methods: " + methods.joined(separator: ", "))
    }
}
