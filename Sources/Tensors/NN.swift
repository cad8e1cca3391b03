import Foundation

// Neural-network primitives with fused kernels, each with its backward:
//   embedding    dW[id] += dY row (rows of padding_idx get none)
//   masked_fill  dX = dY where the mask is false, 0 where it was filled
//   layer_norm   x̂ = (x−μ)/σ, y = x̂·w + b;  dx = (1/σ)(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = dY·w
//   dropout      dX = dY·mask/(1−p)
extension Tensor {
    /// Rows of `weight` ([num, dim]) picked by int64 `ids` of any shape → ids.shape + [dim].
    public static func embedding(_ ids: Tensor, _ weight: Tensor, paddingIndex: Int? = nil) throws -> Tensor {
        guard ids.dtype != .float32 else { throw TensorError.dtype("embedding needs int64 ids, found float32") }
        guard weight.rank == 2, weight.dtype == .float32 else {
            throw TensorError.shape("embedding needs a float weight of shape [num_embeddings, dim], found \(weight.dtype) \(fmt(weight.shape))")
        }
        let num = weight.shape[0], dim = weight.shape[1]
        var rows = [Int](repeating: 0, count: ids.count)
        for (k, v) in ids.ints.enumerated() {
            guard v >= 0, v < num else {
                throw TensorError.index("token id \(v) is out of range for an embedding of \(num) rows (expected 0..<\(num))")
            }
            rows[k] = Int(v)
        }
        var out = [Float](repeating: 0, count: rows.count * dim)
        weight.floats.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { o in
                for (k, r) in rows.enumerated() {
                    for j in 0..<dim { o[k * dim + j] = w[r * dim + j] }
                }
            }
        }
        let wshape = weight.shape
        return Tensor(unchecked: ids.shape + [dim], floats: out).recorded("embedding", [weight]) { g in
            var dw = [Float](repeating: 0, count: num * dim)
            g.floats.withUnsafeBufferPointer { pg in
                for (k, r) in rows.enumerated() where r != paddingIndex {
                    for j in 0..<dim { dw[r * dim + j] += pg[k * dim + j] }
                }
            }
            return [Tensor(unchecked: wshape, floats: dw)]
        }
    }

    /// Replaces elements where `mask` (broadcast to this shape) is true by `value`.
    public func maskedFill(_ mask: Tensor, _ value: Float) throws -> Tensor {
        let m = try mask.toBool().toFloat().expand(shape)
        let x = toFloat()
        let out = try Tensor.zipFloats(x.detach(), m) { $1 != 0 ? value : $0 }
        return out.recorded("masked_fill", [self]) { g in [try Tensor.zipFloats(g, m) { $1 != 0 ? 0 : $0 }] }
    }

    /// Layer normalisation over the last `normalizedShape.count` dimensions.
    public static func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) throws -> Tensor {
        try x.requireFloat("layer_norm")
        guard normalizedShape.count <= x.rank, Array(x.shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw TensorError.shape("layer_norm over \(fmt(normalizedShape)) needs an input ending in those sizes, found \(fmt(x.shape))")
        }
        for p in [weight, bias].compactMap({ $0 }) where p.shape != normalizedShape {
            throw TensorError.shape("layer_norm weight/bias must have shape \(fmt(normalizedShape)), found \(fmt(p.shape))")
        }
        let n = Shape.product(normalizedShape)
        let rows = n == 0 ? 0 : x.count / n
        var y = [Float](repeating: 0, count: x.count)
        var xhat = [Float](repeating: 0, count: x.count)
        var rstd = [Float](repeating: 0, count: rows)
        let w = weight?.floats, b = bias?.floats
        x.floats.withUnsafeBufferPointer { px in
            for r in 0..<rows {
                var mean: Float = 0
                for j in 0..<n { mean += px[r * n + j] }
                mean /= Float(n)
                var v: Float = 0
                for j in 0..<n { let d = px[r * n + j] - mean; v += d * d }
                v /= Float(n)
                let rs = 1 / (v + eps).squareRoot()
                rstd[r] = rs
                for j in 0..<n {
                    let h = (px[r * n + j] - mean) * rs
                    xhat[r * n + j] = h
                    y[r * n + j] = h * (w?[j] ?? 1) + (b?[j] ?? 0)
                }
            }
        }
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let xshape = x.shape
        return Tensor(unchecked: xshape, floats: y).recorded("layer_norm", inputs) { g in
            var dx = [Float](repeating: 0, count: g.floats.count)
            var dw = [Float](repeating: 0, count: n), db = [Float](repeating: 0, count: n)
            g.floats.withUnsafeBufferPointer { pg in
                for r in 0..<rows {
                    var meanG: Float = 0, meanGX: Float = 0
                    for j in 0..<n {
                        let gh = pg[r * n + j] * (w?[j] ?? 1)
                        meanG += gh; meanGX += gh * xhat[r * n + j]
                        dw[j] += pg[r * n + j] * xhat[r * n + j]
                        db[j] += pg[r * n + j]
                    }
                    meanG /= Float(n); meanGX /= Float(n)
                    for j in 0..<n {
                        let gh = pg[r * n + j] * (w?[j] ?? 1)
                        dx[r * n + j] = rstd[r] * (gh - meanG - xhat[r * n + j] * meanGX)
                    }
                }
            }
            var grads: [Tensor?] = [Tensor(unchecked: xshape, floats: dx)]
            if weight != nil { grads.append(Tensor(unchecked: normalizedShape, floats: dw)) }
            if bias != nil { grads.append(Tensor(unchecked: normalizedShape, floats: db)) }
            return grads
        }
    }

    /// Inverted dropout: zero each element with probability p, scale survivors by 1/(1−p).
    public func dropout(p: Float, using g: inout RandomGenerator) throws -> Tensor {
        guard p >= 0, p < 1 else {
            if p == 1 { return try Tensor.zeros(shape).recorded("dropout", [self]) { g in [try Tensor.zeros(g.shape)] } }
            throw TensorError.value("dropout probability must be in [0, 1], found \(p)")
        }
        if p == 0 { return self }
        let scale = 1 / (1 - p)
        var mask = [Float](repeating: 0, count: count)
        for i in 0..<count { mask[i] = g.uniform() >= p ? scale : 0 }
        let m = Tensor(unchecked: shape, floats: mask)
        return try Tensor.zipFloats(toFloat().detach(), m, *).recorded("dropout", [self]) { gr in [try gr.mul(m)] }
    }
    public func dropout(p: Float) throws -> Tensor { try dropout(p: p, using: &Random.shared) }

    /// int64 class ids → float one-hot rows with `classes` columns.
    public func oneHot(classes: Int) throws -> Tensor {
        guard dtype != .float32 else { throw TensorError.dtype("one_hot needs int64 class ids, found float32") }
        guard classes > 0 else { throw TensorError.value("one_hot needs a positive number of classes, found \(classes)") }
        var out = [Float](repeating: 0, count: try Shape.count(shape + [classes]))
        for (k, v) in ints.enumerated() {
            guard v >= 0, v < classes else { throw TensorError.index("class id \(v) is out of range for \(classes) classes") }
            out[k * classes + Int(v)] = 1
        }
        return Tensor(unchecked: shape + [classes], floats: out)
    }
}
