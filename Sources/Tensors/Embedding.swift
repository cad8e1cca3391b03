// Rows of a table picked by token ids, and one-hot rows.
//   embedding  dW[id] += dY row (rows of padding_idx get none)

extension Tensor {
    /// Rows of `weight` ([num, dim]) picked by int64 `ids` of any shape → ids.shape + [dim].
    public static func embedding(_ ids: Tensor, _ weight: Tensor, paddingIndex: Int? = nil) throws -> Tensor {
        guard ids.dtype != .float32 else { throw TensorError.dtype("embedding needs int64 ids, found float32") }
        guard weight.rank == 2, weight.dtype == .float32 else {
            throw TensorError.shape("embedding needs a float weight of shape [num_embeddings, dim], "
                                    + "found \(weight.dtype) \(Shape.format(weight.shape))")
        }
        let num = weight.shape[0], dim = weight.shape[1]
        var rows = [Int](repeating: 0, count: ids.count)
        for (k, v) in ids.ints.enumerated() {
            guard v >= 0, v < num else {
                throw TensorError.index(
                    "token id \(v) is out of range for an embedding of \(num) rows (expected 0..<\(num))")
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

    /// int64 class ids → float one-hot rows with `classes` columns.
    public func oneHot(classes: Int) throws -> Tensor {
        guard dtype != .float32 else { throw TensorError.dtype("one_hot needs int64 class ids, found float32") }
        guard classes > 0 else {
            throw TensorError.value("one_hot needs a positive number of classes, found \(classes)")
        }
        var out = [Float](repeating: 0, count: try Shape.count(shape + [classes]))
        for (k, v) in ints.enumerated() {
            guard v >= 0, v < classes else {
                throw TensorError.index("class id \(v) is out of range for \(classes) classes")
            }
            out[k * classes + Int(v)] = 1
        }
        return Tensor(unchecked: shape + [classes], floats: out)
    }
}
