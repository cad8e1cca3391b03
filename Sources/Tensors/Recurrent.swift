// What the fused recurrent layers (LSTM.swift, GRU.swift) share. Each layer is one recorded op
// with backpropagation through time written out. Inputs are batch-first [B, T, I]; gate
// layouts follow PyTorch (LSTM: i, f, g, o; GRU: r, z, n). Rows shorter than T (per-row
// `lengths`) stop updating their state at their length and output zeros after it, as
// PyTorch's packed sequences do, so padding never leaks.
//
// Both layers compute the input side of every step at once, x·W_ihᵀ (+ biases) as [B·T, G],
// and the hidden side step by step, h·W_hhᵀ. Backward mirrors that: per step, from the
// gradients of the gates' pre-activations da, dh_prev = da·W_hh and dW_hh += daᵀ·h_prev;
// after the last step, dx = da·W_ih, dW_ih = daᵀ·x and db_ih = Σ da over all steps.

/// The sizes of a recurrent layer's input and gates: batch, steps, input features, hidden
/// size and gate width (gates × hidden).
struct RecurrentSizes {
    let b, t, i, h, g: Int
}

extension Tensor {
    static func checkRecurrent(_ x: Tensor, _ wIH: Tensor, _ wHH: Tensor, gates: Int,
                               name: String) throws -> RecurrentSizes {
        try x.requireFloat(name)
        guard x.rank == 3 else {
            throw TensorError.shape(
                "\(name) needs a batch-first input [batch, time, features], found \(Shape.format(x.shape))")
        }
        let (b, t, i) = (x.shape[0], x.shape[1], x.shape[2])
        guard wHH.rank == 2, wHH.shape[0] % gates == 0 else {
            throw TensorError.shape(
                "\(name): weight_hh must be [\(gates)·hidden, hidden], found \(Shape.format(wHH.shape))")
        }
        let h = wHH.shape[0] / gates
        guard wHH.shape == [gates * h, h], wIH.shape == [gates * h, i] else {
            throw TensorError.shape("\(name): input has \(i) features; expected weight_ih [\(gates * h), \(i)] and "
                                    + "weight_hh [\(gates * h), \(h)], found \(Shape.format(wIH.shape)) and "
                                    + "\(Shape.format(wHH.shape))")
        }
        return RecurrentSizes(b: b, t: t, i: i, h: h, g: gates * h)
    }

    static func checkLengths(_ lengths: [Int]?, batch: Int, steps: Int) throws -> [Int] {
        guard let lengths else { return [Int](repeating: steps, count: batch) }
        guard lengths.count == batch else {
            throw TensorError.shape("lengths must have one entry per row (\(batch)), found \(lengths.count)")
        }
        for l in lengths where l < 1 || l > steps {
            throw TensorError.value("every length must be between 1 and the sequence length \(steps), found \(l)")
        }
        return lengths
    }

    static func checkState(_ s: Tensor?, _ b: Int, _ h: Int, _ what: String) throws -> [Float] {
        guard let s else { return [Float](repeating: 0, count: b * h) }
        guard s.shape == [b, h] else {
            throw TensorError.shape("\(what) must be [\(b), \(h)], found \(Shape.format(s.shape))")
        }
        return s.toFloat().floats
    }

    /// x·Wᵀ (+ biases) for every time step at once: [B·T, G·H].
    static func inputGates(_ x: Tensor, _ w: Tensor, _ biases: [Tensor?], rows: Int, gh: Int, i: Int) -> [Float] {
        var xg = product(x.floats, w.floats, m: rows, n: gh, k: i, transA: false, transB: true)
        for b in biases.compactMap({ $0?.floats }) {
            xg.withUnsafeMutableBufferPointer { p in for r in 0..<rows { for j in 0..<gh { p[r * gh + j] += b[j] } } }
        }
        return xg
    }

    /// hg = h·W_hhᵀ for the `rows` rows of h, with W_hhᵀ laid out once for all the steps.
    static func hiddenProduct(_ h: [Float], _ w: Kernels.Packed, rows: Int, into hg: inout [Float]) {
        h.withUnsafeBufferPointer { ph in
            hg.withUnsafeMutableBufferPointer { pg in
                guard let a = ph.baseAddress, let g = pg.baseAddress else { return }
                Kernels.gemm(m: rows, a, transA: false, w, g)
            }
        }
    }

    /// The hidden side of step t's backward: dhPrev = da·W_hh (overwritten) and
    /// dWhh += daᵀ·h_prev, from da [B, G] and the saved previous states hPrev [T, B, H].
    static func backpropHidden(_ da: [Float], _ wHH: [Float], _ hPrev: [Float], step t: Int, _ dims: RecurrentSizes,
                               dhPrev: inout [Float], dWhh: inout [Float]) {
        let (B, H, G) = (dims.b, dims.h, dims.g)
        da.withUnsafeBufferPointer { pa in
            wHH.withUnsafeBufferPointer { pw in
                dhPrev.withUnsafeMutableBufferPointer { pd in
                    hPrev.withUnsafeBufferPointer { phs in
                        dWhh.withUnsafeMutableBufferPointer { pdw in
                            guard let ba = pa.baseAddress, let bw = pw.baseAddress, let bd = pd.baseAddress,
                                  let bhs = phs.baseAddress, let bdw = pdw.baseAddress else { return }
                            Kernels.gemm(batch: 1, m: B, n: H, k: G, ba, transA: false, strideA: 0,
                                         bw, transB: false, strideB: 0, bd)
                            Kernels.gemm(batch: 1, m: G, n: H, k: B, ba, transA: true, strideA: 0,
                                         bhs + t * B * H, transB: false, strideB: 0, bdw, accumulate: true)
                        }
                    }
                }
            }
        }
    }

    /// dx = dxg·W_ih and dW_ih = dxgᵀ·x from the gates' gradients at every step, dxg [B·T, G].
    static func inputGradients(_ dxg: [Float], _ x: Tensor, _ wIH: Tensor, _ dims: RecurrentSizes) -> [Tensor?] {
        let rows = dims.b * dims.t
        let dx = product(dxg, wIH.floats, m: rows, n: dims.i, k: dims.g, transA: false, transB: false)
        let dWih = product(dxg, x.floats, m: dims.g, n: dims.i, k: rows, transA: true, transB: false)
        return [Tensor(unchecked: x.shape, floats: dx), Tensor(unchecked: wIH.shape, floats: dWih)]
    }

    /// The gradient of an input-side bias: dxg [B·T, G] summed over its rows, from row 0 down.
    static func biasGradient(_ dxg: [Float], _ dims: RecurrentSizes) -> Tensor {
        let G = dims.g
        var db = [Float](repeating: 0, count: G)
        for r in 0..<(dims.b * dims.t) { for j in 0..<G { db[j] += dxg[r * G + j] } }
        return Tensor(unchecked: [G], floats: db)
    }
}
