import Foundation

/// Horizontal bars around a centre line (negative left in blue, positive right in red),
/// largest |value| first: feature attributions, importances, coefficients.
public enum BarChart {
    static func num(_ v: Double) -> String { String(format: "%+.4f", v) }
    /// |v| as a fraction of the scale m: ±∞ fills the whole half, NaN draws nothing.
    static func fraction(_ v: Double, of m: Double) -> Double {
        v.isNaN ? 0 : v.isInfinite ? 1 : min(1, abs(v) / m)
    }

    /// Horizontal bars around a centre line, largest |value| first: blue to the left for
    /// negative values, red to the right for positive.
    public static func terminal(names: [String], values: [Double], mode: ColorMode = Palette.mode, width: Int = 80,
                                limit: Int = 12) -> [String] {
        // Exact zeros (features LIME left out, say) are counted, not drawn.
        let shown = values.indices.filter { values[$0] != 0 }
        let order = byMagnitude(values, shown.isEmpty ? Array(values.indices) : shown).prefix(limit)
        let nameWidth = min(28, order.map { TextWidth.of(names[$0]) }.max() ?? 4)
        let half = max(6, (width - nameWidth - 16) / 2)
        let m = Palette.fullScale(values)
        var lines: [String] = []
        for i in order {
            let name = TextWidth.pad(names[i], to: nameWidth)
            let cells = fraction(values[i], of: m) * Double(half)
            let bar = blocks(cells)
            let color = mode == .none
                ? "" : Palette.escape(Palette.diverging(values[i] < 0 ? -1 : 1), background: false, mode: mode)
            let blank = String(repeating: " ", count: half), rest = String(repeating: " ", count: half - bar.count)
            let left = values[i] < 0 ? rest + color + bar + Palette.reset(mode: mode) : blank
            let right = values[i] >= 0 ? color + bar + Palette.reset(mode: mode) + rest : blank
            lines.append("  " + name + " " + left + "│" + right + " " + num(values[i]))
        }
        if values.count > order.count {
            let zeros = values.count - shown.count
            lines.append("  … \(values.count - order.count) more"
                         + (zeros > 0 && !shown.isEmpty ? " (\(zeros) of them exactly 0)" : " with smaller |score|"))
        }
        return lines
    }

    /// Indices of `values` (all, or those given) from the largest |value| to the smallest, ties by position.
    static func byMagnitude(_ values: [Double], _ indices: [Int]? = nil) -> [Int] {
        (indices ?? Array(values.indices))
            .sorted { abs(values[$0]) != abs(values[$1]) ? abs(values[$0]) > abs(values[$1]) : $0 < $1 }
    }

    /// A bar of `cells` character cells, with eighth blocks for the fraction (at least a sliver).
    static func blocks(_ cells: Double) -> String {
        guard cells > 0 else { return "" }
        let eighths = max(1, Int(roundedClamping: cells * 8))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }


    /// Horizontal bars, largest |value| first, negative to the left of a centre line.
    public static func svg(names: [String], values: [Double], limit: Int = 15) -> String {
        let order = byMagnitude(values).prefix(limit)
        let m = Palette.fullScale(values)
        let labelW = 200.0, half = 180.0, row = 22.0, numW = 80.0
        let width = labelW + 2 * half + numW
        var items: [String] = []
        for (k, i) in order.enumerated() {
            let y = Double(k) * row
            let len = fraction(values[i], of: m) * half
            let x = values[i] < 0 ? labelW + half - len : labelW + half
            let color = Palette.hex(Palette.diverging(values[i] < 0 ? -0.85 : 0.85))
            let value = String(format: "%+.4f", values[i])
            items.append("<text x=\"\(SVG.f(labelW - 8))\" y=\"\(SVG.f(y + 15))\" text-anchor=\"end\" "
                         + "fill=\"currentColor\">\(SVG.esc(names[i]))</text>"
                         + SVG.rect(x: x, y: y + 3, width: max(len, 0.5), height: row - 6, fill: color,
                                    title: "\(SVG.esc(names[i])): \(value)")
                         + "<text x=\"\(SVG.f(labelW + 2 * half + 6))\" y=\"\(SVG.f(y + 15))\" "
                         + "fill=\"currentColor\">\(value)</text>")
        }
        let height = Double(order.count) * row
        let centre = SVG.f(labelW + half)
        items.append("<line x1=\"\(centre)\" y1=\"0\" x2=\"\(centre)\" y2=\"\(SVG.f(height))\" "
                     + "stroke=\"currentColor\" stroke-width=\"1\"/>")
        let font = " font-family=\"system-ui, sans-serif\" font-size=\"13\""
        return SVG.start(width: width, height: height, attributes: font) + "\n"
            + items.joined(separator: "\n") + "\n</svg>"
    }

}
