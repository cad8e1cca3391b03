import Tensors

/// A loss written elsewhere (in the language): logits and targets to one number.
public typealias LossFunction = (_ logits: Tensor, _ targets: Tensor) throws -> Tensor

public enum LossKind: String {
    case bce, crossEntropy = "cross_entropy", mse

    /// Binary cross-entropy for one-logit outputs, cross-entropy otherwise.
    static func automatic(_ logits: Tensor) -> LossKind {
        logits.rank == 1 || logits.shape.last == 1 ? .bce : .crossEntropy
    }

    func loss(_ logits: Tensor, _ y: Tensor) throws -> Tensor {
        switch self {
        case .bce: return try Tensor.bceWithLogits(logits.rank == 2 ? logits.squeeze(1) : logits, y.toFloat())
        case .crossEntropy: return try Tensor.crossEntropy(logits, y.toInt())
        case .mse:
            return try Tensor.mse(logits.rank == 2 && logits.shape[1] == 1 ? logits.squeeze(1) : logits, y.toFloat())
        }
    }
}
