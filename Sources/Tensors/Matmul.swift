// Matrix products (torch.matmul semantics) on xai's own kernels (Kernels.gemm).
//   C = A·B:  dA = dC·Bᵀ,  dB = Aᵀ·dC  (summed over broadcast batch dimensions)
// 1-D operands are promoted (a vector on the left is a row, on the right a column) and the
// added dimension removed afterwards; batch dimensions broadcast as elementwise ops do.

extension Tensor {
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard dtype == .float32 || other.dtype == .float32 else {
            return try toFloat().matmul(other.toFloat())
        }
        let a = toFloat(), b = other.toFloat()
        guard a.rank >= 1, b.rank >= 1 else {
            throw TensorError.shape(
                "matmul needs tensors of rank ≥ 1, found \(Shape.format(a.shape)) and \(Shape.format(b.shape))")
        }
        if a.rank == 1 && b.rank == 1 {
            guard a.count == b.count else { throw TensorError.shape("dot product of sizes \(a.count) and \(b.count)") }
            return try a.unsqueeze(0).matmul(b.unsqueeze(1)).reshape([])
        }
        if a.rank == 1 { return try a.unsqueeze(0).matmul(b).squeeze(-2) }
        if b.rank == 1 { return try a.matmul(b.unsqueeze(1)).squeeze(-1) }
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1]
        let k2 = b.shape[b.rank - 2], n = b.shape[b.rank - 1]
        guard k == k2 else {
            throw TensorError.shape("matmul: \(Shape.format(a.shape)) @ \(Shape.format(b.shape)) needs the inner "
                                    + "sizes to agree, found \(k) vs \(k2)")
        }
        if b.rank == 2 {
            // Fold every batch dimension of A into its rows: one GEMM.
            let rows = a.count / Swift.max(k, 1) == 0 ? Shape.product(a.shape.dropLast()) : a.count / k
            let outShape = Array(a.shape.dropLast()) + [n]
            let c = Tensor.product(a.floats, b.floats, m: rows, n: n, k: k, transA: false, transB: false)
            return Tensor(unchecked: outShape, floats: c).recorded("matmul", [a, b]) { g in
                let da = a.requiresGrad ? Tensor(unchecked: a.shape, floats:
                    Tensor.product(g.floats, b.floats, m: rows, n: k, k: n, transA: false, transB: true)) : nil
                let db = b.requiresGrad ? Tensor(unchecked: b.shape, floats:
                    Tensor.product(a.floats, g.floats, m: k, n: n, k: rows, transA: true, transB: false)) : nil
                return [da, db]
            }
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batch = try Shape.broadcast(batchA, batchB)
        let ea = batchA == batch ? a : try a.expand(batch + [m, k])
        let eb = batchB == batch ? b : try b.expand(batch + [k, n])
        let nb = Shape.product(batch)
        _ = try Shape.count(batch + [m, n])
        let c = Tensor.product(ea.floats, eb.floats, batch: nb, m: m, n: n, k: k, transA: false, transB: false,
                               strideA: m * k, strideB: k * n)
        return Tensor(unchecked: batch + [m, n], floats: c).recorded("matmul", [ea, eb]) { g in
            let da = ea.requiresGrad ? Tensor(unchecked: ea.shape, floats:
                Tensor.product(g.floats, eb.floats, batch: nb, m: m, n: k, k: n, transA: false, transB: true,
                               strideA: m * n, strideB: k * n)) : nil
            let db = eb.requiresGrad ? Tensor(unchecked: eb.shape, floats:
                Tensor.product(ea.floats, g.floats, batch: nb, m: k, n: n, k: m, transA: true, transB: false,
                               strideA: m * k, strideB: m * n)) : nil
            return [da, db]
        }
    }

    /// Raw batched product of row-major buffers (see `Kernels.gemm` for the layout); by default
    /// one product (batch 1, strides 0).
    static func product(_ a: [Float], _ b: [Float], batch: Int = 1, m: Int, n: Int, k: Int,
                        transA: Bool, transB: Bool, strideA: Int = 0, strideB: Int = 0,
                        initial: [Float]? = nil) -> [Float] {
        // The kernels write every element of C, so C needs no zeroing; with `initial` (one
        // row of n values, e.g. a bias) every row's chains start from it.
        let count = batch * m * n
        return [Float](unsafeUninitializedCapacity: count) { pc, done in
            done = count
            guard let bc = pc.baseAddress else { return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    (initial ?? []).withUnsafeBufferPointer { pi in
                        let start = initial != nil && pi.count >= n ? pi.baseAddress : nil
                        guard let ba = pa.baseAddress, let bb = pb.baseAddress else {
                            // An empty operand (k = 0): each element is its chain's start.
                            if let start { for r in 0..<(batch * m) { (bc + r * n).update(from: start, count: n) } }
                            else { bc.update(repeating: 0, count: count) }
                            return
                        }
                        Kernels.gemm(batch: batch, m: m, n: n, k: k, ba, transA: transA, strideA: strideA,
                                     bb, transB: transB, strideB: strideB, bc, start: start)
                    }
                }
            }
        }
    }

    /// x (rows × k, row-major) times a packed operand; with `start` (n values) every row's
    /// chains start from it, as in `product(…, initial:)`.
    static func packedProduct(_ x: [Float], _ b: Kernels.Packed, rows: Int, start: [Float]?) -> [Float] {
        let count = rows * b.n
        return [Float](unsafeUninitializedCapacity: count) { pc, done in
            done = count
            guard let bc = pc.baseAddress else { return }
            x.withUnsafeBufferPointer { px in
                (start ?? []).withUnsafeBufferPointer { ps in
                    let s = start != nil && ps.count >= b.n ? ps.baseAddress : nil
                    guard let ba = px.baseAddress else {
                        // No rows or no inputs: each element is its chain's start.
                        for r in 0..<rows {
                            if let s { (bc + r * b.n).update(from: s, count: b.n) }
                            else { (bc + r * b.n).update(repeating: 0, count: b.n) }
                        }
                        return
                    }
                    Kernels.gemm(m: rows, ba, b, bc, start: s)
                }
            }
        }
    }

    public static func ⊗ (a: Tensor, b: Tensor) throws -> Tensor { try a.matmul(b) }
}

infix operator ⊗: MultiplicationPrecedence

extension Tensor {
    /// y = x·Wᵀ + b over the last dimension of x (nn.functional.linear), one GEMM with W
    /// transposed in place:  dx = dy·W,  dW = dyᵀ·x,  db = Σ dy.
    /// `packed`, Wᵀ laid out beforehand (`Kernels.Packed(transposing: weight)` of these very
    /// values), spares the product laying W out again: the same bits. It is used when it
    /// fits W's shape and the current kernel path; the backward products read W itself.
    public static func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor? = nil,
                              packed: Kernels.Packed? = nil) throws -> Tensor {
        try x.requireFloat("linear")
        guard weight.rank == 2, let inF = x.shape.last, weight.shape[1] == inF else {
            throw TensorError.shape("linear: input \(Shape.format(x.shape)) needs a weight "
                                    + "[out, \(x.shape.last ?? 0)], found \(Shape.format(weight.shape))")
        }
        let outF = weight.shape[0]
        if let bias, bias.shape != [outF] {
            throw TensorError.shape("linear: bias must have shape [\(outF)], found \(Shape.format(bias.shape))")
        }
        let rows = inF == 0 ? Shape.product(x.shape.dropLast()) : x.count / inF
        let y: [Float]
        if let packed, packed.fits(weight), x.count == rows * inF {
            y = packedProduct(x.floats, packed, rows: rows, start: bias?.floats)
        } else {
            y = product(x.floats, weight.floats, m: rows, n: outF, k: inF, transA: false, transB: true,
                        initial: bias?.floats)
        }
        var inputs = [x, weight]
        if let bias { inputs.append(bias) }
        return Tensor(unchecked: Array(x.shape.dropLast()) + [outF], floats: y).recorded("linear", inputs) { g in
            let dx = x.requiresGrad ? Tensor(unchecked: x.shape, floats:
                product(g.floats, weight.floats, m: rows, n: inF, k: outF, transA: false, transB: false)) : nil
            let dw = weight.requiresGrad ? Tensor(unchecked: weight.shape, floats:
                product(g.floats, x.floats, m: outF, n: inF, k: rows, transA: true, transB: false)) : nil
            var grads: [Tensor?] = [dx, dw]
            if bias != nil {
                var db = [Float](repeating: 0, count: outF)
                g.floats.withUnsafeBufferPointer { pg in
                    db.withUnsafeMutableBufferPointer { Kernels.addColumnSums(pg, rows: rows, into: $0) }
                }
                grads.append(Tensor(unchecked: [outF], floats: db))
            }
            return grads
        }
    }
}
