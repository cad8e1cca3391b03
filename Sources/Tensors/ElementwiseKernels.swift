import CKernels

/// Elementwise loops on hot paths, run by the C kernels on the current path (vectorised to
/// the CPU's width). Their bits are those of the scalar formula on every path.
extension Kernels {
    /// One Adam step over a parameter's values w with moments m, v and gradient g, each of the
    /// same count: g' = g + l2·w;  m = b1·m + c1·g';  v = b2·v + (c2·g')·g';
    /// w = w − (step·m) / (√v / bc2Sqrt + eps).
    public static func adam(_ w: UnsafeMutableBufferPointer<Float>, m: UnsafeMutableBufferPointer<Float>,
                            v: UnsafeMutableBufferPointer<Float>, grad: UnsafeBufferPointer<Float>,
                            l2: Float, b1: Float, c1: Float, b2: Float, c2: Float, step: Float, bc2Sqrt: Float, eps: Float) {
        let n = Swift.min(w.count, m.count, v.count, grad.count)
        guard n > 0, let pw = w.baseAddress, let pm = m.baseAddress, let pv = v.baseAddress, let pg = grad.baseAddress else { return }
        xai_adam(path.code, Int64(n), pw, pm, pv, pg, l2, b1, c1, b2, c2, step, bc2Sqrt, eps)
    }

    /// int8 codes of x / scale (see Int8Matrix.code), on the current path.
    static func quantize(_ x: UnsafeBufferPointer<Float>, scale: Float) -> [Int8] {
        [Int8](unsafeUninitializedCapacity: x.count) { out, done in
            if let px = x.baseAddress, let po = out.baseAddress { xai_quantize(path.code, Int64(x.count), px, scale, po) }
            done = x.count
        }
    }

    /// y[r, j] = sums[r, j]·sx·scales[j] (+ bias1[j]) (+ bias2[j]) for `rows` rows of `columns`.
    static func rescale(_ sums: [Int32], rows: Int, columns: Int, sx: Float, scales: [Float], bias1: [Float]?, bias2: [Float]?,
                        into y: UnsafeMutableBufferPointer<Float>) {
        guard rows > 0, columns > 0, sums.count >= rows * columns, scales.count >= columns, y.count >= rows * columns,
              let py = y.baseAddress else { return }
        sums.withUnsafeBufferPointer { ps in
            scales.withUnsafeBufferPointer { pscale in
                let b1 = bias1 ?? [], b2 = bias2 ?? []
                b1.withUnsafeBufferPointer { p1 in
                    b2.withUnsafeBufferPointer { p2 in
                        xai_rescale(path.code, Int64(rows), Int64(columns), ps.baseAddress, sx, pscale.baseAddress,
                                    bias1 == nil ? nil : p1.baseAddress, bias2 == nil ? nil : p2.baseAddress, py)
                    }
                }
            }
        }
    }
}
