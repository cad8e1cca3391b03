import Foundation

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

    /// The start tag of an <svg> element of the given size; `attributes` (each after a space)
    /// come between its viewBox and role.
    public static func start(width: Double, height: Double, attributes: String = "") -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\"\(attributes) role=\"img\">"
    }

    /// Opens an <svg> element of the given size; text uses the page's colour (light or dark).
    public static func open(width: Double, height: Double, fontSize: Int = 12) -> String {
        start(width: width, height: height,
              attributes: " font-family=\"system-ui, sans-serif\" font-size=\"\(fontSize)\" fill=\"currentColor\"")
    }

    /// A filled rectangle; `attributes` (each after a space) follow the fill, and a `title`
    /// (already escaped) is its tooltip.
    public static func rect(x: Double, y: Double, width: Double, height: Double, fill: String, attributes: String = "",
                            title: String? = nil) -> String {
        let tag = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "fill=\"\(fill)\"\(attributes)"
        guard let title else { return tag + "/>" }
        return tag + "><title>\(title)</title></rect>"
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
            // Multiples of the step, printed and read back at 12 digits to drop binary noise
            // (0.6, not 0.6000000000000001).
            let raw = (first + k) * step
            guard raw <= hi + step * 1e-9 else { break }
            let t = Double(String(format: "%.12g", raw)) ?? raw
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            k += 1
        }
        return out
    }
}
