import Foundation

/// Colours for a feature's value from low to high (blue → purple → red, as shap's summary
/// plots), saturated enough to read on light and on dark pages, and plain-text marks for
/// transcripts: ○ low, ◐ middle, ● high.
public enum FeatureValueColors {
    static let low: Palette.RGB = (30, 110, 230), middle: Palette.RGB = (150, 60, 190)
    static let high: Palette.RGB = (222, 20, 80)

    /// The colour of a value's level t in [0, 1] (NaN: grey).
    public static func color(_ t: Double) -> Palette.RGB {
        guard t.isFinite else { return (128, 128, 128) }
        let a = max(0, min(1, t))
        let (from, to, u) = a < 0.5 ? (low, middle, a * 2) : (middle, high, (a - 0.5) * 2)
        func mix(_ x: Int, _ y: Int) -> Int { Int(roundedClamping: Double(x) + (Double(y) - Double(x)) * u) }
        return (mix(from.r, to.r), mix(from.g, to.g), mix(from.b, to.b))
    }

    /// The plain-text mark of a level: ○ low third, ◐ middle third, ● high third, · unknown.
    public static func mark(_ t: Double) -> Character {
        guard t.isFinite else { return "·" }
        return t < 1.0 / 3 ? "○" : t < 2.0 / 3 ? "◐" : "●"
    }

    /// Each value's level in [0, 1] between the 5th and 95th percentiles of the values (as shap
    /// clips its colour scale), NaN when the values do not vary.
    public static func levels(_ values: [Double]) -> [Double] {
        let finite = values.filter(\.isFinite).sorted()
        guard finite.count > 1 else { return values.map { _ in .nan } }
        func pct(_ p: Double) -> Double {
            let pos = p * Double(finite.count - 1)
            let k = Int(pos), f = pos - Double(k)
            return k + 1 < finite.count ? finite[k] + (finite[k + 1] - finite[k]) * f : finite[k]
        }
        var lo = pct(0.05), hi = pct(0.95)
        if hi <= lo { lo = finite[0]; hi = finite[finite.count - 1] }
        guard hi > lo else { return values.map { _ in .nan } }
        return values.map { $0.isFinite ? max(0, min(1, ($0 - lo) / (hi - lo))) : .nan }
    }

    /// A vertical colour bar (low at the bottom) with its labels, at (x, y), for SVG figures.
    static func svgBar(x: Double, y: Double, height: Double, label: String) -> String {
        let steps = 24
        var s = ""
        for k in 0..<steps {
            let t = 1 - (Double(k) + 0.5) / Double(steps)
            s += SVG.rect(x: x, y: y + height * Double(k) / Double(steps), width: 10,
                          height: height / Double(steps) + 0.5, fill: Palette.hex(color(t)))
        }
        s += "<text x=\"\(SVG.f(x + 14))\" y=\"\(SVG.f(y + 9))\">High</text>"
            + "<text x=\"\(SVG.f(x + 14))\" y=\"\(SVG.f(y + height))\">Low</text>"
            + "<text transform=\"translate(\(SVG.f(x + 30)) \(SVG.f(y + height / 2))) rotate(-90)\" "
            + "text-anchor=\"middle\">\(SVG.esc(label))</text>"
        return s
    }

    /// The terminal legend of the levels.
    static func legend(_ name: String, mode: ColorMode) -> String {
        if mode == .none { return "\(name): ○ low  ◐ middle  ● high" }
        let dot = { (t: Double, w: String) in
            Palette.escape(color(t), background: false, mode: mode) + "●" + Palette.reset(mode: mode) + " " + w
        }
        return "\(name): " + dot(0, "low") + "  " + dot(0.5, "middle") + "  " + dot(1, "high")
    }
}
