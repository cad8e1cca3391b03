import Tensors

/// y = x·Wᵀ + b (nn.Linear). Weight and bias U(−1/√in, 1/√in).
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let inFeatures: Int, outFeatures: Int
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) throws {
        guard inFeatures > 0, outFeatures > 0 else {
            throw TensorError(.value, "Linear needs positive sizes, found \(inFeatures) → \(outFeatures)")
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try Parameter(Init.kaiming([outFeatures, inFeatures], fanIn: inFeatures))
        self.bias = bias ? try Parameter(Init.kaiming([outFeatures], fanIn: inFeatures)) : nil
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }
    /// Set by quantizeInt8(): the layer then computes with int8 weights and activations.
    public var int8: Int8Matrix?
    public override var details: String {
        "\(inFeatures) → \(outFeatures)" + (bias == nil ? ", no bias" : "") + (int8 != nil ? ", int8" : "")
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        if let q = int8 { return try Tensor.int8Linear(x, q, bias?.value) }
        return try Tensor.linear(x, weight.value, bias?.value)
    }
}
