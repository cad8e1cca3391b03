// Softmax and log-softmax along one dimension, fused: one pass for each lane's max, one for
// the sum of exponentials (in order, so deterministic), then the outputs.
//   softmax      y = e^(x − m) / Σ e^(x − m);        dx = y·(g − Σ g·y)
//   log_softmax  y = x − m − log Σ e^(x − m);        dx = g − e^y·Σ g
// A lane is the n elements base + k·inner (k < n) along the dimension.

extension Tensor {
    /// softmax along `dim`; backward: dx = y·(g − Σ g·y).
    public func softmax(dim: Int) throws -> Tensor {
        let (outer, n, inner) = try softmaxLanes(dim: dim, op: "softmax")
        let y = softmaxForward(outer, n, inner) { p, po, base, m in
            // Exponentials first, in a loop of their own so that it vectorizes, then the sum in order.
            if m == -.infinity { for k in 0..<n { po[base + k * inner] = .nan } } else {
                for k in 0..<n { po[base + k * inner] = FastMath.exp(p[base + k * inner] - m) }
            }
            var s: Float = 0
            for k in 0..<n { s += po[base + k * inner] }
            for k in 0..<n { po[base + k * inner] /= s }
        }
        return y.recorded("softmax", [self]) { g in
            var dx = [Float](repeating: 0, count: y.floats.count)
            Tensor.forEachLane(outer, n, inner) { base in
                var dot: Float = 0
                for k in 0..<n { dot += g.floats[base + k * inner] * y.floats[base + k * inner] }
                for k in 0..<n {
                    dx[base + k * inner] = y.floats[base + k * inner] * (g.floats[base + k * inner] - dot)
                }
            }
            return [Tensor(unchecked: y.shape, floats: dx)]
        }
    }

    /// log_softmax along `dim`; backward: dx = g − softmax·Σ g.
    public func logSoftmax(dim: Int) throws -> Tensor {
        let (outer, n, inner) = try softmaxLanes(dim: dim, op: "log_softmax")
        let y = softmaxForward(outer, n, inner) { p, po, base, m in
            // The exponentials go through the output, in a loop that vectorizes, then the sum in order.
            for k in 0..<n { po[base + k * inner] = FastMath.exp(p[base + k * inner] - m) }
            var s: Float = 0
            for k in 0..<n { s += po[base + k * inner] }
            let lse = m + FastMath.log(s)
            for k in 0..<n { po[base + k * inner] = p[base + k * inner] - lse }
        }
        return y.recorded("log_softmax", [self]) { g in
            var dx = [Float](repeating: 0, count: y.floats.count)
            Tensor.forEachLane(outer, n, inner) { base in
                var s: Float = 0
                for k in 0..<n { s += g.floats[base + k * inner] }
                for k in 0..<n {
                    dx[base + k * inner] = g.floats[base + k * inner] - FastMath.exp(y.floats[base + k * inner]) * s
                }
            }
            return [Tensor(unchecked: y.shape, floats: dx)]
        }
    }

    /// The lanes along `dim` as (outer, n, inner); a 0-d tensor is one lane of one element.
    func softmaxLanes(dim: Int, op: String) throws -> (outer: Int, n: Int, inner: Int) {
        let d = try Shape.dim(dim, rank: Swift.max(rank, 1))
        try requireFloat(op)
        return rank == 0 ? (1, 1, 1) : Shape.around(shape, d)
    }

    /// Calls `lane(base)` for every lane, in row-major order of the other dimensions.
    @inline(__always)
    static func forEachLane(_ outer: Int, _ n: Int, _ inner: Int, _ lane: (_ base: Int) -> Void) {
        for o in 0..<outer {
            for i in 0..<inner { lane(o * n * inner + i) }
        }
    }

    /// The forward pass shared by both: each lane's max m, then `lane(p, po, base, m)` writes
    /// the lane's outputs into po from the inputs p.
    @inline(__always)
    func softmaxForward(_ outer: Int, _ n: Int, _ inner: Int,
                        _ lane: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, Int, Float) -> Void)
        -> Tensor {
        var out = [Float](repeating: 0, count: floats.count)
        floats.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { po in
                Tensor.forEachLane(outer, n, inner) { base in
                    var m = -Float.infinity
                    for k in 0..<n { m = Swift.max(m, p[base + k * inner]) }
                    lane(p, po, base, m)
                }
            }
        }
        return Tensor(unchecked: shape, floats: out)
    }
}
