import Foundation
import Tensors

/// What quantization did to a model.
public struct QuantizationReport {
    public var int8Linear = 0
    public var weightOnly = 0
    public var floatBytes = 0
    public var quantizedBytes = 0
}

extension Module {
    /// Bytes of the parameters as float32.
    public var floatBytes: Int { parameters.reduce(0) { $0 + 4 * $1.value.count } }

    /// Post-training int8 quantization, in place: every Linear runs with int8 weights and
    /// activations; the weight matrices of LSTM/GRU layers, attention input projections and
    /// embeddings are stored as per-row int8 (weight-only: they compute with the values the
    /// int8 codes stand for). Biases and norms stay float32.
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
            case is Recurrent, is MultiheadAttention, is Embedding:
                for (name, p) in m.ownParameters where name.hasPrefix("weight") || name == "in_proj_weight" {
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
