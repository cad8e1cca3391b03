import Foundation

/// Horizontal bars of means with ± one standard deviation as whiskers, largest mean first:
/// permutation importances over repeats, mean |attribution| with its spread.
public struct WhiskerBars: Figure {
    public var title: String
    public var names: [String]
    public var means: [Double]
    public var stds: [Double]
    public var valueLabel: String
    public var limit: Int

    public init(title: String = "", names: [String], means: [Double], stds: [Double], valueLabel: String = "",
                limit: Int = 15) {
        self.title = title; self.names = names; self.means = means; self.stds = stds
        self.valueLabel = valueLabel; self.limit = max(1, limit)
    }

    var order: [Int] {
        Array(means.indices.sorted { means[$0] != means[$1] ? means[$0] > means[$1] : $0 < $1 }.prefix(limit))
    }

    /// The value range drawn: 0 and every mean ± std.
    func range(_ shown: [Int]) -> (Double, Double) {
        var lo = 0.0, hi = 0.0
        for i in shown where means[i].isFinite {
            let s = i < stds.count && stds[i].isFinite ? stds[i] : 0
            lo = min(lo, means[i] - s); hi = max(hi, means[i] + s)
        }
        if hi <= lo { hi = lo + 1 }
        return (lo, hi)
    }

    public func terminal(width: Int, mode: ColorMode) -> String {
        let shown = order
        let (lo, hi) = range(shown)
        let nw = min(24, shown.map { TextWidth.of(names[$0]) }.max() ?? 4)
        let cols = max(12, width - nw - 24)
        func col(_ v: Double) -> Int { max(0, min(cols, Int(roundedClamping: (v - lo) / (hi - lo) * Double(cols)))) }
        let zero = col(0)
        var lines = title.isEmpty ? [] : [title]
        for i in shown {
            let m = means[i].isFinite ? means[i] : 0, sd = i < stds.count && stds[i].isFinite ? stds[i] : 0
            let a = col(min(0, m)), b = col(max(0, m)), w0 = col(m - sd), w1 = col(m + sd)
            var cells = [String](repeating: " ", count: cols + 1)
            for c in a..<max(a, b) { cells[c] = "█" }
            for c in w0...max(w0, w1) where cells[c] == " " { cells[c] = "─" }
            if w1 > b { cells[w1] = "┤" }
            if w0 < a { cells[w0] = "├" }
            if cells[zero] == " " || cells[zero] == "─" { cells[zero] = "│" }
            let color = mode == .none ? "" : Palette.escape(LineChart.colors[0], background: false, mode: mode)
            lines.append("  " + TextWidth.pad(TextWidth.truncate(names[i], to: nw), to: nw) + " " + color
                         + cells.joined() + Palette.reset(mode: mode)
                         + String(format: " %+.4f ± %.4f", m, sd))
        }
        if names.count > shown.count { lines.append("  … \(names.count - shown.count) more") }
        if !valueLabel.isEmpty { lines.append("  bars: \(valueLabel); whiskers: ± one standard deviation") }
        return lines.joined(separator: "\n")
    }

    public func svg() -> String {
        let shown = order
        let (lo, hi) = range(shown)
        let left = 200.0, plot = 360.0, right = 130.0, row = 22.0, top = title.isEmpty ? 8.0 : 30.0
        let bottom = top + Double(shown.count) * row
        let width = left + plot + right, height = bottom + (valueLabel.isEmpty ? 24 : 42)
        func X(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * plot }
        var s = [SVG.open(width: width, height: height, fontSize: 13)]
        if !title.isEmpty {
            s.append("<text x=\"\(SVG.f(width / 2))\" y=\"19\" text-anchor=\"middle\" font-weight=\"bold\">"
                     + "\(SVG.esc(title))</text>")
        }
        let fill = Palette.hex(LineChart.colors[0])
        for (k, i) in shown.enumerated() {
            let y = top + Double(k) * row, m = means[i].isFinite ? means[i] : 0
            let sd = i < stds.count && stds[i].isFinite ? stds[i] : 0
            let x0 = X(min(0, m)), x1 = X(max(0, m)), cy = SVG.f(y + row / 2)
            let text = String(format: "%+.4f ± %.4f", m, sd)
            s.append("<text x=\"\(SVG.f(left - 8))\" y=\"\(SVG.f(y + 15))\" text-anchor=\"end\">"
                     + "\(SVG.esc(names[i]))</text>"
                     + SVG.rect(x: x0, y: y + 4, width: max(0.5, x1 - x0), height: row - 8, fill: fill,
                                title: "\(SVG.esc(names[i])): \(text)")
                     + "<path d=\"M\(SVG.f(X(m - sd))) \(cy)H\(SVG.f(X(m + sd)))M\(SVG.f(X(m - sd))) "
                     + "\(SVG.f(y + 7))V\(SVG.f(y + row - 7))M\(SVG.f(X(m + sd))) \(SVG.f(y + 7))"
                     + "V\(SVG.f(y + row - 7))\" stroke=\"currentColor\" fill=\"none\"/>"
                     + "<text x=\"\(SVG.f(left + plot + 8))\" y=\"\(SVG.f(y + 15))\">\(text)</text>")
        }
        s.append("<line x1=\"\(SVG.f(X(0)))\" y1=\"\(SVG.f(top))\" x2=\"\(SVG.f(X(0)))\" y2=\"\(SVG.f(bottom))\" "
                 + "stroke=\"currentColor\"/>")
        for t in SVG.ticks(lo, hi, count: 5) {
            s.append("<text x=\"\(SVG.f(X(t)))\" y=\"\(SVG.f(bottom + 16))\" text-anchor=\"middle\">"
                     + "\(SVG.label(t))</text>")
        }
        if !valueLabel.isEmpty {
            s.append("<text x=\"\(SVG.f(left + plot / 2))\" y=\"\(SVG.f(bottom + 34))\" text-anchor=\"middle\">"
                     + "\(SVG.esc(valueLabel))</text>")
        }
        s.append("</svg>")
        return s.joined(separator: "\n")
    }
}
