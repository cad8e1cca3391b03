extension Int {
    /// v rounded to the nearest integer, clamped to ±2⁵², and 0 for NaN. Pictures turn
    /// data-derived sizes and coordinates into cells with it, so no value (∞, NaN, 1e300) can
    /// trap the conversion.
    public init(roundedClamping v: Double) {
        guard !v.isNaN else { self = 0; return }
        self = Int(Swift.min(Swift.max(v.rounded(), -0x1p52), 0x1p52))
    }
}
