// Reductions over all elements or along one dimension, in a fixed order (deterministic).
//   sum   d/dx = 1 (the gradient is broadcast back)      mean  d/dx = 1/n
//   max/min along a dim: the gradient goes to the index that won (first on ties, as PyTorch)
//   var   d/dx_i = 2(x_i − mean)/(n − correction)        std = √var: d/dx = dvar/(2·std)
// Softmax and log-softmax, which reduce and broadcast back in one op, are in Softmax.swift.

extension Tensor {
    /// Shape after reducing `dim`.
    static func reducedShape(_ shape: [Int], _ dim: Int, keepdim: Bool) -> [Int] {
        var s = shape
        if keepdim { s[dim] = 1 } else { s.remove(at: dim) }
        return s
    }

    /// Repeats a reduced gradient along `dim` (of size n) to get back to `shape`.
    static func expandReduced(_ g: Tensor, _ shape: [Int], _ dim: Int, scale: Float = 1) -> Tensor {
        let (outer, n, inner) = Shape.around(shape, dim)
        var out = [Float](repeating: 0, count: outer * n * inner)
        g.floats.withUnsafeBufferPointer { pg in
            out.withUnsafeMutableBufferPointer { po in
                for o in 0..<outer {
                    for k in 0..<n {
                        let base = (o * n + k) * inner
                        for i in 0..<inner { po[base + i] = pg[o * inner + i] * scale }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, floats: out)
    }

    /// The sum of all elements; an int64 sum that overflows is an error.
    public func sum() throws -> Tensor {
        if dtype != .float32 {
            var total: Int64 = 0
            for v in ints {
                let (t, overflow) = total.addingReportingOverflow(v)
                if overflow { throw Tensor.intOverflow("the sum of \(Shape.format(shape)) int64 elements") }
                total = t
            }
            return Tensor(unchecked: [], ints: [total])
        }
        var s: Float = 0
        floats.withUnsafeBufferPointer { p in for v in p { s += v } }
        let shape = self.shape
        return Tensor(unchecked: [], floats: [s]).recorded("sum", [self]) { g in
            [Tensor(unchecked: shape, floats: [Float](repeating: g.floats[0], count: Shape.product(shape)))]
        }
    }

    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor {
        let d = try Shape.dim(dim, rank: rank)
        let (outer, n, inner) = Shape.around(shape, d)
        if dtype != .float32 {
            // Exact int64 sums: through float they would round above 2^24.
            var out = [Int64](repeating: 0, count: outer * inner)
            let xs = ints
            for o in 0..<outer {
                for k in 0..<n {
                    let base = (o * n + k) * inner
                    for i in 0..<inner {
                        let (t, overflow) = out[o * inner + i].addingReportingOverflow(xs[base + i])
                        if overflow { throw Tensor.intOverflow("a sum along dim \(d) of \(Shape.format(shape))") }
                        out[o * inner + i] = t
                    }
                }
            }
            return Tensor(unchecked: Tensor.reducedShape(shape, d, keepdim: keepdim), ints: out)
        }
        let x = self
        var out = [Float](repeating: 0, count: outer * inner)
        x.floats.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { po in
                for o in 0..<outer {
                    for k in 0..<n {
                        let base = (o * n + k) * inner
                        for i in 0..<inner { po[o * inner + i] += p[base + i] }
                    }
                }
            }
        }
        let shape = self.shape
        let result = Tensor(unchecked: Tensor.reducedShape(shape, d, keepdim: keepdim), floats: out)
        return result.recorded("sum", [self]) { g in [Tensor.expandReduced(g, shape, d)] }
    }

    public func mean() throws -> Tensor {
        guard count > 0 else { throw TensorError.shape("mean of an empty tensor") }
        return try toFloat().sum().scaled(by: 1 / Float(count))
    }

    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor {
        let d = try Shape.dim(dim, rank: rank)
        guard shape[d] > 0 else {
            throw TensorError.shape("mean over an empty dimension \(dim) of shape \(Shape.format(shape))")
        }
        return try toFloat().sum(dim: d, keepdim: keepdim).scaled(by: 1 / Float(shape[d]))
    }

    /// Sum over several dimensions (each resolved against this tensor's rank).
    public func sum(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let ds = try Set(dims.map { try Shape.dim($0, rank: rank) }).sorted(by: >)
        var t = self
        for d in ds { t = try t.sum(dim: d, keepdim: keepdim) }
        return t
    }

    /// Max (or min) along a dimension: values and int64 indices, like torch.max(x, dim).
    public func max(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extreme(dim: dim, keepdim: keepdim, greater: true)
    }
    public func min(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extreme(dim: dim, keepdim: keepdim, greater: false)
    }

    func extreme(dim: Int, keepdim: Bool, greater: Bool) throws -> (values: Tensor, indices: Tensor) {
        let d = try Shape.dim(dim, rank: rank)
        guard shape[d] > 0 else {
            throw TensorError.shape(
                "\(greater ? "max" : "min") over an empty dimension \(dim) of shape \(Shape.format(shape))")
        }
        let (outer, n, inner) = Shape.around(shape, d)
        let outShape = Tensor.reducedShape(shape, d, keepdim: keepdim)
        if dtype != .float32 {
            // Integers compare exactly (through floats, 2⁶³ − 1 and 2⁶³ − 2 would tie).
            var vals = [Int64](repeating: 0, count: outer * inner), idx = [Int64](repeating: 0, count: outer * inner)
            ints.withUnsafeBufferPointer { p in
                for o in 0..<outer {
                    for i in 0..<inner {
                        var best = p[o * n * inner + i], bi = 0
                        for k in 1..<Swift.max(n, 1) {
                            let v = p[(o * n + k) * inner + i]
                            if greater ? v > best : v < best { best = v; bi = k }
                        }
                        vals[o * inner + i] = best
                        idx[o * inner + i] = Int64(bi)
                    }
                }
            }
            return (Tensor(unchecked: outShape, ints: vals, dtype: .int64), Tensor(unchecked: outShape, ints: idx))
        }
        let x = toFloat()
        var vals = [Float](repeating: 0, count: outer * inner)
        var idx = [Int64](repeating: 0, count: outer * inner)
        x.floats.withUnsafeBufferPointer { p in
            for o in 0..<outer {
                for i in 0..<inner {
                    var best = p[o * n * inner + i], bi = 0
                    for k in 1..<Swift.max(n, 1) {
                        let v = p[(o * n + k) * inner + i]
                        // NaN wins, as in PyTorch.
                        if best.isNaN { break }
                        if v.isNaN || (greater ? v > best : v < best) { best = v; bi = k }
                    }
                    vals[o * inner + i] = best
                    idx[o * inner + i] = Int64(bi)
                }
            }
        }
        let indices = Tensor(unchecked: outShape, ints: idx)
        let shape = self.shape
        let values = Tensor(unchecked: outShape, floats: vals).recorded(greater ? "max" : "min", [self]) { g in
            var out = [Float](repeating: 0, count: outer * n * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    out[(o * n + Int(idx[o * inner + i])) * inner + i] = g.floats[o * inner + i]
                }
            }
            return [Tensor(unchecked: shape, floats: out)]
        }
        return (values, indices)
    }

    /// Largest element overall (gradient to the first maximal element).
    public func max() throws -> Tensor { try flattened().max(dim: 0).values }
    public func min() throws -> Tensor { try flattened().min(dim: 0).values }

    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try flattened().max(dim: 0).indices }
        return try max(dim: dim, keepdim: keepdim).indices
    }
    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try flattened().min(dim: 0).indices }
        return try min(dim: dim, keepdim: keepdim).indices
    }

    /// Variance with Bessel's correction by default (PyTorch's `correction=1`).
    public func variance(dim: Int? = nil, keepdim: Bool = false, correction: Int = 1) throws -> Tensor {
        let x = toFloat()
        if let dim {
            let d = try Shape.dim(dim, rank: rank)
            let n = shape[d] - correction
            guard n > 0 else {
                throw TensorError.shape(
                    "variance over dimension \(dim) of size \(shape[d]) with correction \(correction)")
            }
            let centered = try x.sub(x.mean(dim: d, keepdim: true))
            return try centered.mul(centered).sum(dim: d, keepdim: keepdim).scaled(by: 1 / Float(n))
        }
        let n = count - correction
        guard n > 0 else { throw TensorError.shape("variance of \(count) elements with correction \(correction)") }
        let centered = try x.sub(x.mean())
        return try centered.mul(centered).sum().scaled(by: 1 / Float(n))
    }
    public func std(dim: Int? = nil, keepdim: Bool = false, correction: Int = 1) throws -> Tensor {
        try variance(dim: dim, keepdim: keepdim, correction: correction).sqrt()
    }
}
