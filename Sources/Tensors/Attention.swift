import CKernels

// Fused scaled dot-product attention over [B, H, T, d] queries and [B, H, S, d] keys/values:
//   S = s·Q·Kᵀ + M,  W = softmax(S) (rows),  O = W·V
//   dV = Wᵀ·dO;  dW = dO·Vᵀ;  dS = W ∘ (dW − rowsum(dW ∘ W));  dQ = s·dS·K;  dK = s·dSᵀ·Q
// M is an additive mask broadcast to [B, H, T, S] (−∞ where attention is not allowed). One op
// instead of six keeps the scores' intermediate tensors out of the graph.

extension Tensor {
    /// Returns the output [B, H, T, d] and the attention weights [B, H, T, S].
    public static func attention(_ q: Tensor, _ k: Tensor, _ v: Tensor, mask: Tensor? = nil,
                                 scale: Float? = nil) throws -> (output: Tensor, weights: Tensor) {
        try q.requireFloat("attention"); try k.requireFloat("attention"); try v.requireFloat("attention")
        guard q.rank == 4, k.rank == 4, v.rank == 4, q.shape[0] == k.shape[0], q.shape[1] == k.shape[1],
              q.shape[3] == k.shape[3], k.shape == v.shape else {
            throw TensorError.shape("attention needs q [B, H, T, d] and k, v [B, H, S, d], found "
                                    + "\(Shape.format(q.shape)), \(Shape.format(k.shape)), \(Shape.format(v.shape))")
        }
        let (B, H, T, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]), S = k.shape[2]
        let n = B * H
        let s = scale ?? 1 / Float(d).squareRoot()
        var scores = product(q.floats, k.floats, batch: n, m: T, n: S, k: d, transA: false, transB: true,
                             strideA: T * d, strideB: S * d)
        // The mask as [B or 1, H or 1, T, S] read in place (no expanded copy), else expanded.
        var maskValues: [Float]?, maskB = 0, maskH = 0
        if let mask {
            let m = mask.toFloat()
            if m.rank == 4, m.shape[2] == T, m.shape[3] == S, [1, B].contains(m.shape[0]), [1, H].contains(m.shape[1]) {
                maskValues = m.floats
                maskB = m.shape[0] == 1 ? 0 : m.shape[1] * T * S
                maskH = m.shape[1] == 1 ? 0 : T * S
            } else {
                maskValues = try m.expand([B, H, T, S]).floats; maskB = H * T * S; maskH = T * S
            }
        }
        let code = Kernels.path.code
        // Scale, mask and row softmax in one pass, rows split across workers (each row's
        // arithmetic is the same in any split). A fully masked row gives NaN, as in PyTorch.
        scores.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            (maskValues ?? []).withUnsafeBufferPointer { pm in
                let mask = maskValues == nil ? nil : pm.baseAddress
                Parallel.rows(n * T, width: S) { rows in
                    xai_attention_softmax(code, Int64(rows.lowerBound), Int64(rows.upperBound), Int64(S), base, s, mask,
                                          Int64(T), Int64(H), Int64(maskB), Int64(maskH))
                }
            }
        }
        let w = scores
        let out = product(w, v.floats, batch: n, m: T, n: d, k: S, transA: false, transB: false,
                          strideA: T * S, strideB: S * d)
        let outputs = [Tensor(unchecked: [B, H, T, d], floats: out), Tensor(unchecked: [B, H, T, S], floats: w)]
        let r = Tensor.recorded("attention", [q, k, v], outputs: outputs) { gs in
            attentionBackward(gs, q: q, k: k, v: v, weights: w, scale: s, path: code)
        }
        return (r[0], r[1])
    }

    /// The gradients of q, k and v from those of the output and the weights, on the kernel
    /// path `code` of the forward pass.
    static func attentionBackward(_ gs: [Tensor], q: Tensor, k: Tensor, v: Tensor, weights w: [Float],
                                  scale s: Float, path code: Int32) -> [Tensor?] {
        let (B, H, T, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]), S = k.shape[2]
        let n = B * H
        let dO = gs[0].floats
        // Gradient arriving at the weights directly (when they are used downstream) plus through O.
        var dW = product(dO, v.floats, batch: n, m: T, n: S, k: d, transA: false, transB: true,
                         strideA: T * d, strideB: S * d)
        let gW = gs[1].floats
        let dV = product(w, dO, batch: n, m: S, n: d, k: T, transA: true, transB: false, strideA: T * S, strideB: T * d)
        // Softmax backward per row, rows split across workers.
        let dS = dW.withUnsafeMutableBufferPointer { pdw -> [Float] in
            w.withUnsafeBufferPointer { pw in
                gW.withUnsafeBufferPointer { pg in
                    Parallel.floats(rows: n * T, width: S) { out, rows in
                        guard let dw = pdw.baseAddress, let w = pw.baseAddress else { return }
                        xai_attention_softmax_backward(code, Int64(rows.lowerBound), Int64(rows.upperBound), Int64(S),
                                                       dw, pg.count >= n * T * S ? pg.baseAddress : nil, w, s, out)
                    }
                }
            }
        }
        let dQ = product(dS, k.floats, batch: n, m: T, n: d, k: S, transA: false, transB: false,
                         strideA: T * S, strideB: S * d)
        let dK = product(dS, q.floats, batch: n, m: S, n: d, k: T, transA: true, transB: false,
                         strideA: T * S, strideB: T * d)
        return [Tensor(unchecked: q.shape, floats: dQ), Tensor(unchecked: k.shape, floats: dK),
                Tensor(unchecked: v.shape, floats: dV)]
    }
}

// Head layout changes around attention, each one pass instead of slice + reshape + permute:
//   splitHeads: [B, T, 3E] (q | k | v) → three [B, H, T, d]; its pullback writes the three
//   gradients back into one [B, T, 3E].  mergeHeads: [B, H, T, d] → [B, T, H·d] and back.
extension Tensor {
    public static func splitHeads(_ qkv: Tensor, heads h: Int) throws -> (q: Tensor, k: Tensor, v: Tensor) {
        try qkv.requireFloat("splitHeads")
        guard qkv.rank == 3, h > 0, qkv.shape[2] % (3 * h) == 0 else {
            throw TensorError.shape(
                "splitHeads needs [batch, time, 3·heads·d], found \(Shape.format(qkv.shape)) with \(h) heads")
        }
        let (B, T, E3) = (qkv.shape[0], qkv.shape[1], qkv.shape[2])
        let E = E3 / 3, d = E / h
        var parts = [[Float]](repeating: [], count: 3)
        qkv.floats.withUnsafeBufferPointer { src in
            for p in 0..<3 {
                parts[p] = Parallel.floats(rows: B, width: T * E) { dst, batches in
                    for b in batches { for t in 0..<T { for hh in 0..<h {
                        let from = (b * T + t) * E3 + p * E + hh * d, to = ((b * h + hh) * T + t) * d
                        for j in 0..<d { dst[to + j] = src[from + j] }
                    } } }
                }
            }
        }
        let outs = parts.map { Tensor(unchecked: [B, h, T, d], floats: $0) }
        let r = Tensor.recorded("splitHeads", [qkv], outputs: outs) { gs in
            let g = gs[0].floats.withUnsafeBufferPointer { g0 in
                gs[1].floats.withUnsafeBufferPointer { g1 in
                    gs[2].floats.withUnsafeBufferPointer { g2 in
                        Parallel.floats(rows: B, width: T * E3) { dst, batches in
                            for (p, src) in [g0, g1, g2].enumerated() {
                                for b in batches { for t in 0..<T { for hh in 0..<h {
                                    let to = (b * T + t) * E3 + p * E + hh * d, from = ((b * h + hh) * T + t) * d
                                    for j in 0..<d { dst[to + j] = src[from + j] }
                                } } }
                            }
                        }
                    }
                }
            }
            return [Tensor(unchecked: qkv.shape, floats: g)]
        }
        return (r[0], r[1], r[2])
    }

    public static func mergeHeads(_ x: Tensor) throws -> Tensor {
        try x.requireFloat("mergeHeads")
        guard x.rank == 4 else {
            throw TensorError.shape("mergeHeads needs [batch, heads, time, d], found \(Shape.format(x.shape))")
        }
        let (B, h, T, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        func move(_ src: UnsafeBufferPointer<Float>, toMerged: Bool) -> [Float] {
            Parallel.floats(rows: B, width: h * T * d) { dst, batches in
                for b in batches { for hh in 0..<h { for t in 0..<T {
                    let split = ((b * h + hh) * T + t) * d, merged = (b * T + t) * h * d + hh * d
                    for j in 0..<d {
                        if toMerged { dst[merged + j] = src[split + j] } else { dst[split + j] = src[merged + j] }
                    }
                } } }
            }
        }
        let y = x.floats.withUnsafeBufferPointer { move($0, toMerged: true) }
        return Tensor(unchecked: [B, T, h * d], floats: y).recorded("mergeHeads", [x]) { g in
            [Tensor(unchecked: x.shape, floats: g.floats.withUnsafeBufferPointer { move($0, toMerged: false) })]
        }
    }
}
