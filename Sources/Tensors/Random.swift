/// The engine's random generator: xoshiro256** (Blackman & Vigna 2018) seeded through
/// SplitMix64, the seeding the authors recommend. Both are fixed-width integer arithmetic,
/// so a seed gives the same stream on every machine. Derived distributions:
/// - uniform Float in [0, 1): the top 24 bits of a draw, times 2^-24;
/// - normal: Box–Muller on two uniform doubles from the top 53 bits, using both outputs;
/// - integers in [0, n): Lemire's multiply-shift with rejection (unbiased).
public struct RandomGenerator {
    var s: (UInt64, UInt64, UInt64, UInt64)
    var spareNormal: Double?
    public private(set) var seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
        spareNormal = nil
    }

    @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = RandomGenerator.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = RandomGenerator.rotl(s.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 bits, exactly representable as Float.
    public mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }
    /// Uniform in [0, 1) with 53 bits.
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    public mutating func normal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        var u1 = uniformDouble()
        while u1 <= 0 { u1 = uniformDouble() }
        let u2 = uniformDouble()
        let r = (-2 * FastMath.log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = r * FastMath.sin(theta)
        return r * FastMath.cos(theta)
    }

    /// Unbiased integer in [0, n); n must be positive.
    public mutating func below(_ n: UInt64) -> UInt64 {
        guard n > 1 else { return 0 }
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return m.high
    }

    /// Fisher–Yates permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(below(UInt64(i + 1)))
            p.swapAt(i, j)
        }
        return p
    }
}

/// The session's generator, used by every random op unless one is passed explicitly.
/// The engine is single-threaded at this level (kernel workers are internal to an op).
public enum Random {
    nonisolated(unsafe) public static var shared = RandomGenerator(seed: 0)
    public static func seed(_ s: UInt64) { shared = RandomGenerator(seed: s) }
}

extension Tensor {
    public static func rand(_ shape: [Int], using g: inout RandomGenerator) throws -> Tensor {
        let n = try Shape.count(shape)
        var v = [Float](repeating: 0, count: n)
        for i in 0..<n { v[i] = g.uniform() }
        return Tensor(unchecked: shape, floats: v)
    }
    public static func randn(_ shape: [Int], using g: inout RandomGenerator) throws -> Tensor {
        let n = try Shape.count(shape)
        var v = [Float](repeating: 0, count: n)
        for i in 0..<n { v[i] = Float(g.normal()) }
        return Tensor(unchecked: shape, floats: v)
    }
    /// Integers uniform in [low, high).
    public static func randint(_ low: Int64, _ high: Int64, _ shape: [Int],
                               using g: inout RandomGenerator) throws -> Tensor {
        guard high > low else { throw TensorError.value("randint needs high > low, found low \(low), high \(high)") }
        let n = try Shape.count(shape)
        let span = UInt64(bitPattern: high &- low)
        var v = [Int64](repeating: 0, count: n)
        for i in 0..<n { v[i] = low &+ Int64(bitPattern: g.below(span)) }
        return Tensor(unchecked: shape, ints: v)
    }
    public static func rand(_ shape: [Int]) throws -> Tensor { try rand(shape, using: &Random.shared) }
    public static func randn(_ shape: [Int]) throws -> Tensor { try randn(shape, using: &Random.shared) }
    public static func randint(_ low: Int64, _ high: Int64, _ shape: [Int]) throws -> Tensor {
        try randint(low, high, shape, using: &Random.shared)
    }
    /// Uniform in [low, high), the building block of PyTorch's default initialisations.
    public static func uniform(_ shape: [Int], low: Float, high: Float,
                               using g: inout RandomGenerator) throws -> Tensor {
        let n = try Shape.count(shape)
        var v = [Float](repeating: 0, count: n)
        let w = high - low
        for i in 0..<n { v[i] = low + w * g.uniform() }
        return Tensor(unchecked: shape, floats: v)
    }
}
