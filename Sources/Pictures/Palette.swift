import Foundation

/// A diverging palette (ColorBrewer RdBu): blue for attributions against the target,
/// white for none, red for attributions toward it — readable for red–green colour blindness.
public struct Palette {
    public nonisolated(unsafe) static var mode = ColorMode.none

    public typealias RGB = (r: Int, g: Int, b: Int)
    static let negative: RGB = (33, 102, 172), neutral: RGB = (247, 247, 247), positive: RGB = (178, 24, 43)

    /// The magnitude drawn at full strength (full colour, a whole bar): the largest finite
    /// |value|, and at least 1e-12 so that all-zero data divide safely.
    public static func fullScale(_ values: [Double]) -> Double {
        max(1e-12, values.map(abs).filter(\.isFinite).max() ?? 1)
    }

    /// The colour of v in [−1, 1].
    public static func diverging(_ v: Double) -> RGB {
        let t = max(-1, min(1, v.isFinite ? v : 0))
        let end = t < 0 ? negative : positive
        let a = abs(t)
        func mix(_ x: Int, _ y: Int) -> Int { Int(roundedClamping: Double(x) + (Double(y) - Double(x)) * a) }
        return (mix(neutral.r, end.r), mix(neutral.g, end.g), mix(neutral.b, end.b))
    }

    /// A sequential palette for non-negative values in [0, 1]: white to blue.
    public static func sequential(_ v: Double) -> RGB {
        let a = max(0, min(1, v.isFinite ? v : 0))
        func mix(_ x: Int, _ y: Int) -> Int { Int(roundedClamping: Double(x) + (Double(y) - Double(x)) * a) }
        return (mix(neutral.r, 8), mix(neutral.g, 69), mix(neutral.b, 148))
    }

    /// A grey level for image pixels in [0, 1] (0 black).
    public static func grey(_ v: Double) -> RGB {
        let g = Int(roundedClamping: max(0, min(1, v.isFinite ? v : 0)) * 255)
        return (g, g, g)
    }

    public static func hex(_ c: RGB) -> String { String(format: "#%02x%02x%02x", c.r, c.g, c.b) }

    /// Black or white text, whichever reads better on c.
    public static func ink(on c: RGB) -> RGB {
        (0.299 * Double(c.r) + 0.587 * Double(c.g) + 0.114 * Double(c.b)) > 140 ? (0, 0, 0) : (255, 255, 255)
    }

    static func cube(_ c: RGB) -> Int {
        func q(_ x: Int) -> Int { x < 48 ? 0 : x < 115 ? 1 : (x - 35) / 40 }
        return 16 + 36 * q(c.r) + 6 * q(c.g) + q(c.b)
    }

    /// The escape that sets the foreground (or background) to c, in the current mode.
    public static func escape(_ c: RGB, background: Bool, mode: ColorMode = Palette.mode) -> String {
        switch mode {
        case .none: return ""
        case .truecolor: return "\u{1b}[\(background ? 48 : 38);2;\(c.r);\(c.g);\(c.b)m"
        case .ansi256: return "\u{1b}[\(background ? 48 : 38);5;\(cube(c))m"
        }
    }

    /// Text without its colour escapes (`ESC [ … m`): what a reader sees, for measuring.
    public static func stripEscapes(_ s: String) -> String {
        var out = "", inEscape = false
        for c in s {
            if inEscape { if c == "m" { inEscape = false }; continue }
            if c == "\u{1b}" { inEscape = true; continue }
            out.append(c)
        }
        return out
    }

    public static func reset(mode: ColorMode = Palette.mode) -> String { mode == .none ? "" : "\u{1b}[0m" }

    /// `cells` blank character cells in colour `c`: a swatch in a legend, a cell of a matrix.
    public static func swatch(_ c: RGB, cells: Int, mode: ColorMode = Palette.mode) -> String {
        escape(c, background: true, mode: mode) + String(repeating: " ", count: cells) + reset(mode: mode)
    }
}
