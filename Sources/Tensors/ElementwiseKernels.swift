import CKernels

/// Elementwise loops on hot paths, run by the C kernels on the current path (vectorised to
/// the CPU's width). Their bits are those of the scalar formula on every path.
extension Kernels {
    /// One Adam step over a parameter's values w with moments m, v and gradient g, each of the
    /// same count: g' = g + l2·w;  m = b1·m + c1·g';  v = b2·v + (c2·g')·g';
    /// w = w − (step·m) / (√v / bc2Sqrt + eps).
    public static func adam(_ w: UnsafeMutableBufferPointer<Float>, m: UnsafeMutableBufferPointer<Float>,
                            v: UnsafeMutableBufferPointer<Float>, grad: UnsafeBufferPointer<Float>,
                            l2: Float, b1: Float, c1: Float, b2: Float, c2: Float, step: Float, bc2Sqrt: Float,
                            eps: Float) {
        let n = Swift.min(w.count, m.count, v.count, grad.count)
        guard n > 0, let pw = w.baseAddress, let pm = m.baseAddress, let pv = v.baseAddress,
              let pg = grad.baseAddress else { return }
        let code = path.code
        Parallel.ranges(n) { r in
            xai_adam(code, Int64(r.count), pw + r.lowerBound, pm + r.lowerBound, pv + r.lowerBound, pg + r.lowerBound,
                     l2, b1, c1, b2, c2, step, bc2Sqrt, eps)
        }
    }

    /// GELU over n values: y = x·Φ(x) and slope = Φ(x) + x·φ(x), the bits of
    /// FastMath.standardNormal's Φ and φ.
    static func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, slope: UnsafeMutablePointer<Float>,
                     count: Int) {
        guard count > 0 else { return }
        xai_gelu(path.code, Int64(count), x, y, slope)
    }

    /// out[j] += Σᵣ x[r, j] for a rows × n matrix x, each column's sum from row 0 down;
    /// columns split across workers.
    static func addColumnSums(_ x: UnsafeBufferPointer<Float>, rows: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let n = out.count
        guard rows > 0, n > 0, x.count >= rows * n, let px = x.baseAddress, let po = out.baseAddress else { return }
        let code = path.code
        Parallel.columns(n, rows: rows) { columns in
            xai_column_sums(code, Int64(columns.lowerBound), Int64(columns.upperBound), Int64(rows), Int64(n), px, po)
        }
    }
}
