import Foundation
import Tensors

/// What quantization did to a model.
public struct QuantizationReport {
    public var int8Linear = 0
    /// LSTM input/recurrent matrices and attention in-projections that run int8 × int8.
    public var int8Projections = 0
    public var weightOnly = 0
    public var floatBytes = 0
    public var quantizedBytes = 0
}

extension Module {
    /// Bytes of the parameters as float32.
    public var floatBytes: Int { parameters.reduce(0) { $0 + 4 * $1.value.count } }

    /// Post-training int8 quantization, in place: every Linear, LSTM matrix and attention
    /// in-projection runs int8 × int8 (per-row weight scales, dynamic activation scales,
    /// Int32 sums); GRU matrices and embeddings are stored as per-row int8 and computed with
    /// the values the codes stand for. Biases and norms stay float32.
    @discardableResult
    public func quantizeInt8() throws -> QuantizationReport {
        var report = QuantizationReport()
        report.floatBytes = floatBytes
        // The int8 codes of a weight matrix; the parameter keeps the values they stand for,
        // frozen (the codes are what runs, so training must not move the float copy).
        func codes(_ p: Parameter) throws -> Int8Matrix {
            let q = try Int8Matrix(p.value)
            p.value = try q.dequantized().requiringGrad(false)
            p.storedAsInt8 = true
            return q
        }
        for (_, m) in modules() {
            switch m {
            case let l as Linear:
                l.int8 = try codes(l.weight)
                report.int8Linear += 1
            case let a as MultiheadAttention:
                a.inProjInt8 = try codes(a.inProjWeight)
                report.int8Projections += 1
            case let r as Recurrent where r.cell == .lstm:
                r.int8 = try r.weights.map { (ih: try codes($0.ih), hh: try codes($0.hh)) }
                report.int8Projections += 2 * r.weights.count
            case is Recurrent, is Embedding:
                // GRU matrices and embedding tables: stored as int8, computed from the values
                // the codes stand for (an embedding is a lookup, not a product).
                for (name, p) in m.ownParameters where name.hasPrefix("weight") && p.value.rank == 2 {
                    _ = try codes(p)
                    report.weightOnly += 1
                }
            default: break
            }
        }
        report.quantizedBytes = storedBytes
        return report
    }

    /// Bytes to store the parameters as they are: float32, int8 where quantized, sparse
    /// rows where pruning made that smaller.
    public var storedBytes: Int { parameters.reduce(0) { $0 + $1.storedBytes } }
}
