// A fused LSTM layer (conventions in Recurrent.swift):
//   step:      a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh;  i,f,o = σ(a_i,a_f,a_o), g = tanh(a_g)
//              c' = f·c + i·g,  h' = o·tanh(c')
//   backward:  do = dh·tanh(c'); dc += dh·o·(1−tanh²c'); di = dc·g; dg = dc·i; df = dc·c; dc_prev = dc·f
//              da = (di·i(1−i), df·f(1−f), dg(1−g²), do·o(1−o));  dh_prev = da·W_hh;  dW_hh += daᵀ·h

/// What the LSTM's forward computes and keeps for backward: the output [B, T, H], the final h
/// and c [B, H], and per step t and row b the activated gates, the previous h and c, and tanh
/// of the new c.
struct LSTMTape {
    var out, h, c, acts, hPrev, cPrev, tanhC: [Float]
}

extension Tensor {
    /// One LSTM layer: output [B, T, H] and the final h and c [B, H].
    /// With `int8`, the input and recurrent products run int8 × int8 (dynamic activation
    /// scales, Int32 sums); wIH and wHH must then be the matrices the codes stand for, which
    /// backward uses (straight-through).
    public static func lstmLayer(_ x: Tensor, weightIH wIH: Tensor, weightHH wHH: Tensor, biasIH bIH: Tensor?,
                                 biasHH bHH: Tensor?, h0: Tensor? = nil, c0: Tensor? = nil, lengths: [Int]? = nil,
                                 int8: (ih: Int8Matrix, hh: Int8Matrix)? = nil) throws
        -> (output: Tensor, h: Tensor, c: Tensor) {
        let dims = try checkRecurrent(x, wIH, wHH, gates: 4, name: "lstm")
        let (B, T, I, H, G) = (dims.b, dims.t, dims.i, dims.h, dims.g)
        let lens = try checkLengths(lengths, batch: B, steps: T)
        let h = try checkState(h0, B, H, "h0"), c = try checkState(c0, B, H, "c0")
        if let q = int8, q.ih.rows != G || q.ih.cols != I || q.hh.rows != G || q.hh.cols != H {
            throw TensorError.shape("lstm: int8 weights \([q.ih.rows, q.ih.cols]) and \([q.hh.rows, q.hh.cols]) "
                                    + "do not match \(wIH.shape) and \(wHH.shape)")
        }
        var xg: [Float]
        if let q = int8 {
            xg = [Float](repeating: 0, count: B * T * G)
            x.floats.withUnsafeBufferPointer { px in
                xg.withUnsafeMutableBufferPointer {
                    q.ih.multiply(px, rows: B * T, into: $0, biases: [bIH, bHH].compactMap { $0?.floats })
                }
            }
        } else {
            xg = inputGates(x, wIH, [bIH, bHH], rows: B * T, gh: G, i: I)
        }
        let tape = lstmForward(xg, wHH, h: h, c: c, lengths: lens, dims, int8: int8?.hh)
        var inputs = [x, wIH, wHH]
        let hasBias = bIH != nil && bHH != nil
        if let bIH, let bHH { inputs += [bIH, bHH] }
        let withH0 = h0 != nil && c0 != nil
        if let h0, let c0 { inputs += [h0, c0] }
        let outputs = [Tensor(unchecked: [B, T, H], floats: tape.out), Tensor(unchecked: [B, H], floats: tape.h),
                       Tensor(unchecked: [B, H], floats: tape.c)]
        let r = Tensor.recorded("lstm", inputs, outputs: outputs) { gs in
            lstmBackward(gs, tape, x: x, wIH: wIH, wHH: wHH, lengths: lens, dims, hasBias: hasBias, withH0: withH0)
        }
        return (r[0], r[1], r[2])
    }

    /// The forward pass over all steps from the input gates xg [B·T, G] and the initial h and c.
    static func lstmForward(_ xg: [Float], _ wHH: Tensor, h h0: [Float], c c0: [Float], lengths lens: [Int],
                            _ dims: RecurrentSizes, int8 hh: Int8Matrix?) -> LSTMTape {
        let (B, T, H, G) = (dims.b, dims.t, dims.h, dims.g)
        var h = h0, c = c0
        var out = [Float](repeating: 0, count: B * T * H)
        // Saved for backward, per step: activated gates, previous h and c, tanh of the new c.
        var acts = [Float](repeating: 0, count: T * B * G)
        var hPrev = [Float](repeating: 0, count: T * B * H)
        var cPrev = [Float](repeating: 0, count: T * B * H)
        var tanhC = [Float](repeating: 0, count: T * B * H)
        var hg = [Float](repeating: 0, count: B * G)
        // W_hhᵀ laid out once for the T products with it.
        let packedHH = hh == nil ? Kernels.Packed(wHH.floats, k: H, n: G, transB: true) : nil
        for t in 0..<T {
            hPrev.withUnsafeMutableBufferPointer { p in for k in 0..<(B * H) { p[t * B * H + k] = h[k] } }
            cPrev.withUnsafeMutableBufferPointer { p in for k in 0..<(B * H) { p[t * B * H + k] = c[k] } }
            if let hh {
                h.withUnsafeBufferPointer { ph in
                    hg.withUnsafeMutableBufferPointer { hh.multiply(ph, rows: B, into: $0) }
                }
            } else if let packedHH {
                hiddenProduct(h, packedHH, rows: B, into: &hg)
            }
            for b in 0..<B where t < lens[b] {
                let xr = (b * T + t) * G, ar = (t * B + b) * G
                // Gates first, in loops that vectorize: σ for i and f, tanh for g, σ for o.
                FastMath.activate(&acts, at: ar, xg, at: xr, hg, at: b * G, count: 2 * H, FastMath.sigmoid)
                FastMath.activate(&acts, at: ar + 2 * H, xg, at: xr + 2 * H, hg, at: b * G + 2 * H, count: H,
                                  FastMath.tanh)
                FastMath.activate(&acts, at: ar + 3 * H, xg, at: xr + 3 * H, hg, at: b * G + 3 * H, count: H,
                                  FastMath.sigmoid)
                for j in 0..<H {
                    let ig = acts[ar + j], fg = acts[ar + H + j], gg = acts[ar + 2 * H + j], og = acts[ar + 3 * H + j]
                    let cn = fg * c[b * H + j] + ig * gg
                    let tc = FastMath.tanh(cn)
                    c[b * H + j] = cn
                    tanhC[(t * B + b) * H + j] = tc
                    h[b * H + j] = og * tc
                    out[(b * T + t) * H + j] = og * tc
                }
            }
        }
        return LSTMTape(out: out, h: h, c: c, acts: acts, hPrev: hPrev, cPrev: cPrev, tanhC: tanhC)
    }

    /// Backpropagation through time from the gradients of the output, h and c: the gradients of
    /// x, W_ih, W_hh, then b_ih and b_hh, then h0 and c0 (the last two pairs when they are inputs).
    static func lstmBackward(_ gs: [Tensor], _ tape: LSTMTape, x: Tensor, wIH: Tensor, wHH: Tensor,
                             lengths lens: [Int], _ dims: RecurrentSizes, hasBias: Bool, withH0: Bool) -> [Tensor?] {
        let (B, T, H, G) = (dims.b, dims.t, dims.h, dims.g)
        let (acts, cPrev, tanhC) = (tape.acts, tape.cPrev, tape.tanhC)
        let gOut = gs[0].floats
        var dh = gs[1].floats, dc = gs[2].floats
        var dxg = [Float](repeating: 0, count: B * T * G)
        var dWhh = [Float](repeating: 0, count: G * H)
        var da = [Float](repeating: 0, count: B * G)
        var dhPrev = [Float](repeating: 0, count: B * H)
        for t in stride(from: T - 1, through: 0, by: -1) {
            for k in 0..<(B * G) { da[k] = 0 }
            for b in 0..<B where t < lens[b] {
                let ar = (t * B + b) * G
                for j in 0..<H {
                    let k = b * H + j, s = (t * B + b) * H + j
                    let ig = acts[ar + j], fg = acts[ar + H + j], gg = acts[ar + 2 * H + j], og = acts[ar + 3 * H + j]
                    let tc = tanhC[s]
                    let dht = dh[k] + gOut[(b * T + t) * H + j]
                    let dcc = dc[k] + dht * og * (1 - tc * tc)
                    da[b * G + j] = dcc * gg * ig * (1 - ig)
                    da[b * G + H + j] = dcc * cPrev[s] * fg * (1 - fg)
                    da[b * G + 2 * H + j] = dcc * ig * (1 - gg * gg)
                    da[b * G + 3 * H + j] = dht * tc * og * (1 - og)
                    dc[k] = dcc * fg
                }
                for j in 0..<G { dxg[(b * T + t) * G + j] = da[b * G + j] }
            }
            backpropHidden(da, wHH.floats, tape.hPrev, step: t, dims, dhPrev: &dhPrev, dWhh: &dWhh)
            // Rows past their length passed h and c through unchanged.
            for b in 0..<B {
                if t < lens[b] { for j in 0..<H { dh[b * H + j] = dhPrev[b * H + j] } }
            }
        }
        var grads = inputGradients(dxg, x, wIH, dims) + [Tensor(unchecked: wHH.shape, floats: dWhh)]
        if hasBias {
            let db = biasGradient(dxg, dims)
            grads += [db, db]
        }
        if withH0 { grads += [Tensor(unchecked: [B, H], floats: dh), Tensor(unchecked: [B, H], floats: dc)] }
        return grads
    }
}
