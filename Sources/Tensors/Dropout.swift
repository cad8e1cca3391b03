// Inverted dropout:  y = x·mask/(1−p),  dX = dY·mask/(1−p)  (the mask drawn once per call).

extension Tensor {
    /// Inverted dropout: zero each element with probability p, scale survivors by 1/(1−p).
    public func dropout(p: Float, using g: inout RandomGenerator) throws -> Tensor {
        guard p >= 0, p < 1 else {
            if p == 1 {
                return try Tensor.zeros(shape).recorded("dropout", [self]) { g in [try Tensor.zeros(g.shape)] }
            }
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
}
