/// Activation formulas built from FastMath's elementary functions (so the same bits on every
/// machine), each with its derivative, and the loop that applies an activation to a recurrent
/// gate's pre-activations. The ops in Activations.swift, LSTM.swift and GRU.swift call these.
extension FastMath {
    /// log(1 + e^x), x itself above 20 (PyTorch's softplus: beta 1, threshold 20).
    @inline(__always)
    static func softplus(_ x: Float) -> Float { x > 20 ? x : FastMath.log1p(FastMath.exp(x)) }

    /// d/dx softplus(x) = σ(x), 1 above the threshold.
    @inline(__always)
    static func softplusDerivative(_ x: Float) -> Float { x > 20 ? 1 : FastMath.sigmoid(x) }

    /// PyTorch's tanh approximation of GELU: ½x·(1 + tanh(c·(x + 0.044715x³))), c = √(2/π).
    @inline(__always)
    static func geluTanh(_ x: Float) -> Float {
        let c: Float = 0.7978845608028654  // √(2/π)
        return 0.5 * x * (1 + FastMath.tanh(c * (x + 0.044715 * x * x * x)))
    }

    /// d/dx of `geluTanh`: ½(1 + t) + ½x·(1 − t²)·c·(1 + 3·0.044715x²), t = tanh(c·(x + 0.044715x³)).
    @inline(__always)
    static func geluTanhDerivative(_ x: Float) -> Float {
        let c: Float = 0.7978845608028654
        let u = c * (x + 0.044715 * x * x * x)
        let t = FastMath.tanh(u)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
    }

    /// out[o + j] = f(a[ao + j] + b[bo + j]) for j in 0..<count: a recurrent gate's activations
    /// from its input and hidden sums. Through buffer pointers, where loops vectorize; loops over
    /// the subscripts of arrays that a backward closure captures stay scalar.
    @inline(__always)
    static func activate(_ out: inout [Float], at o: Int, _ a: [Float], at ao: Int, _ b: [Float], at bo: Int,
                         count: Int, _ f: (Float) -> Float) {
        out.withUnsafeMutableBufferPointer { po in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    for j in 0..<count { po[o + j] = f(pa[ao + j] + pb[bo + j]) }
                }
            }
        }
    }
}
