import Tensors

/// nn.LayerNorm over the last dimension: weight ones and bias zeros at first.
public final class LayerNorm: Layer {
    public let weight: Parameter, bias: Parameter
    public let eps: Float
    public init(_ dim: Int, eps: Float = 1e-5) throws {
        weight = try Parameter(Tensor.ones([dim]))
        bias = try Parameter(Tensor.zeros([dim]))
        self.eps = eps
        super.init()
        register("weight", weight)
        register("bias", bias)
    }
    public override var details: String { "\(weight.value.count)" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.layerNorm(x, normalizedShape: weight.value.shape, weight: weight.value, bias: bias.value, eps: eps)
    }
}
