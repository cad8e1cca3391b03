import CKernels
import Foundation

// Int8 weights and an int8 × int8 product with Int32 sums, for post-training quantization.

/// A weight matrix [rows, cols] stored as int8 with one scale per row (per output
/// channel, symmetric): w ≈ q · scale, q ∈ [−127, 127].
public struct Int8Matrix {
    public let rows: Int, cols: Int
    public let values: [Int8]
    /// The codes laid out for the int8 kernel of the path in use when they were made.
    let packed: Kernels.PackedInt8
    public let scales: [Float]

    public init(_ w: Tensor) throws {
        guard w.rank == 2, w.dtype == .float32 else {
            throw TensorError.shape("int8 quantization needs a float matrix, found \(w.shape) \(w.dtype)")
        }
        rows = w.shape[0]; cols = w.shape[1]
        var q = [Int8](repeating: 0, count: rows * cols), s = [Float](repeating: 1, count: rows)
        for r in 0..<rows {
            let row = w.floats[r * cols..<(r + 1) * cols]
            let m = row.map { Swift.abs($0) }.max() ?? 0
            let scale = m > 0 ? m / 127 : 1
            s[r] = scale
            for (k, v) in row.enumerated() { q[r * cols + k] = Int8Matrix.code(v / scale) }
        }
        values = q; scales = s
        packed = Kernels.PackedInt8(q, n: rows, k: cols)
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
        let codes = Array(values[range.lowerBound * cols..<range.upperBound * cols])
        return Int8Matrix(rows: range.count, cols: cols, values: codes, scales: Array(scales[range]))
    }

    init(rows: Int, cols: Int, values: [Int8], scales: [Float]) {
        self.rows = rows; self.cols = cols; self.values = values; self.scales = scales
        packed = Kernels.PackedInt8(values, n: rows, k: cols)
    }

    /// y[r, j] = Σₖ q(x)[r, k]·codes[j, k] · sₓ·sⱼ (+ each of `biases`[j], in order) for x
    /// [rows, cols]: x is quantized to int8 with one dynamic scale sₓ = max|x| / 127, and the
    /// products are summed exactly in Int32 by the int8 kernel (Kernels.s8Linear).
    public func multiply(_ x: UnsafeBufferPointer<Float>, rows n: Int, into y: UnsafeMutableBufferPointer<Float>,
                         biases: [[Float]] = []) {
        let amax = x.baseAddress.map { xai_absmax(Kernels.path.code, Int64(x.count), $0) } ?? 0
        let sx = amax > 0 && amax.isFinite ? amax / 127 : 1
        guard n > 0, rows > 0, x.count >= n * cols, y.count >= n * rows else { return }
        let usable = biases.filter { $0.count >= rows }
        if cols <= Kernels.s8MaxDepth && usable.count <= 2 {
            let layout = packed.path == Kernels.path ? packed : Kernels.PackedInt8(values, n: rows, k: cols)
            Kernels.s8Linear(x, rows: n, sx: sx, layout, plain: values, scales: scales,
                             bias1: usable.first, bias2: usable.count > 1 ? usable[1] : nil, into: y)
            return
        }
        // Rows too long for Int32 sums, or more than two biases: Int64 sums (saturated to
        // Int32), then the same rescaling in the same order.
        let xq = x.map { Int8Matrix.code($0 / sx) }
        for r in 0..<n {
            for j in 0..<rows {
                var acc: Int64 = 0
                for k in 0..<cols { acc &+= Int64(xq[r * cols + k]) &* Int64(values[j * cols + k]) }
                var v = Float(Int32(clamping: acc)) * sx * scales[j]
                for b in usable { v += b[j] }
                y[r * rows + j] = v
            }
        }
    }

    /// The int8 code of a value already divided by its scale: clamped to [−127, 127] and
    /// rounded half to even, NaN as 0 (what the int8 kernels compute: `code` in s8gemm.c).
    @inline(__always) static func code(_ v: Float) -> Int8 {
        let c = v > 127 ? 127 : (v < -127 ? -127 : (v == v ? v : 0))
        return Int8(c.rounded(.toNearestOrEven))
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
            y.withUnsafeMutableBufferPointer { py in
                w.multiply(px, rows: rows, into: py, biases: bias.map { [$0.floats] } ?? [])
            }
        }
        let out = Tensor(unchecked: Array(x.shape.dropLast()) + [outF], floats: y)
        return out.recorded("int8_linear", [x]) { g in
            [Tensor(unchecked: x.shape, floats: product(g.floats, w.dequantized().floats, m: rows, n: inF, k: outF,
                                                        transA: false, transB: false))]
        }
    }
}

