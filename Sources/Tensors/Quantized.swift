import Foundation

// Int8 weights and an int8 × int8 product with Int32 sums, for post-training quantization.

/// A weight matrix [rows, cols] stored as int8 with one scale per row (per output
/// channel, symmetric): w ≈ q · scale, q ∈ [−127, 127].
public struct Int8Matrix {
    public let rows: Int, cols: Int
    public let values: [Int8]
    public let scales: [Float]

    public init(_ w: Tensor) throws {
        guard w.rank == 2, w.dtype == .float32 else { throw TensorError.shape("int8 quantization needs a float matrix, found \(w.shape) \(w.dtype)") }
        rows = w.shape[0]; cols = w.shape[1]
        var q = [Int8](repeating: 0, count: rows * cols), s = [Float](repeating: 1, count: rows)
        for r in 0..<rows {
            let row = w.floats[r * cols..<(r + 1) * cols]
            let m = row.map { Swift.abs($0) }.max() ?? 0
            let scale = m > 0 ? m / 127 : 1
            s[r] = scale
            for (k, v) in row.enumerated() { q[r * cols + k] = Int8(Swift.max(-127, Swift.min(127, (v / scale).rounded()))) }
        }
        values = q; scales = s
    }

    /// The float matrix the int8 values stand for.
    public func dequantized() -> Tensor {
        var out = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows { for k in 0..<cols { out[r * cols + k] = Float(values[r * cols + k]) * scales[r] } }
        return Tensor(unchecked: [rows, cols], floats: out)
    }

    /// Bytes as stored: one per weight plus a float scale per row.
    public var bytes: Int { rows * cols + 4 * rows }
}

extension Tensor {
    /// y = x·Wᵀ + b with int8 weights and int8 activations (one dynamic scale per call:
    /// max|x| / 127), products summed in Int32, then rescaled. The gradient with respect to
    /// x uses the dequantized weights (straight-through), so explanations work on
    /// quantized models; the weights themselves take no gradient.
    public static func int8Linear(_ x: Tensor, _ w: Int8Matrix, _ bias: Tensor?) throws -> Tensor {
        try x.requireFloat("int8 linear")
        guard let inF = x.shape.last, inF == w.cols else {
            throw TensorError.shape("int8 linear: input \(x.shape) needs \(w.cols) features")
        }
        let rows = inF == 0 ? 0 : x.count / inF, outF = w.rows
        let amax = x.floats.reduce(Float(0)) { Swift.max($0, Swift.abs($1)) }
        let sx = amax > 0 ? amax / 127 : 1
        let xq = x.floats.map { Int8(Swift.max(-127, Swift.min(127, ($0 / sx).rounded()))) }
        let b = bias?.floats
        var y = [Float](repeating: 0, count: rows * outF)
        xq.withUnsafeBufferPointer { px in
            w.values.withUnsafeBufferPointer { pw in
                for r in 0..<rows {
                    let xo = r * inF
                    for j in 0..<outF {
                        let wo = j * inF
                        var acc: Int32 = 0
                        for k in 0..<inF { acc &+= Int32(px[xo + k]) &* Int32(pw[wo + k]) }
                        y[r * outF + j] = Float(acc) * sx * w.scales[j] + (b?[j] ?? 0)
                    }
                }
            }
        }
        let out = Tensor(unchecked: Array(x.shape.dropLast()) + [outF], floats: y)
        let deq = w.dequantized()
        return out.recorded("int8_linear", [x]) { g in
            [Tensor(unchecked: x.shape, floats: product(g.floats, deq.floats, batch: 1, m: rows, n: inF, k: outF,
                                                        transA: false, transB: false, strideA: 0, strideB: 0))]
        }
    }
}

