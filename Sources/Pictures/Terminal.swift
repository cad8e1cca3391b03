import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The terminal's width, so charts fill the line without wrapping.
public enum TerminalSize {
    /// Columns of standard output's terminal; 80 when it is not a terminal, so scripts and
    /// transcripts print the same charts everywhere.
    public static var columns: Int {
        if let fixed { return fixed }
        var w = winsize()
        if isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
        return 80
    }

    /// Charts are drawn at most this wide: wider lines are hard to read.
    public static var chartWidth: Int { max(40, min(columns, 100)) }

    /// A width that replaces the terminal's while set (see Rendering.asScript).
    nonisolated(unsafe) static var fixed: Int?
}

/// Pictures are drawn for where they go: at a terminal in its colours and width, in a script's
/// transcript in plain text 80 columns wide. A session at the prompt draws each picture both
/// ways, shows the first and saves the second, so that a saved session replays.
public enum Rendering {
    /// Whether pictures drawn now are already what a script prints.
    public static var isScriptLike: Bool { Palette.mode == .none && TerminalSize.columns == 80 }

    /// From now on, draws as a script prints: `xai run`, `check` and `export` give the same
    /// bytes at a terminal of any width as through a pipe.
    public static func useScriptSettings() {
        Palette.mode = .none
        TerminalSize.fixed = 80
    }

    /// Runs `draw` with a script's settings: no colour, 80 columns.
    public static func asScript<T>(_ draw: () throws -> T) rethrows -> T {
        let (mode, fixed) = (Palette.mode, TerminalSize.fixed)
        Palette.mode = .none
        TerminalSize.fixed = 80
        defer { Palette.mode = mode; TerminalSize.fixed = fixed }
        return try draw()
    }
}

/// Minimal SVG writing shared by every figure.
public enum SVG {
    public static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Coordinates with one decimal: enough for screens and print, and stable text.
    public static func f(_ v: Double) -> String { String(format: "%.1f", v.isFinite ? v : 0) }

    /// A number as an axis label: short, without trailing noise.
    public static func label(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return String(format: "%.2e", v) }
        var s = String(format: a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v)
        if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
        return s
    }

    /// Opens an <svg> element of the given size; text uses the page's colour (light or dark).
    public static func open(width: Double, height: Double, fontSize: Int = 12) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
            + "font-family=\"system-ui, sans-serif\" font-size=\"\(fontSize)\" fill=\"currentColor\" role=\"img\">"
    }

    /// Evenly spaced "nice" tick values covering [lo, hi].
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(max(1, count - 1))
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? raw
        let first = (lo / step).rounded(.up)
        var out: [Double] = []
        var k = 0.0
        while out.count < 20 {
            // Multiples of the step, printed and read back at 12 digits to drop binary noise (0.6, not 0.6000000000000001).
            let raw = (first + k) * step
            guard raw <= hi + step * 1e-9 else { break }
            let t = Double(String(format: "%.12g", raw)) ?? raw
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            k += 1
        }
        return out
    }
}
