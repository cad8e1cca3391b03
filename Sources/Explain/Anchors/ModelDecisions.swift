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
        guard let tm = textModel else { throw TensorError.value("token rows need a text model") }
        var out: [Int] = []
        out.reserveCapacity(rows.count)
        let per = max(1, chunk / max(1, tokenIds.count))
        var start = 0
        try Tensor.withoutGrad {
            while start < rows.count {
                try Interruption.check()
                let end = min(rows.count, start + per)
                let part = rows[start..<end].map { $0.isEmpty ? [Vocabulary.unk] : $0 }
                let L = part.map(\.count).max() ?? 1
                var ids = [Int64](repeating: 0, count: part.count * L)
                for (r, row) in part.enumerated() { for (t, v) in row.enumerated() { ids[r * L + t] = Int64(v) } }
                let lengths = keepLength ? [Int](repeating: L, count: part.count) : part.map(\.count)
                let idT = try Tensor(shape: [part.count, L], ints: ids)
                out += try Explainee.classes(tm.logits(ids: idT, lengths: lengths))
                start = end
            }
        }
        return out
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
