// Activation functions, each with its derivative (scalar formulas in FastMath and ActivationMath):
//   relu      d/dx = 1 for x > 0, else 0          sigmoid   d/dx = y(1 − y)
//   tanh      d/dx = 1 − y²                       softplus  d/dx = σ(x) (1 above 20)
//   gelu      d/dx = Φ(x) + x·φ(x)                gelu_tanh d/dx of ½x(1 + tanh(√(2/π)(x + 0.044715x³)))

extension Tensor {
    // These four follow an active BackwardRule (attribution methods), as Captum's hooked modules do.
    public func tanh() -> Tensor {
        unary("tanh", { FastMath.tanh($0) }, derivative: { _, y in 1 - y * y }, rules: .smooth)
    }
    public func sigmoid() -> Tensor {
        unary("sigmoid", { FastMath.sigmoid($0) }, derivative: { _, y in y * (1 - y) }, rules: .smooth)
    }
    public func relu() -> Tensor {
        unary("relu", { $0 > 0 ? $0 : 0 }, derivative: { x, _ in x > 0 ? 1 : 0 }, rules: .relu)
    }

    /// log(1 + e^x), linear above 20 as in PyTorch (beta 1, threshold 20).
    public func softplus() -> Tensor {
        unary("softplus", { FastMath.softplus($0) }, derivative: { x, _ in FastMath.softplusDerivative(x) },
              rules: .smooth)
    }

    /// GELU: exact x·Φ(x) (`approximate: false`), or PyTorch's tanh form.
    public func gelu(approximate: Bool = false) -> Tensor {
        if approximate {
            return unary("gelu_tanh", { FastMath.geluTanh($0) }, derivative: { x, _ in FastMath.geluTanhDerivative(x) })
        }
        // One pass computes x·Φ(x) and its derivative Φ(x) + x·φ(x) (kept for backward), in the
        // C kernel at the CPU's vector width.
        let x = toFloat()
        let n = x.count
        var y = [Float](unsafeUninitializedCapacity: n) { _, c in c = n }
        var slope = [Float](unsafeUninitializedCapacity: n) { _, c in c = n }
        x.floats.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                slope.withUnsafeMutableBufferPointer { ps in
                    guard let xb = px.baseAddress, let yb = py.baseAddress, let sb = ps.baseAddress else { return }
                    Parallel.ranges(n) { r in
                        Kernels.gelu(xb + r.lowerBound, yb + r.lowerBound, slope: sb + r.lowerBound, count: r.count)
                    }
                }
            }
        }
        let out = Tensor(unchecked: shape, floats: y)
        return out.recorded("gelu", [self]) { g in
            let d = g.floats.withUnsafeBufferPointer { pg in
                slope.withUnsafeBufferPointer { ps in
                    Parallel.floats(pg.count) { pd, r in for i in r { pd[i] = pg[i] * ps[i] } }
                }
            }
            return [Tensor(unchecked: g.shape, floats: d)]
        }
    }
}
