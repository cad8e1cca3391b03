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

    /// The rows `range` of this matrix (each row keeps its scale).
    public func rows(_ range: Range<Int>) -> Int8Matrix {
        Int8Matrix(rows: range.count, cols: cols, values: Array(values[range.lowerBound * cols..<range.upperBound * cols]), scales: Array(scales[range]))
    }

    init(rows: Int, cols: Int, values: [Int8], scales: [Float]) {
        self.rows = rows; self.cols = cols; self.values = values; self.scales = scales
    }

    /// The codes as floats, for `multiply` (callers that multiply many times convert once).
    public var floatCodes: [Float] { values.map { Float($0) } }

    /// y[r, j] = Σₖ q(x)[r, k]·codes[j, k] · sₓ·sⱼ (+ each of `biases`[j], in order) for x
    /// [rows, cols]: x is quantized to int8 with one dynamic scale sₓ = max|x| / 127, the
    /// products summed as integers.
    ///
    /// The integer sums are computed by the float BLAS kernel on the integer values of the
    /// codes: every product and partial sum is an integer below 127²·cols ≤ 2²⁴ while
    /// cols ≤ 1040, so float32 holds them exactly and the result is bit for bit the Int32
    /// one, at BLAS speed (this build has no int8 kernel). Wider rows use an Int32 loop.
    public func multiply(_ x: UnsafeBufferPointer<Float>, rows n: Int, into y: UnsafeMutableBufferPointer<Float>, biases: [[Float]] = [],
                         floatCodes codes: [Float]? = nil) {
        let amax = x.reduce(Float(0)) { Swift.max($0, Swift.abs($1)) }
        let sx = amax > 0 ? amax / 127 : 1
        guard n > 0, rows > 0 else { return }
        if cols <= 1040 {
            let xq = x.map { Swift.max(-127, Swift.min(127, ($0 / sx).rounded())) }
            let sums = Tensor.product(xq, codes ?? floatCodes, batch: 1, m: n, n: rows, k: cols, transA: false, transB: true, strideA: 0, strideB: 0)
            for r in 0..<n {
                for j in 0..<rows {
                    var v = sums[r * rows + j] * sx * scales[j]
                    for b in biases { v += b[j] }
                    y[r * rows + j] = v
                }
            }
            return
        }
        let xq = x.map { Int8(Swift.max(-127, Swift.min(127, ($0 / sx).rounded()))) }
        Blas.multiplyAdds += n * rows * cols
        xq.withUnsafeBufferPointer { px in
            values.withUnsafeBufferPointer { pw in
                for r in 0..<n {
                    let xo = r * cols
                    for j in 0..<rows {
                        let wo = j * cols
                        var acc: Int32 = 0
                        for k in 0..<cols { acc &+= Int32(px[xo + k]) &* Int32(pw[wo + k]) }
                        var v = Float(acc) * sx * scales[j]
                        for b in biases { v += b[j] }
                        y[r * rows + j] = v
                    }
                }
            }
        }
    }
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
        var y = [Float](repeating: 0, count: rows * outF)
        x.floats.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in w.multiply(px, rows: rows, into: py, biases: bias.map { [$0.floats] } ?? []) }
        }
        let out = Tensor(unchecked: Array(x.shape.dropLast()) + [outF], floats: y)
        let deq = w.dequantized()
        return out.recorded("int8_linear", [x]) { g in
            [Tensor(unchecked: x.shape, floats: product(g.floats, deq.floats, batch: 1, m: rows, n: inF, k: outF,
                                                        transA: false, transB: false, strideA: 0, strideB: 0))]
        }
    }
}

