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
        var quantized = Set<ObjectIdentifier>()
        for (_, m) in modules() {
            switch m {
            case let l as Linear:
                let q = try Int8Matrix(l.weight.value)
                l.int8 = q
                // Frozen: the int8 codes are what runs, so training must not move the float copy.
                l.weight.value = try q.dequantized().requiringGrad(false)
                quantized.insert(ObjectIdentifier(l.weight))
                report.int8Linear += 1
            case let a as MultiheadAttention:
                let q = try Int8Matrix(a.inProjWeight.value)
                a.inProjInt8 = q
                a.inProjWeight.value = try q.dequantized().requiringGrad(false)
                quantized.insert(ObjectIdentifier(a.inProjWeight))
                report.int8Projections += 1
            case let r as Recurrent where r.cell == .lstm:
                var codes: [(ih: Int8Matrix, hh: Int8Matrix)] = []
                for w in r.weights {
                    let ih = try Int8Matrix(w.ih.value), hh = try Int8Matrix(w.hh.value)
                    w.ih.value = try ih.dequantized().requiringGrad(false)
                    w.hh.value = try hh.dequantized().requiringGrad(false)
                    quantized.insert(ObjectIdentifier(w.ih)); quantized.insert(ObjectIdentifier(w.hh))
                    codes.append((ih, hh))
                    report.int8Projections += 2
                }
                r.int8 = codes
            case is Recurrent, is Embedding:
                // GRU matrices and embedding tables: stored as int8, computed from the values
                // the codes stand for (an embedding is a lookup, not a product).
                for (name, p) in m.ownParameters where name.hasPrefix("weight") {
                    guard p.value.rank == 2 else { continue }
                    let q = try Int8Matrix(p.value)
                    p.value = try q.dequantized().requiringGrad(false)
                    quantized.insert(ObjectIdentifier(p))
                    report.weightOnly += 1
                }
            default: break
            }
        }
        for p in parameters where quantized.contains(ObjectIdentifier(p)) { p.storedAsInt8 = true }
        report.quantizedBytes = storedBytes
        return report
    }

    /// Bytes to store the parameters as they are: float32, int8 where quantized, sparse
    /// rows where pruning made that smaller.
    public var storedBytes: Int { parameters.reduce(0) { $0 + $1.storedBytes } }
}
