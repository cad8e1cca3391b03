/// Elementary functions written without library calls, so that loops using them vectorize
/// (libm's expf is a call per element).
enum FastMath {
    /// e^x for Float (Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial for e^r,
    /// 2^n put into the exponent bits). Relative error about 2e-7; x below −87.3 gives
    /// about 1e-38 instead of a subnormal, x above 88.7 gives about 3e38.
    @inline(__always) static func exp(_ x: Float) -> Float {
        let c = Swift.min(Swift.max(x, -87.3), 88.7)
        let n = (c * 1.44269504088896341 + 0.5).rounded(.down)
        let r = c - n * 0.693359375 + n * 2.12194440e-4
        let r2 = r * r
        let p = ((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r + 1.6666665459e-1) * r + 5.0000001201e-1
        let e = p * r2 + r + 1
        // n + 1.5·2²³ holds n in its low mantissa bits: an integer conversion without the
        // range check that a Float → Int32 conversion carries (and that blocks vectorizing).
        let k = (n + 12_582_912).bitPattern &- 0x4B40_0000
        return e * Float(bitPattern: (k &+ 127) << 23)
    }
}
