import CKernels

// Layer normalisation over the last dimensions, forward and backward in the C kernels:
//   x̂ = (x − μ)/σ,  y = x̂·w + b
//   dx = (1/σ)(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dY·w;  dw = Σ dY·x̂,  db = Σ dY (over rows)

extension Tensor {
    /// Layer normalisation over the last `normalizedShape.count` dimensions.
    public static func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?,
                                 eps: Float = 1e-5) throws -> Tensor {
        try x.requireFloat("layer_norm")
        guard normalizedShape.count <= x.rank, Array(x.shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw TensorError.shape("layer_norm over \(Shape.format(normalizedShape)) needs an input ending in "
                                    + "those sizes, found \(Shape.format(x.shape))")
        }
        for p in [weight, bias].compactMap({ $0 }) where p.shape != normalizedShape {
            throw TensorError.shape("layer_norm weight/bias must have shape \(Shape.format(normalizedShape)), "
                                    + "found \(Shape.format(p.shape))")
        }
        let n = Shape.product(normalizedShape)
        let rows = n == 0 ? 0 : x.count / n
        // Missing affine parameters act as ones and zeros, so the loops have no branches.
        let w = weight?.floats ?? [Float](repeating: 1, count: n), b = bias?.floats ?? [Float](repeating: 0, count: n)
        let (y, xhat, rstd) = layerNormForward(x.floats, w, b, rows: rows, n: n, eps: eps)
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let xshape = x.shape
        return Tensor(unchecked: xshape, floats: y).recorded("layer_norm", inputs) { g in
            let (dx, dw, db) = layerNormBackward(g.floats, xhat, w, rstd, rows: rows, n: n)
            var grads: [Tensor?] = [Tensor(unchecked: xshape, floats: dx)]
            if weight != nil { grads.append(Tensor(unchecked: normalizedShape, floats: dw)) }
            if bias != nil { grads.append(Tensor(unchecked: normalizedShape, floats: db)) }
            return grads
        }
    }

    /// y, x̂ and 1/σ of `rows` rows of n values.
    static func layerNormForward(_ x: [Float], _ w: [Float], _ b: [Float], rows: Int, n: Int,
                                 eps: Float) -> (y: [Float], xhat: [Float], rstd: [Float]) {
        var xhat = [Float](repeating: 0, count: x.count)
        var rstd = [Float](repeating: 0, count: rows)
        let y = [Float](unsafeUninitializedCapacity: x.count) { py, done in
            x.withUnsafeBufferPointer { px in
                xhat.withUnsafeMutableBufferPointer { ph in
                    w.withUnsafeBufferPointer { pw in
                        b.withUnsafeBufferPointer { pb in rstd.withUnsafeMutableBufferPointer { prs in
                            guard let x = px.baseAddress, let w = pw.baseAddress, let b = pb.baseAddress,
                                  let y = py.baseAddress, let h = ph.baseAddress,
                                  let r = prs.baseAddress else { return }
                            // Rows split across workers: each row's arithmetic is the same in any split.
                            let code = Kernels.path.code
                            Parallel.rows(rows, width: n) { part in
                                xai_layer_norm(code, Int64(part.lowerBound), Int64(part.upperBound), Int64(n),
                                               x, w, b, eps, y, h, r)
                            }
                        } }
                    }
                }
            }
            done = x.count
        }
        return (y, xhat, rstd)
    }

    /// dx, dw and db from the gradient g of y and the saved x̂ and 1/σ.
    static func layerNormBackward(_ g: [Float], _ xhat: [Float], _ w: [Float], _ rstd: [Float], rows: Int,
                                  n: Int) -> (dx: [Float], dw: [Float], db: [Float]) {
        var dw = [Float](repeating: 0, count: n), db = [Float](repeating: 0, count: n)
        let dx = [Float](unsafeUninitializedCapacity: g.count) { pdx, done in
            g.withUnsafeBufferPointer { pg in
                xhat.withUnsafeBufferPointer { ph in
                    w.withUnsafeBufferPointer { pw in
                        dw.withUnsafeMutableBufferPointer { pdw in
                            db.withUnsafeMutableBufferPointer { pdb in
                                rstd.withUnsafeBufferPointer { prs in
                                    guard let g = pg.baseAddress, let h = ph.baseAddress, let w = pw.baseAddress,
                                          let r = prs.baseAddress, let dx = pdx.baseAddress,
                                          let dw = pdw.baseAddress, let db = pdb.baseAddress else { return }
                                    // dx row by row, rows split across workers; dw and db column by
                                    // column, each a sum over rows from row 0 down, columns split.
                                    let code = Kernels.path.code
                                    Parallel.rows(rows, width: n) { part in
                                        xai_layer_norm_backward(code, Int64(part.lowerBound), Int64(part.upperBound),
                                                                Int64(n), g, h, w, r, dx)
                                    }
                                    Parallel.columns(n, rows: rows) { columns in
                                        xai_layer_norm_parameter_grads(code, Int64(columns.lowerBound),
                                                                       Int64(columns.upperBound), Int64(rows),
                                                                       Int64(n), g, h, dw, db)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            done = g.count
        }
        return (dx, dw, db)
    }
}
