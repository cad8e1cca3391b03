import CKernels
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
            throw TensorError.shape("embedding needs a float weight of shape [num_embeddings, dim], found \(weight.dtype) \(Shape.format(weight.shape))")
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
            throw TensorError.shape("layer_norm over \(Shape.format(normalizedShape)) needs an input ending in those sizes, found \(Shape.format(x.shape))")
        }
        for p in [weight, bias].compactMap({ $0 }) where p.shape != normalizedShape {
            throw TensorError.shape("layer_norm weight/bias must have shape \(Shape.format(normalizedShape)), found \(Shape.format(p.shape))")
        }
        let n = Shape.product(normalizedShape)
        let rows = n == 0 ? 0 : x.count / n
        // Missing affine parameters act as ones and zeros, so the loops have no branches.
        let w = weight?.floats ?? [Float](repeating: 1, count: n), b = bias?.floats ?? [Float](repeating: 0, count: n)
        var xhat = [Float](repeating: 0, count: x.count)
        var rstd = [Float](repeating: 0, count: rows)
        let y = [Float](unsafeUninitializedCapacity: x.count) { py, done in
            x.floats.withUnsafeBufferPointer { px in
                xhat.withUnsafeMutableBufferPointer { ph in
                    w.withUnsafeBufferPointer { pw in
                        b.withUnsafeBufferPointer { pb in rstd.withUnsafeMutableBufferPointer { prs in
                            guard let x = px.baseAddress, let w = pw.baseAddress, let b = pb.baseAddress, let y = py.baseAddress,
                                  let h = ph.baseAddress, let r = prs.baseAddress else { return }
                            // Rows split across workers: each row's arithmetic is the same in any split.
                            let code = Kernels.path.code
                            Parallel.rows(rows, width: n) { part in
                                xai_layer_norm(code, Int64(part.lowerBound), Int64(part.upperBound), Int64(n), x, w, b, eps, y, h, r)
                            }
                        } }
                    }
                }
            }
            done = x.count
        }
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let xshape = x.shape
        return Tensor(unchecked: xshape, floats: y).recorded("layer_norm", inputs) { g in
            var dw = [Float](repeating: 0, count: n), db = [Float](repeating: 0, count: n)
            let dx = [Float](unsafeUninitializedCapacity: g.floats.count) { pdx, done in
                g.floats.withUnsafeBufferPointer { pg in
                    xhat.withUnsafeBufferPointer { ph in
                        w.withUnsafeBufferPointer { pw in
                            dw.withUnsafeMutableBufferPointer { pdw in
                                db.withUnsafeMutableBufferPointer { pdb in
                                    rstd.withUnsafeBufferPointer { prs in
                                        guard let g = pg.baseAddress, let h = ph.baseAddress, let w = pw.baseAddress, let r = prs.baseAddress,
                                              let dx = pdx.baseAddress, let dw = pdw.baseAddress, let db = pdb.baseAddress else { return }
                                        // dx row by row, rows split across workers; dw and db column by
                                        // column, each a sum over rows from row 0 down, columns split.
                                        let code = Kernels.path.code
                                        Parallel.rows(rows, width: n) { part in
                                            xai_layer_norm_backward(code, Int64(part.lowerBound), Int64(part.upperBound), Int64(n), g, h, w, r, dx)
                                        }
                                        Parallel.columns(n, rows: rows) { columns in
                                            xai_layer_norm_parameter_grads(code, Int64(columns.lowerBound), Int64(columns.upperBound), Int64(rows), Int64(n),
                                                                           g, h, dw, db)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                done = g.floats.count
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
