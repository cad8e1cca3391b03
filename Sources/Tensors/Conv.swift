// 2-D convolution as im2col + GEMM, and pooling windows.
//   conv:  Y[n] = W·cols(X[n]) + b;  dW = Σn dY[n]·cols(X[n])ᵀ;  dX[n] = col2im(Wᵀ·dY[n]);  db = Σ dY
//   max pool: the gradient goes to the max of each window;  avg pool: spread evenly (padding counted).

extension Tensor {
    struct ConvGeometry {
        let n, c, h, w, kh, kw, stride, padding, ho, wo: Int
        var colRows: Int { c * kh * kw }
        var colCols: Int { ho * wo }
    }

    static func geometry(_ x: Tensor, kh: Int, kw: Int, stride: Int, padding: Int, op: String) throws -> ConvGeometry {
        guard x.rank == 4 else {
            throw TensorError.shape(
                "\(op) needs input [batch, channels, height, width], found \(Shape.format(x.shape))")
        }
        guard stride > 0, padding >= 0, kh > 0, kw > 0 else {
            throw TensorError.value("\(op) needs kernel > 0, stride > 0 and padding ≥ 0, found kernel \(kh)×\(kw), "
                                    + "stride \(stride), padding \(padding)")
        }
        let h = x.shape[2], w = x.shape[3]
        // Sizes with overflow checks: a padding of 2⁶² must be an error, not a wrapped size.
        func padded(_ n: Int) -> Int? {
            let (twice, o1) = padding.multipliedReportingOverflow(by: 2)
            let (sum, o2) = n.addingReportingOverflow(twice)
            return o1 || o2 ? nil : sum
        }
        guard let ph = padded(h), let pw = padded(w) else {
            throw TensorError.value("\(op): padding \(padding) is too large for input \(h)×\(w)")
        }
        guard ph >= kh, pw >= kw else {
            throw TensorError.shape(
                "\(op): a \(kh)×\(kw) window does not fit input \(h)×\(w) with padding \(padding)")
        }
        let ho = (ph - kh) / stride + 1, wo = (pw - kw) / stride + 1
        // The unfolded columns' sizes, [c·kh·kw, ho·wo], are products of these: within the limit.
        _ = try Shape.count([ho, wo])
        _ = try Shape.count([x.shape[1], kh, kw])
        return ConvGeometry(n: x.shape[0], c: x.shape[1], h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding,
                            ho: ho, wo: wo)
    }

    /// Calls `body(ch, i, j, row)` for every row of the unfolded columns: channel ch, kernel
    /// offset (i, j), row = (ch·kh + i)·kw + j.
    @inline(__always)
    static func forEachColumnRow(_ g: ConvGeometry, _ body: (_ ch: Int, _ i: Int, _ j: Int, _ row: Int) -> Void) {
        var row = 0
        for ch in 0..<g.c { for i in 0..<g.kh { for j in 0..<g.kw {
            body(ch, i, j, row)
            row += 1
        } } }
    }

    /// Unfolds one image [c, h, w] into columns [c·kh·kw, ho·wo].
    static func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, _ cols: UnsafeMutablePointer<Float>) {
        forEachColumnRow(g) { ch, i, j, row in
            let dst = cols + row * g.colCols
            for oy in 0..<g.ho {
                let y = oy * g.stride - g.padding + i
                for ox in 0..<g.wo {
                    let xx = ox * g.stride - g.padding + j
                    dst[oy * g.wo + ox] = (y >= 0 && y < g.h && xx >= 0 && xx < g.w) ? x[(ch * g.h + y) * g.w + xx] : 0
                }
            }
        }
    }

    /// Adds columns back into an image (the adjoint of im2col).
    static func col2im(_ cols: UnsafePointer<Float>, _ g: ConvGeometry, _ x: UnsafeMutablePointer<Float>) {
        forEachColumnRow(g) { ch, i, j, row in
            let src = cols + row * g.colCols
            for oy in 0..<g.ho {
                let y = oy * g.stride - g.padding + i
                guard y >= 0 && y < g.h else { continue }
                for ox in 0..<g.wo {
                    let xx = ox * g.stride - g.padding + j
                    if xx >= 0 && xx < g.w { x[(ch * g.h + y) * g.w + xx] += src[oy * g.wo + ox] }
                }
            }
        }
    }

    /// torch.nn.functional.conv2d with groups = 1 and dilation = 1.
    public static func conv2d(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
                              padding: Int = 0) throws -> Tensor {
        try x.requireFloat("conv2d")
        guard weight.rank == 4 else {
            throw TensorError.shape("conv2d weight must be [out, in, kh, kw], found \(Shape.format(weight.shape))")
        }
        let g = try geometry(x, kh: weight.shape[2], kw: weight.shape[3], stride: stride, padding: padding,
                             op: "conv2d")
        guard weight.shape[1] == g.c else {
            throw TensorError.shape("conv2d: weight expects \(weight.shape[1]) input channels, input has \(g.c) "
                                    + "(shape \(Shape.format(x.shape)))")
        }
        let o = weight.shape[0]
        if let bias, bias.shape != [o] {
            throw TensorError.shape("conv2d bias must have shape [\(o)], found \(Shape.format(bias.shape))")
        }
        let outShape = [g.n, o, g.ho, g.wo]
        let outCount = try Shape.count(outShape)
        var cols = [Float](repeating: 0, count: try Shape.count([g.n, g.colRows, g.colCols]))
        var out = [Float](repeating: 0, count: outCount)
        x.floats.withUnsafeBufferPointer { px in
            cols.withUnsafeMutableBufferPointer { pc in
                guard let bx = px.baseAddress, let bc = pc.baseAddress else { return }
                for s in 0..<g.n { im2col(bx + s * g.c * g.h * g.w, g, bc + s * g.colRows * g.colCols) }
            }
        }
        weight.floats.withUnsafeBufferPointer { pw in
            cols.withUnsafeBufferPointer { pc in
                out.withUnsafeMutableBufferPointer { po in
                    guard let bw = pw.baseAddress, let bc = pc.baseAddress, let bo = po.baseAddress else { return }
                    Kernels.gemm(batch: g.n, m: o, n: g.colCols, k: g.colRows, bw, transA: false, strideA: 0,
                              bc, transB: false, strideB: g.colRows * g.colCols, bo)
                }
            }
        }
        if let b = bias?.floats {
            for s in 0..<g.n {
                for oc in 0..<o { for p in 0..<g.colCols { out[(s * o + oc) * g.colCols + p] += b[oc] } }
            }
        }
        var inputs = [x, weight]
        if let bias { inputs.append(bias) }
        let savedCols = cols
        return Tensor(unchecked: outShape, floats: out).recorded("conv2d", inputs) { gr in
            conv2dBackward(gr, cols: savedCols, x: x, weight: weight, hasBias: bias != nil, g)
        }
    }

    /// The gradients of x (when it requires one), the weight and the bias (when there is one)
    /// from the output's gradient gr and the unfolded columns of the forward pass.
    static func conv2dBackward(_ gr: Tensor, cols savedCols: [Float], x: Tensor, weight: Tensor, hasBias: Bool,
                               _ g: ConvGeometry) -> [Tensor?] {
        let xshape = x.shape, wshape = weight.shape, o = weight.shape[0]
        var dW = [Float](repeating: 0, count: Shape.product(wshape))
        var dX = [Float](repeating: 0, count: Shape.product(xshape))
        gr.floats.withUnsafeBufferPointer { pg in
            guard let bg = pg.baseAddress else { return }
            savedCols.withUnsafeBufferPointer { pc in
                dW.withUnsafeMutableBufferPointer { pdw in
                    guard let bc = pc.baseAddress, let bdw = pdw.baseAddress else { return }
                    for s in 0..<g.n {
                        Kernels.gemm(batch: 1, m: o, n: g.colRows, k: g.colCols, bg + s * o * g.colCols, transA: false,
                                     strideA: 0, bc + s * g.colRows * g.colCols, transB: true, strideB: 0, bdw,
                                     accumulate: s > 0)
                    }
                }
            }
            if x.requiresGrad {
                var dcols = [Float](repeating: 0, count: g.colRows * g.colCols)
                weight.floats.withUnsafeBufferPointer { pw in
                    dcols.withUnsafeMutableBufferPointer { pdc in
                        dX.withUnsafeMutableBufferPointer { pdx in
                            guard let bw = pw.baseAddress, let bdc = pdc.baseAddress,
                                  let bdx = pdx.baseAddress else { return }
                            for s in 0..<g.n {
                                Kernels.gemm(batch: 1, m: g.colRows, n: g.colCols, k: o, bw, transA: true, strideA: 0,
                                             bg + s * o * g.colCols, transB: false, strideB: 0, bdc)
                                col2im(bdc, g, bdx + s * g.c * g.h * g.w)
                            }
                        }
                    }
                }
            }
        }
        var grads: [Tensor?] = [Tensor(unchecked: xshape, floats: dX), Tensor(unchecked: wshape, floats: dW)]
        if hasBias {
            var db = [Float](repeating: 0, count: o)
            for s in 0..<g.n {
                for oc in 0..<o { for p in 0..<g.colCols { db[oc] += gr.floats[(s * o + oc) * g.colCols + p] } }
            }
            grads.append(Tensor(unchecked: [o], floats: db))
        }
        return grads
    }

    /// Max over k×k windows (stride defaults to k), like F.max_pool2d.
    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        try requireFloat("max_pool2d")
        let g = try Tensor.geometry(self, kh: kernel, kw: kernel, stride: stride ?? kernel, padding: padding,
                                    op: "max_pool2d")
        let planes = g.n * g.c
        var out = [Float](repeating: 0, count: planes * g.ho * g.wo)
        var arg = [Int](repeating: 0, count: out.count)
        floats.withUnsafeBufferPointer { px in
            for p in 0..<planes { for oy in 0..<g.ho { for ox in 0..<g.wo {
                var best = -Float.infinity, bi = -1
                for i in 0..<g.kh { for j in 0..<g.kw {
                    let y = oy * g.stride - g.padding + i, x = ox * g.stride - g.padding + j
                    guard y >= 0, y < g.h, x >= 0, x < g.w else { continue }
                    let idx = (p * g.h + y) * g.w + x
                    if px[idx] > best || bi < 0 || px[idx].isNaN { best = px[idx]; bi = idx }
                } }
                out[(p * g.ho + oy) * g.wo + ox] = best
                arg[(p * g.ho + oy) * g.wo + ox] = bi
            } } }
        }
        let inShape = shape
        let y = Tensor(unchecked: [g.n, g.c, g.ho, g.wo], floats: out)
        if case .deepLift(let eps, let chained)? = BackwardRule.active, chained || !feedsFromRescaling {
            let x = self.detach()
            return y.recorded("max_pool2d", [self]) { gr in
                [try Tensor.deepLiftMaxPool(gr, input: x, output: y, arg: arg, eps: eps)]
            }.markedRescaling()
        }
        return y.recorded("max_pool2d", [self]) { gr in
            var dx = [Float](repeating: 0, count: Shape.product(inShape))
            for (k, i) in arg.enumerated() where i >= 0 { dx[i] += gr.floats[k] }
            return [Tensor(unchecked: inShape, floats: dx)]
        }
    }

    /// Mean over k×k windows (padding zeros counted, as PyTorch's default).
    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        try requireFloat("avg_pool2d")
        let g = try Tensor.geometry(self, kh: kernel, kw: kernel, stride: stride ?? kernel, padding: padding,
                                    op: "avg_pool2d")
        let planes = g.n * g.c
        let area = Float(g.kh * g.kw)
        var out = [Float](repeating: 0, count: planes * g.ho * g.wo)
        func window(_ body: (_ outIndex: Int, _ inIndex: Int) -> Void) {
            for p in 0..<planes { for oy in 0..<g.ho { for ox in 0..<g.wo {
                for i in 0..<g.kh { for j in 0..<g.kw {
                    let y = oy * g.stride - g.padding + i, x = ox * g.stride - g.padding + j
                    if y >= 0, y < g.h, x >= 0, x < g.w { body((p * g.ho + oy) * g.wo + ox, (p * g.h + y) * g.w + x) }
                } }
            } } }
        }
        window { o, i in out[o] += floats[i] / area }
        let inShape = shape
        return Tensor(unchecked: [g.n, g.c, g.ho, g.wo], floats: out).recorded("avg_pool2d", [self]) { gr in
            var dx = [Float](repeating: 0, count: Shape.product(inShape))
            window { o, i in dx[i] += gr.floats[o] / area }
            return [Tensor(unchecked: inShape, floats: dx)]
        }
    }
}
