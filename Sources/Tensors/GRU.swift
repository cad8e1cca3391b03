// A fused GRU layer (conventions in Recurrent.swift):
//   step:      r,z = σ(x·W_ir + b_ir + h·W_hr + b_hr, …);  n = tanh(x·W_in + b_in + r·(h·W_hn + b_hn))
//              h' = (1−z)·n + z·h
//   backward:  dn = dh(1−z); dz = dh(h−n); da_n = dn(1−n²); dr = da_n·(h·W_hn + b_hn)
//              x-side gate grads (dr·r(1−r), dz·z(1−z), da_n); h-side the same with da_n·r for n

/// What the GRU's forward computes and keeps for backward: the output [B, T, H], the final h
/// [B, H], and per step t and row b the activated gates r, z, n, h·W_hn + b_hn and the previous h.
struct GRUTape {
    var out, h, acts, hgN, hPrev: [Float]
}

extension Tensor {
    /// One GRU layer: output [B, T, H] and the final h [B, H].
    public static func gruLayer(_ x: Tensor, weightIH wIH: Tensor, weightHH wHH: Tensor, biasIH bIH: Tensor?,
                                biasHH bHH: Tensor?, h0: Tensor? = nil,
                                lengths: [Int]? = nil) throws -> (output: Tensor, h: Tensor) {
        let dims = try checkRecurrent(x, wIH, wHH, gates: 3, name: "gru")
        let (B, T, I, H, G) = (dims.b, dims.t, dims.i, dims.h, dims.g)
        let lens = try checkLengths(lengths, batch: B, steps: T)
        let h = try checkState(h0, B, H, "h0")
        let xg = inputGates(x, wIH, [bIH], rows: B * T, gh: G, i: I)
        let tape = gruForward(xg, wHH, bHH, h: h, lengths: lens, dims)
        var inputs = [x, wIH, wHH]
        if let bIH { inputs.append(bIH) }
        if let bHH { inputs.append(bHH) }
        let withH0 = h0 != nil
        if let h0 { inputs.append(h0) }
        let outputs = [Tensor(unchecked: [B, T, H], floats: tape.out), Tensor(unchecked: [B, H], floats: tape.h)]
        let res = Tensor.recorded("gru", inputs, outputs: outputs) { gs in
            gruBackward(gs, tape, x: x, wIH: wIH, wHH: wHH, lengths: lens, dims,
                        biasIH: bIH != nil, biasHH: bHH != nil, withH0: withH0)
        }
        return (res[0], res[1])
    }

    /// The forward pass over all steps from the input gates xg [B·T, G] and the initial h.
    static func gruForward(_ xg: [Float], _ wHH: Tensor, _ bHH: Tensor?, h h0: [Float], lengths lens: [Int],
                           _ dims: RecurrentSizes) -> GRUTape {
        let (B, T, H, G) = (dims.b, dims.t, dims.h, dims.g)
        var h = h0
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
            hiddenProduct(h, packedHH, rows: B, into: &hg)
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
        return GRUTape(out: out, h: h, acts: acts, hgN: hgN, hPrev: hPrev)
    }

    /// Backpropagation through time from the gradients of the output and h: the gradients of
    /// x, W_ih, W_hh, then b_ih, b_hh and h0 when they are inputs.
    static func gruBackward(_ gs: [Tensor], _ tape: GRUTape, x: Tensor, wIH: Tensor, wHH: Tensor, lengths lens: [Int],
                            _ dims: RecurrentSizes, biasIH: Bool, biasHH: Bool, withH0: Bool) -> [Tensor?] {
        let (B, T, H, G) = (dims.b, dims.t, dims.h, dims.g)
        let (acts, hgN, hPrev) = (tape.acts, tape.hgN, tape.hPrev)
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
            backpropHidden(dhg, wHH.floats, hPrev, step: t, dims, dhPrev: &dhPrev, dWhh: &dWhh)
            for b in 0..<B where t < lens[b] {
                for j in 0..<H { dh[b * H + j] = dhPrev[b * H + j] + direct[b * H + j] }
            }
        }
        var grads = inputGradients(dxg, x, wIH, dims) + [Tensor(unchecked: wHH.shape, floats: dWhh)]
        if biasIH { grads.append(biasGradient(dxg, dims)) }
        if biasHH { grads.append(Tensor(unchecked: [G], floats: dbh)) }
        if withH0 { grads.append(Tensor(unchecked: [B, H], floats: dh)) }
        return grads
    }
}
