import Foundation

// Fused recurrent layers: one recorded op per layer, with backpropagation through time
// written out. Inputs are batch-first [B, T, I]; gate layouts follow PyTorch (LSTM: i, f, g, o;
// GRU: r, z, n). Rows shorter than T (per-row `lengths`) stop updating their state at their
// length and output zeros after it, as PyTorch's packed sequences do, so padding never leaks.
//
// LSTM step:  a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh;  i,f,o = σ(a_i,a_f,a_o), g = tanh(a_g)
//             c' = f·c + i·g,  h' = o·tanh(c')
//   backward: do = dh·tanh(c'); dc += dh·o·(1−tanh²c'); di = dc·g; dg = dc·i; df = dc·c; dc_prev = dc·f
//             da = (di·i(1−i), df·f(1−f), dg(1−g²), do·o(1−o));  dh_prev = da·W_hh;  dW_hh += daᵀ·h
// GRU step:   r,z = σ(x·W_ir + b_ir + h·W_hr + b_hr, …);  n = tanh(x·W_in + b_in + r·(h·W_hn + b_hn))
//             h' = (1−z)·n + z·h
//   backward: dn = dh(1−z); dz = dh(h−n); da_n = dn(1−n²); dr = da_n·(h·W_hn + b_hn)
//             x-side gate grads (dr·r(1−r), dz·z(1−z), da_n); h-side the same with da_n·r for n

extension Tensor {
    static func checkRecurrent(_ x: Tensor, _ wIH: Tensor, _ wHH: Tensor, gates: Int, name: String) throws -> (b: Int, t: Int, i: Int, h: Int) {
        try x.requireFloat(name)
        guard x.rank == 3 else { throw TensorError.shape("\(name) needs a batch-first input [batch, time, features], found \(Shape.format(x.shape))") }
        let (b, t, i) = (x.shape[0], x.shape[1], x.shape[2])
        guard wHH.rank == 2, wHH.shape[0] % gates == 0 else {
            throw TensorError.shape("\(name): weight_hh must be [\(gates)·hidden, hidden], found \(Shape.format(wHH.shape))")
        }
        let h = wHH.shape[0] / gates
        guard wHH.shape == [gates * h, h], wIH.shape == [gates * h, i] else {
            throw TensorError.shape("\(name): input has \(i) features; expected weight_ih [\(gates * h), \(i)] and weight_hh [\(gates * h), \(h)], found \(Shape.format(wIH.shape)) and \(Shape.format(wHH.shape))")
        }
        return (b, t, i, h)
    }

    static func checkLengths(_ lengths: [Int]?, batch: Int, steps: Int) throws -> [Int] {
        guard let lengths else { return [Int](repeating: steps, count: batch) }
        guard lengths.count == batch else { throw TensorError.shape("lengths must have one entry per row (\(batch)), found \(lengths.count)") }
        for l in lengths where l < 1 || l > steps {
            throw TensorError.value("every length must be between 1 and the sequence length \(steps), found \(l)")
        }
        return lengths
    }

    static func checkState(_ s: Tensor?, _ b: Int, _ h: Int, _ what: String) throws -> [Float] {
        guard let s else { return [Float](repeating: 0, count: b * h) }
        guard s.shape == [b, h] else { throw TensorError.shape("\(what) must be [\(b), \(h)], found \(Shape.format(s.shape))") }
        return s.toFloat().floats
    }

    /// x·Wᵀ (+ biases) for every time step at once: [B·T, G·H].
    static func inputGates(_ x: Tensor, _ w: Tensor, _ biases: [Tensor?], rows: Int, gh: Int, i: Int) -> [Float] {
        var xg = product(x.floats, w.floats, batch: 1, m: rows, n: gh, k: i, transA: false, transB: true, strideA: 0, strideB: 0)
        for b in biases.compactMap({ $0?.floats }) {
            xg.withUnsafeMutableBufferPointer { p in for r in 0..<rows { for j in 0..<gh { p[r * gh + j] += b[j] } } }
        }
        return xg
    }

    /// One LSTM layer: output [B, T, H] and the final h and c [B, H].
    /// With `int8`, the input and recurrent products run int8 × int8 (dynamic activation
    /// scales, Int32 sums); wIH and wHH must then be the matrices the codes stand for, which
    /// backward uses (straight-through).
    public static func lstmLayer(_ x: Tensor, weightIH wIH: Tensor, weightHH wHH: Tensor, biasIH bIH: Tensor?, biasHH bHH: Tensor?,
                                 h0: Tensor? = nil, c0: Tensor? = nil, lengths: [Int]? = nil,
                                 int8: (ih: Int8Matrix, hh: Int8Matrix)? = nil) throws -> (output: Tensor, h: Tensor, c: Tensor) {
        let (B, T, I, H) = try checkRecurrent(x, wIH, wHH, gates: 4, name: "lstm")
        let lens = try checkLengths(lengths, batch: B, steps: T)
        var h = try checkState(h0, B, H, "h0"), c = try checkState(c0, B, H, "c0")
        let G = 4 * H
        if let q = int8, q.ih.rows != G || q.ih.cols != I || q.hh.rows != G || q.hh.cols != H {
            throw TensorError.shape("lstm: int8 weights \([q.ih.rows, q.ih.cols]) and \([q.hh.rows, q.hh.cols]) do not match \(wIH.shape) and \(wHH.shape)")
        }
        var xg: [Float]
        if let q = int8 {
            xg = [Float](repeating: 0, count: B * T * G)
            x.floats.withUnsafeBufferPointer { px in
                xg.withUnsafeMutableBufferPointer { q.ih.multiply(px, rows: B * T, into: $0, biases: [bIH, bHH].compactMap { $0?.floats }) }
            }
        } else {
            xg = inputGates(x, wIH, [bIH, bHH], rows: B * T, gh: G, i: I)
        }
        var out = [Float](repeating: 0, count: B * T * H)
        // Saved for backward, per step: activated gates, previous h and c, tanh of the new c.
        var acts = [Float](repeating: 0, count: T * B * G)
        var hPrev = [Float](repeating: 0, count: T * B * H)
        var cPrev = [Float](repeating: 0, count: T * B * H)
        var tanhC = [Float](repeating: 0, count: T * B * H)
        var hg = [Float](repeating: 0, count: B * G)
        // W_hhᵀ laid out once for the T products with it.
        let packedHH = int8 == nil ? Kernels.Packed(wHH.floats, k: H, n: G, transB: true) : nil
        for t in 0..<T {
            hPrev.withUnsafeMutableBufferPointer { p in for k in 0..<(B * H) { p[t * B * H + k] = h[k] } }
            cPrev.withUnsafeMutableBufferPointer { p in for k in 0..<(B * H) { p[t * B * H + k] = c[k] } }
            if let q = int8 {
                h.withUnsafeBufferPointer { ph in hg.withUnsafeMutableBufferPointer { q.hh.multiply(ph, rows: B, into: $0) } }
            } else if let hh = packedHH {
                h.withUnsafeBufferPointer { ph in
                    hg.withUnsafeMutableBufferPointer { pg in
                        guard let bh = ph.baseAddress, let bg = pg.baseAddress else { return }
                        Kernels.gemm(m: B, bh, transA: false, hh, bg)
                    }
                }
            }
            for b in 0..<B where t < lens[b] {
                let xr = (b * T + t) * G, ar = (t * B + b) * G
                // Gates first, in loops that vectorize: σ for i and f, tanh for g, σ for o.
                FastMath.activate(&acts, at: ar, xg, at: xr, hg, at: b * G, count: 2 * H, FastMath.sigmoid)
                FastMath.activate(&acts, at: ar + 2 * H, xg, at: xr + 2 * H, hg, at: b * G + 2 * H, count: H, FastMath.tanh)
                FastMath.activate(&acts, at: ar + 3 * H, xg, at: xr + 3 * H, hg, at: b * G + 3 * H, count: H, FastMath.sigmoid)
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
        var inputs = [x, wIH, wHH]
        let hasBias = bIH != nil && bHH != nil
        if let bIH, let bHH { inputs += [bIH, bHH] }
        let withH0 = h0 != nil && c0 != nil
        if let h0, let c0 { inputs += [h0, c0] }
        let outputs = [Tensor(unchecked: [B, T, H], floats: out), Tensor(unchecked: [B, H], floats: h), Tensor(unchecked: [B, H], floats: c)]
        let r = Tensor.recorded("lstm", inputs, outputs: outputs) { gs in
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
                da.withUnsafeBufferPointer { pa in
                    wHH.floats.withUnsafeBufferPointer { pw in
                        dhPrev.withUnsafeMutableBufferPointer { pd in
                            hPrev.withUnsafeBufferPointer { phs in
                                dWhh.withUnsafeMutableBufferPointer { pdw in
                                    guard let ba = pa.baseAddress, let bw = pw.baseAddress, let bd = pd.baseAddress,
                                          let bhs = phs.baseAddress, let bdw = pdw.baseAddress else { return }
                                    Kernels.gemm(batch: 1, m: B, n: H, k: G, ba, transA: false, strideA: 0, bw, transB: false, strideB: 0, bd)
                                    Kernels.gemm(batch: 1, m: G, n: H, k: B, ba, transA: true, strideA: 0, bhs + t * B * H, transB: false, strideB: 0, bdw, accumulate: true)
                                }
                            }
                        }
                    }
                }
                // Rows past their length passed h and c through unchanged.
                for b in 0..<B {
                    if t < lens[b] { for j in 0..<H { dh[b * H + j] = dhPrev[b * H + j] } }
                }
            }
            let dx = product(dxg, wIH.floats, batch: 1, m: B * T, n: I, k: G, transA: false, transB: false, strideA: 0, strideB: 0)
            let dWih = product(dxg, x.floats, batch: 1, m: G, n: I, k: B * T, transA: true, transB: false, strideA: 0, strideB: 0)
            var grads: [Tensor?] = [Tensor(unchecked: x.shape, floats: dx), Tensor(unchecked: wIH.shape, floats: dWih), Tensor(unchecked: wHH.shape, floats: dWhh)]
            if hasBias {
                var db = [Float](repeating: 0, count: G)
                for r in 0..<(B * T) { for j in 0..<G { db[j] += dxg[r * G + j] } }
                grads += [Tensor(unchecked: [G], floats: db), Tensor(unchecked: [G], floats: db)]
            }
            if withH0 { grads += [Tensor(unchecked: [B, H], floats: dh), Tensor(unchecked: [B, H], floats: dc)] }
            return grads
        }
        return (r[0], r[1], r[2])
    }

    /// One GRU layer: output [B, T, H] and the final h [B, H].
    public static func gruLayer(_ x: Tensor, weightIH wIH: Tensor, weightHH wHH: Tensor, biasIH bIH: Tensor?, biasHH bHH: Tensor?,
                                h0: Tensor? = nil, lengths: [Int]? = nil) throws -> (output: Tensor, h: Tensor) {
        let (B, T, I, H) = try checkRecurrent(x, wIH, wHH, gates: 3, name: "gru")
        let lens = try checkLengths(lengths, batch: B, steps: T)
        var h = try checkState(h0, B, H, "h0")
        let G = 3 * H
        let xg = inputGates(x, wIH, [bIH], rows: B * T, gh: G, i: I)
        let bh = bHH?.floats
        var out = [Float](repeating: 0, count: B * T * H)
        var acts = [Float](repeating: 0, count: T * B * G)      // r, z, n
        var hgN = [Float](repeating: 0, count: T * B * H)       // h·W_hn + b_hn
        var hPrev = [Float](repeating: 0, count: T * B * H)
        var hg = [Float](repeating: 0, count: B * G)
        // W_hhᵀ laid out once for the T products with it.
        let packedHH = Kernels.Packed(wHH.floats, k: H, n: G, transB: true)
        for t in 0..<T {
            for k in 0..<(B * H) { hPrev[t * B * H + k] = h[k] }
            h.withUnsafeBufferPointer { ph in
                hg.withUnsafeMutableBufferPointer { pg in
                    guard let a = ph.baseAddress, let g = pg.baseAddress else { return }
                    Kernels.gemm(m: B, a, transA: false, packedHH, g)
                }
            }
            if let bh { for b in 0..<B { for j in 0..<G { hg[b * G + j] += bh[j] } } }
            for b in 0..<B where t < lens[b] {
                let xr = (b * T + t) * G, ar = (t * B + b) * G
                // r and z first, in a loop that vectorizes.
                FastMath.activate(&acts, at: ar, xg, at: xr, hg, at: b * G, count: 2 * H, FastMath.sigmoid)
                for j in 0..<H {
                    let r = acts[ar + j], z = acts[ar + H + j]
                    let hn = hg[b * G + 2 * H + j]
                    let n = FastMath.tanh(xg[xr + 2 * H + j] + r * hn)
                    acts[ar + 2 * H + j] = n
                    hgN[(t * B + b) * H + j] = hn
                    let hv = (1 - z) * n + z * h[b * H + j]
                    h[b * H + j] = hv
                    out[(b * T + t) * H + j] = hv
                }
            }
        }
        var inputs = [x, wIH, wHH]
        if let bIH { inputs.append(bIH) }
        if let bHH { inputs.append(bHH) }
        let withH0 = h0 != nil
        if let h0 { inputs.append(h0) }
        let outputs = [Tensor(unchecked: [B, T, H], floats: out), Tensor(unchecked: [B, H], floats: h)]
        let res = Tensor.recorded("gru", inputs, outputs: outputs) { gs in
            let gOut = gs[0].floats
            var dh = gs[1].floats
            var dxg = [Float](repeating: 0, count: B * T * G)
            var dhg = [Float](repeating: 0, count: B * G)
            var dWhh = [Float](repeating: 0, count: G * H)
            var dbh = [Float](repeating: 0, count: G)
            var dhPrev = [Float](repeating: 0, count: B * H)
            for t in stride(from: T - 1, through: 0, by: -1) {
                for k in 0..<(B * G) { dhg[k] = 0 }
                var direct = [Float](repeating: 0, count: B * H)
                for b in 0..<B where t < lens[b] {
                    let ar = (t * B + b) * G
                    for j in 0..<H {
                        let s = (t * B + b) * H + j
                        let r = acts[ar + j], z = acts[ar + H + j], n = acts[ar + 2 * H + j]
                        let dht = dh[b * H + j] + gOut[(b * T + t) * H + j]
                        let dn = dht * (1 - z)
                        let dz = dht * (hPrev[s] - n)
                        direct[b * H + j] = dht * z
                        let dan = dn * (1 - n * n)
                        let dar = dan * hgN[s] * r * (1 - r)
                        let daz = dz * z * (1 - z)
                        let xr = (b * T + t) * G
                        dxg[xr + j] = dar; dxg[xr + H + j] = daz; dxg[xr + 2 * H + j] = dan
                        dhg[b * G + j] = dar; dhg[b * G + H + j] = daz; dhg[b * G + 2 * H + j] = dan * r
                    }
                    for j in 0..<G { dbh[j] += dhg[b * G + j] }
                }
                dhg.withUnsafeBufferPointer { pa in
                    wHH.floats.withUnsafeBufferPointer { pw in
                        dhPrev.withUnsafeMutableBufferPointer { pd in
                            hPrev.withUnsafeBufferPointer { phs in
                                dWhh.withUnsafeMutableBufferPointer { pdw in
                                    guard let ba = pa.baseAddress, let bw = pw.baseAddress, let bd = pd.baseAddress,
                                          let bhs = phs.baseAddress, let bdw = pdw.baseAddress else { return }
                                    Kernels.gemm(batch: 1, m: B, n: H, k: G, ba, transA: false, strideA: 0, bw, transB: false, strideB: 0, bd)
                                    Kernels.gemm(batch: 1, m: G, n: H, k: B, ba, transA: true, strideA: 0, bhs + t * B * H, transB: false, strideB: 0, bdw, accumulate: true)
                                }
                            }
                        }
                    }
                }
                for b in 0..<B where t < lens[b] {
                    for j in 0..<H { dh[b * H + j] = dhPrev[b * H + j] + direct[b * H + j] }
                }
            }
            let dx = product(dxg, wIH.floats, batch: 1, m: B * T, n: I, k: G, transA: false, transB: false, strideA: 0, strideB: 0)
            let dWih = product(dxg, x.floats, batch: 1, m: G, n: I, k: B * T, transA: true, transB: false, strideA: 0, strideB: 0)
            var grads: [Tensor?] = [Tensor(unchecked: x.shape, floats: dx), Tensor(unchecked: wIH.shape, floats: dWih), Tensor(unchecked: wHH.shape, floats: dWhh)]
            if bIH != nil {
                var db = [Float](repeating: 0, count: G)
                for r in 0..<(B * T) { for j in 0..<G { db[j] += dxg[r * G + j] } }
                grads.append(Tensor(unchecked: [G], floats: db))
            }
            if bHH != nil { grads.append(Tensor(unchecked: [G], floats: dbh)) }
            if withH0 { grads.append(Tensor(unchecked: [B, H], floats: dh)) }
            return grads
        }
        return (res[0], res[1])
    }
}
