import Foundation
import Tensors

/// What magnitude pruning removed.
public struct PruningReport {
    public var matrices = 0
    public var weights = 0
    public var removed = 0
    public var sparsity: Double { weights > 0 ? Double(removed) / Double(weights) : 0 }
}

extension Module {
    /// The weight matrices pruning considers: Linear, LSTM/GRU and attention-projection
    /// weights (not embeddings, biases or norms).
    public var prunableWeights: [Parameter] {
        modules().flatMap { (_, m) -> [Parameter] in
            guard m is Linear || m is Recurrent || m is MultiheadAttention else { return [] }
            return m.ownParameters.filter {
                ($0.name.hasPrefix("weight") || $0.name == "in_proj_weight") && $0.parameter.value.rank == 2
            }.map(\.parameter)
        }
    }

    /// Magnitude pruning to `sparsity` (0…1): the smallest |w| are set to zero, over all
    /// matrices together (`global`) or within each matrix. The zeros stay zero through later
    /// training (Parameter.mask). Ties at the threshold are broken by position, so exactly
    /// the requested count is removed.
    @discardableResult
    public func prune(sparsity: Double, global: Bool = true) throws -> PruningReport {
        guard sparsity >= 0, sparsity < 1 else {
            throw TensorError.value("sparsity must be in [0, 1), found \(sparsity)")
        }
        let params = prunableWeights
        var report = PruningReport()
        report.matrices = params.count
        func removeSmallest(_ items: [(p: Int, i: Int, a: Float)], count: Int) -> Set<Int> {
            // Key = parameter index × 2^32 + element index.
            let order = items.sorted { $0.a != $1.a ? $0.a < $1.a : ($0.p, $0.i) < ($1.p, $1.i) }
            return Set(order.prefix(count).map { $0.p << 32 | $0.i })
        }
        var removed = Set<Int>()
        if global {
            var all: [(p: Int, i: Int, a: Float)] = []
            for (k, p) in params.enumerated() {
                for (i, v) in p.value.floats.enumerated() { all.append((k, i, abs(v))) }
            }
            removed = removeSmallest(all, count: Int((Double(all.count) * sparsity).rounded()))
        } else {
            for (k, p) in params.enumerated() {
                let items = p.value.floats.enumerated().map { (k, $0.offset, abs($0.element)) }
                removed.formUnion(removeSmallest(items, count: Int((Double(items.count) * sparsity).rounded())))
            }
        }
        for (k, p) in params.enumerated() {
            var mask = p.mask ?? [Float](repeating: 1, count: p.value.count)
            for i in 0..<mask.count where removed.contains(k << 32 | i) { mask[i] = 0 }
            p.mask = mask
            try p.value.updateValues { w in for i in 0..<w.count { w[i] *= mask[i] } }
            report.weights += mask.count
            report.removed += mask.filter { $0 == 0 }.count
        }
        return report
    }
}
