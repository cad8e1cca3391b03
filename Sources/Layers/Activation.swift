import Tensors

/// An elementwise activation by name: relu, gelu, tanh, sigmoid, softmax (last dim).
public final class Activation: Layer {
    public let kind: String
    public init(_ kind: String) throws {
        guard ["relu", "gelu", "tanh", "sigmoid", "softmax"].contains(kind) else {
            throw TensorError(.value, "unknown activation \(kind); expected relu, gelu, tanh, sigmoid or softmax")
        }
        self.kind = kind
    }
    public override var typeName: String {
        ["relu": "ReLU", "gelu": "GELU", "tanh": "Tanh", "sigmoid": "Sigmoid", "softmax": "Softmax"][kind] ?? kind
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        switch kind {
        case "relu": return x.relu()
        case "gelu": return x.gelu()
        case "tanh": return x.tanh()
        case "sigmoid": return x.sigmoid()
        default: return try x.softmax(dim: -1)
        }
    }
}

/// nn.Dropout: in training mode, zeroes each element with probability p and scales the rest
/// by 1/(1−p); the identity in evaluation mode.
public final class Dropout: Layer {
    public let p: Float
    public init(_ p: Float = 0.5) throws {
        guard p >= 0, p < 1 else { throw TensorError(.value, "dropout probability must be in [0, 1), found \(p)") }
        self.p = p
    }
    public override var details: String { "p=\(p)" }
    public override func forward(_ x: Tensor) throws -> Tensor { training && p > 0 ? try x.dropout(p: p) : x }
}
