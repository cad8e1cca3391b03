// Ops that move or select elements. Backward of each is its adjoint:
//   reshape ↔ reshape back; permute ↔ inverse permute; cat ↔ slices; slice ↔ zero-padded scatter;
//   expand ↔ sumTo; index_select/gather ↔ scatter-add.

extension Tensor {
    /// Same values, new shape; one dimension may be -1 (inferred). Storage is shared (CoW).
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        var s = newShape
        let infer = s.indices.filter { s[$0] == -1 }
        guard infer.count <= 1 else {
            throw TensorError.shape("reshape: only one dimension can be -1, found \(Shape.format(newShape))")
        }
        if let k = infer.first {
            let rest = s.enumerated().filter { $0.offset != k }.map(\.element)
            let known = try Shape.count(rest)
            guard known > 0, count % known == 0 else {
                throw TensorError.shape(
                    "cannot reshape \(Shape.format(shape)) (\(count) elements) to \(Shape.format(newShape))")
            }
            s[k] = count / known
        }
        let n = try Shape.count(s)
        guard n == count else {
            throw TensorError.shape("cannot reshape \(Shape.format(shape)) (\(count) elements) to "
                                    + "\(Shape.format(newShape)) (\(n) elements)")
        }
        var out = self
        out.shape = s
        out.meta = nil
        let old = shape
        return out.recorded("reshape", [self]) { g in [try g.reshape(old)] }
    }

    public func flattened() throws -> Tensor { try reshape([count]) }
    /// Flattens dimensions from `start` on (torch.flatten(x, start)).
    public func flatten(from start: Int = 0) throws -> Tensor {
        let d = try Shape.dim(start, rank: Swift.max(rank, 1))
        if rank == 0 { return try reshape([1]) }
        return try reshape(Array(shape[..<d]) + [Shape.product(shape[d...])])
    }

    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let d = try Shape.dim(dim, rank: rank, allowEnd: true)
        var s = shape
        s.insert(1, at: d)
        return try reshape(s)
    }
    public func squeeze(_ dim: Int? = nil) throws -> Tensor {
        if let dim {
            let d = try Shape.dim(dim, rank: rank)
            guard shape[d] == 1 else { return self }
            var s = shape
            s.remove(at: d)
            return try reshape(s)
        }
        return try reshape(shape.filter { $0 != 1 })
    }

    /// Reorders dimensions: output dim i is input dim dims[i].
    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == rank else {
            throw TensorError.shape(
                "permute needs \(rank) dimensions for shape \(Shape.format(shape)), found \(dims.count)")
        }
        let p = try dims.map { try Shape.dim($0, rank: rank) }
        guard Set(p).count == rank else {
            throw TensorError.shape("permute dimensions must be distinct, found \(dims)")
        }
        if p == Array(0..<rank) { return self }
        let outShape = p.map { shape[$0] }
        let inStrides = Shape.strides(shape)
        let srcStrides = p.map { inStrides[$0] }
        let out = Tensor.gatherStrided(self, outShape, srcStrides)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in p.enumerated() { inverse[d] = i }
        return out.recorded("permute", [self]) { g in [try g.permute(inverse)] }
    }

    /// Copies elements of `t` read with `strides` into a contiguous tensor of `shape`.
    static func gatherStrided(_ t: Tensor, _ shape: [Int], _ strides: [Int], offset: Int = 0) -> Tensor {
        let n = Shape.product(shape)
        let zero = [Int](repeating: 0, count: shape.count)
        if t.dtype == .float32 {
            var out = [Float](repeating: 0, count: n)
            t.floats.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { po in
                    forEachOffset2(shape, strides, zero) { o, oa, _, len, da, _ in
                        for j in 0..<len { po[o + j] = p[offset + oa + j * da] }
                    }
                }
            }
            return Tensor(unchecked: shape, floats: out)
        }
        var out = [Int64](repeating: 0, count: n)
        forEachOffset2(shape, strides, zero) { o, oa, _, len, da, _ in
            for j in 0..<len { out[o + j] = t.ints[offset + oa + j * da] }
        }
        return Tensor(unchecked: shape, ints: out, dtype: t.dtype)
    }

    public func transpose(_ d0: Int, _ d1: Int) throws -> Tensor {
        let a = try Shape.dim(d0, rank: rank), b = try Shape.dim(d1, rank: rank)
        var p = Array(0..<rank)
        p.swapAt(a, b)
        return try permute(p)
    }
    /// Transpose of a 2-D tensor (or of the last two dimensions).
    public var T: Tensor { get throws { try transpose(-2, -1) } }

    /// Elements start..<end step `step` along `dim` (end clamped, negatives from the end, as Python).
    public func slice(dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let d = try Shape.dim(dim, rank: rank)
        guard step > 0 else { throw TensorError.index("slice step must be positive, found \(step)") }
        let n = shape[d]
        func clampIndex(_ i: Int?, _ dflt: Int) -> Int {
            guard let i else { return dflt }
            let r = i < 0 ? i + n : i
            return Swift.min(Swift.max(r, 0), n)
        }
        let s = clampIndex(start, 0), e = Swift.max(clampIndex(end, n), s)
        // 0 ≤ e − s ≤ n, so nothing here overflows, whatever the step.
        let len = e > s ? 1 + (e - s - 1) / step : 0
        var outShape = shape
        outShape[d] = len
        var strides = Shape.strides(shape)
        let offset = len == 0 ? 0 : s * strides[d]
        // With two or more elements the step is below n, so stride·step stays within the count.
        if len > 1 { strides[d] *= step }
        let out = Tensor.gatherStrided(self, outShape, strides, offset: offset)
        let inShape = shape
        return out.recorded("slice", [self]) { g in
            var full = [Float](repeating: 0, count: Shape.product(inShape))
            let zero = [Int](repeating: 0, count: outShape.count)
            forEachOffset2(outShape, zero, strides) { o, _, oi, l, _, di in
                for j in 0..<l { full[offset + oi + j * di] += g.floats[o + j] }
            }
            return [Tensor(unchecked: inShape, floats: full)]
        }
    }

    /// The sub-tensor at `index` along `dim` (that dimension removed), like x[i].
    public func select(dim: Int, index: Int) throws -> Tensor {
        let d = try Shape.dim(dim, rank: rank)
        let n = shape[d]
        let i = index < 0 ? index + n : index
        guard i >= 0, i < n else {
            throw TensorError.index("index \(index) is out of range for dimension \(d) of size \(n)")
        }
        return try slice(dim: d, start: i, end: i + 1).squeeze(d)
    }

    /// Concatenates along `dim`; all other dimensions must agree.
    public static func cat(_ ts: [Tensor], dim: Int) throws -> Tensor {
        guard let first = ts.first else { throw TensorError.shape("cat needs at least one tensor") }
        let d = try Shape.dim(dim, rank: first.rank)
        let anyFloat = ts.contains { $0.dtype == .float32 }
        for t in ts {
            guard t.rank == first.rank,
                  t.shape.enumerated().allSatisfy({ $0.offset == d || $0.element == first.shape[$0.offset] }) else {
                throw TensorError.shape("cat along dimension \(dim): shapes \(Shape.format(first.shape)) and "
                                        + "\(Shape.format(t.shape)) differ outside that dimension")
            }
        }
        var outShape = first.shape
        outShape[d] = ts.reduce(0) { $0 + $1.shape[d] }
        let n = try Shape.count(outShape)
        let outer = Shape.product(first.shape[..<d]), inner = Shape.product(first.shape[(d + 1)...])
        let total = outShape[d]
        let sizes = ts.map { $0.shape[d] }
        var out: Tensor
        if anyFloat {
            var buf = [Float](repeating: 0, count: n)
            var at = 0
            for t in ts {
                let f = t.toFloat().floats, sd = t.shape[d]
                for o in 0..<outer {
                    for k in 0..<(sd * inner) { buf[(o * total + at) * inner + k] = f[o * sd * inner + k] }
                }
                at += sd
            }
            out = Tensor(unchecked: outShape, floats: buf)
        } else {
            var buf = [Int64](repeating: 0, count: n)
            var at = 0
            for t in ts {
                let sd = t.shape[d]
                for o in 0..<outer {
                    for k in 0..<(sd * inner) { buf[(o * total + at) * inner + k] = t.ints[o * sd * inner + k] }
                }
                at += sd
            }
            out = Tensor(unchecked: outShape, ints: buf, dtype: ts.allSatisfy { $0.dtype == .bool } ? .bool : .int64)
            return out
        }
        return out.recorded("cat", ts) { g in
            var start = 0
            return try sizes.map { sz in
                defer { start += sz }
                return try g.slice(dim: d, start: start, end: start + sz)
            }
        }
    }

    /// Stacks equal-shaped tensors along a new dimension.
    public static func stack(_ ts: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = ts.first else { throw TensorError.shape("stack needs at least one tensor") }
        for t in ts where t.shape != first.shape {
            throw TensorError.shape(
                "stack needs equal shapes, found \(Shape.format(first.shape)) and \(Shape.format(t.shape))")
        }
        let d = try Shape.dim(dim, rank: first.rank, allowEnd: true)
        return try cat(ts.map { try $0.unsqueeze(d) }, dim: d)
    }

    /// Broadcasts to `shape` (materialised); -1 keeps a dimension.
    public func expand(_ target: [Int]) throws -> Tensor {
        guard target.count >= rank else {
            throw TensorError.shape(
                "expand to \(Shape.format(target)) has fewer dimensions than \(Shape.format(shape))")
        }
        var t = target
        let off = target.count - rank
        for i in 0..<rank where t[i + off] == -1 { t[i + off] = shape[i] }
        guard (try? Shape.broadcast(shape, t)) == t else {
            throw TensorError.shape(
                "cannot expand \(Shape.format(shape)) to \(Shape.format(target)): sizes must match or be 1")
        }
        _ = try Shape.count(t)
        let out = Tensor.gatherStrided(self, t, Shape.broadcastStrides(shape, to: t))
        let old = shape
        return out.recorded("expand", [self]) { g in [try g.sumTo(old)] }
    }

    /// Rows of `dim` picked by an int64 index vector (torch.index_select).
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        let d = try Shape.dim(dim, rank: rank)
        guard index.dtype != .float32, index.rank <= 1 else {
            throw TensorError.dtype(
                "index_select needs a 1-D int64 index, found \(index.dtype) of shape \(Shape.format(index.shape))")
        }
        let n = shape[d]
        let idx = try index.ints.map { i -> Int in
            let r = i < 0 ? Int(i) + n : Int(i)
            guard r >= 0, r < n else {
                throw TensorError.index("index \(i) is out of range for dimension \(d) of size \(n)")
            }
            return r
        }
        let (outer, _, inner) = Shape.around(shape, d)
        var outShape = shape
        outShape[d] = idx.count
        if dtype != .float32 {
            var out = [Int64](repeating: 0, count: outer * idx.count * inner)
            for o in 0..<outer { for (k, r) in idx.enumerated() { for i in 0..<inner {
                out[(o * idx.count + k) * inner + i] = ints[(o * n + r) * inner + i]
            } } }
            return Tensor(unchecked: outShape, ints: out, dtype: dtype)
        }
        var out = [Float](repeating: 0, count: outer * idx.count * inner)
        floats.withUnsafeBufferPointer { p in
            for o in 0..<outer { for (k, r) in idx.enumerated() { for i in 0..<inner {
                out[(o * idx.count + k) * inner + i] = p[(o * n + r) * inner + i]
            } } }
        }
        let inShape = shape
        return Tensor(unchecked: outShape, floats: out).recorded("index_select", [self]) { g in
            var dx = [Float](repeating: 0, count: Shape.product(inShape))
            for o in 0..<outer { for (k, r) in idx.enumerated() { for i in 0..<inner {
                dx[(o * n + r) * inner + i] += g.floats[(o * idx.count + k) * inner + i]
            } } }
            return [Tensor(unchecked: inShape, floats: dx)]
        }
    }

    /// out[i][j][k] = self[i][index[i][j][k]][k] for dim 1, and so on (torch.gather).
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        let d = try Shape.dim(dim, rank: rank)
        guard index.dtype != .float32, index.rank == rank else {
            throw TensorError.shape("gather needs an int64 index of rank \(rank), found \(index.dtype) of shape "
                                    + "\(Shape.format(index.shape))")
        }
        for k in 0..<rank where k != d && index.shape[k] > shape[k] {
            throw TensorError.shape("gather: index shape \(Shape.format(index.shape)) exceeds input shape "
                                    + "\(Shape.format(shape)) in dimension \(k)")
        }
        let st = Shape.strides(shape), ist = Shape.strides(index.shape)
        let n = index.count
        var offsets = [Int](repeating: 0, count: n)
        for flat in 0..<n {
            var rem = flat, off = 0
            for k in 0..<rank {
                let c = rem / ist[k]
                rem %= ist[k]
                if k == d {
                    let v = Int(index.ints[flat])
                    let r = v < 0 ? v + shape[d] : v
                    guard r >= 0, r < shape[d] else {
                        throw TensorError.index(
                            "gather index \(v) is out of range for dimension \(d) of size \(shape[d])")
                    }
                    off += r * st[k]
                } else { off += c * st[k] }
            }
            offsets[flat] = off
        }
        if dtype != .float32 { return Tensor(unchecked: index.shape, ints: offsets.map { ints[$0] }, dtype: dtype) }
        let inShape = shape
        let out = Tensor(unchecked: index.shape, floats: offsets.map { floats[$0] })
        return out.recorded("gather", [self]) { g in
            var dx = [Float](repeating: 0, count: Shape.product(inShape))
            for (i, o) in offsets.enumerated() { dx[o] += g.floats[i] }
            return [Tensor(unchecked: inShape, floats: dx)]
        }
    }
}
