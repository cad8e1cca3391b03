import Foundation
import Tensors
import Training

extension Explainee {
    /// The class the model gives each row of a batch in input space: the arg-max of its
    /// logits, or for one logit z, 1 when z > 0.
    func decisions(_ batch: Tensor) throws -> [Int] {
        let logits = try Tensor.withoutGrad {
            try Explainee.rawLogits(textModel, layer, kind, batch, tokenIds.count)
        }
        return try Explainee.classes(logits)
    }

    /// The class the model gives each token-id row; `keepLength` false lets rows be shorter
    /// (dropped words), as LIME's text perturbations are.
    func decisions(tokenRows rows: [[Int]], keepLength: Bool) throws -> [Int] {
        try tokenLogits(rows, keepLength: keepLength, Explainee.classes)
    }

    static func classes(_ logits: Tensor) throws -> [Int] {
        if logits.rank == 1 || (logits.rank == 2 && logits.shape[1] == 1) {
            return logits.floats.map { $0 > 0 ? 1 : 0 }
        }
        guard logits.rank == 2 else {
            throw TensorError.shape("expected logits [batch, classes], found \(logits.shape)")
        }
        return try logits.argmax(dim: 1).ints.map { Int($0) }
    }
}
