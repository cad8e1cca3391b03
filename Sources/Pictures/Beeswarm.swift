import Foundation

/// shap's summary plot: one strip per feature (largest mean |attribution| first), a dot per
/// row at its attribution, coloured by the feature's value in that row from low to high.
public struct Beeswarm: Figure {
    public var title: String
    public var names: [String]
    /// Per feature: each row's attribution.
    public var values: [[Double]]
    /// Per feature: each row's level in [0, 1] (see `FeatureValueColors.levels`).
    public var levels: [[Double]]
    public var xLabel: String
    /// Features drawn (shap's max_display is 20).
    public var limit: Int

    public init(title: String = "", names: [String], values: [[Double]], levels: [[Double]],
                xLabel: String = "attribution (impact on the model's output)", limit: Int = 20) {
        self.title = title; self.names = names; self.values = values; self.levels = levels
        self.xLabel = xLabel; self.limit = max(1, limit)
    }

    /// Mean |attribution| per feature.
    public var meanAbs: [Double] {
        values.map { v in v.reduce(0) { $0 + (abs($1).isFinite ? abs($1) : 0) } / Double(max(1, v.count)) }
    }

    /// The features drawn, largest mean |attribution| first.
    var shown: [Int] {
        let m = meanAbs
        return Array(m.indices.sorted { m[$0] != m[$1] ? m[$0] > m[$1] : $0 < $1 }.prefix(limit))
    }

    /// The x range: every drawn value and 0.
    func range(_ features: [Int]) -> (Double, Double) {
        let all = features.flatMap { values[$0] }.filter(\.isFinite)
        var lo = min(0, all.min() ?? 0), hi = max(0, all.max() ?? 0)
        if hi <= lo { lo -= 1; hi += 1 }
        return (lo, hi)
    }

    public func terminal(width: Int, mode: ColorMode) -> String {
        let order = shown
        let (lo, hi) = range(order)
        let nw = min(24, order.map { TextWidth.of(names[$0]) }.max() ?? 4)
        let cols = max(12, width - nw - 13)
        func col(_ v: Double) -> Int {
            max(0, min(cols - 1, Int(roundedClamping: (v - lo) / (hi - lo) * Double(cols - 1))))
        }
        let zero = col(0)
        var lines = title.isEmpty ? [] : [title]
        let m = meanAbs
        for j in order {
            var count = [Int](repeating: 0, count: cols), level = [Double](repeating: 0, count: cols)
            var known = [Int](repeating: 0, count: cols)
            for (v, t) in zip(values[j], levels[j]) where v.isFinite {
                let c = col(v)
                count[c] += 1
                if t.isFinite { level[c] += t; known[c] += 1 }
            }
            var strip = ""
            for c in 0..<cols {
                guard count[c] > 0 else { strip += c == zero ? "│" : " "; continue }
                let t = known[c] > 0 ? level[c] / Double(known[c]) : .nan
                if mode == .none { strip.append(FeatureValueColors.mark(t)); continue }
                strip += Palette.escape(FeatureValueColors.color(t), background: false, mode: mode)
                    + (count[c] > 2 ? "●" : "•") + Palette.reset(mode: mode)
            }
            lines.append("  " + TextWidth.pad(TextWidth.truncate(names[j], to: nw), to: nw) + " " + strip + " "
                         + String(format: "%8.4f", m[j]))
        }
        if names.count > order.count { lines.append("  … \(names.count - order.count) more features") }
        let axis = (0..<cols).map { $0 == zero ? "┴" : "─" }.joined()
        lines.append("  " + String(repeating: " ", count: nw + 1) + axis + "  mean |·|")
        let (l, z, h) = (SVG.label(lo), "0", SVG.label(hi))
        var labels = [Character](repeating: " ", count: cols + 8)
        func put(_ s: String, _ at: Int) {
            for (k, ch) in s.enumerated() where at + k >= 0 && at + k < labels.count { labels[at + k] = ch }
        }
        put(l, 0); put(h, max(0, cols - h.count))
        if zero > l.count + 1 && zero + 2 < cols - h.count { put(z, zero) }
        lines.append("  " + String(repeating: " ", count: nw + 1) + String(labels).trimmingTrailing())
        lines.append("  x: \(xLabel) · " + FeatureValueColors.legend("colour: the feature's value", mode: mode))
        return lines.joined(separator: "\n")
    }

    public func svg() -> String {
        let order = shown
        let (lo, hi) = range(order)
        let left = 190.0, plot = 420.0, right = 80.0, row = 26.0, top = title.isEmpty ? 10.0 : 32.0
        let height = top + Double(order.count) * row + 48
        let width = left + plot + right
        func X(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * plot }
        var s = [SVG.open(width: width, height: height)]
        if !title.isEmpty {
            s.append("<text x=\"\(SVG.f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">"
                     + "\(SVG.esc(title))</text>")
        }
        let bottom = top + Double(order.count) * row
        for (k, j) in order.enumerated() {
            let cy = top + (Double(k) + 0.5) * row
            s.append("<line x1=\"\(SVG.f(left))\" y1=\"\(SVG.f(cy))\" x2=\"\(SVG.f(left + plot))\" y2=\"\(SVG.f(cy))\" "
                     + "stroke=\"currentColor\" stroke-opacity=\"0.12\" stroke-dasharray=\"2 3\"/>"
                     + "<text x=\"\(SVG.f(left - 8))\" y=\"\(SVG.f(cy + 4))\" text-anchor=\"end\">"
                     + "\(SVG.esc(names[j]))</text>")
            s.append(dots(j, cy: cy, halfHeight: row / 2 - 2, x: X))
        }
        s.append(axes(lo: lo, hi: hi, left: left, plot: plot, top: top, bottom: bottom, X: X))
        s.append(FeatureValueColors.svgBar(x: left + plot + 16, y: top + 4, height: max(40, bottom - top - 8),
                                           label: "feature value"))
        s.append("</svg>")
        return s.joined(separator: "\n")
    }

    /// One feature's dots, stacked up and down from the centre line where they crowd
    /// (binned by x, alternating sides), squeezed so the fullest stack fits the strip.
    func dots(_ j: Int, cy: Double, halfHeight: Double, x X: (Double) -> Double) -> String {
        let r = 2.4
        var bins: [Int: Int] = [:]
        var placed: [(Double, Int, Double)] = []
        for (i, v) in values[j].enumerated() where v.isFinite {
            let x = X(v), b = Int(roundedClamping: x / (2 * r))
            let k = bins[b, default: 0]
            bins[b] = k + 1
            placed.append((x, k, levels[j][i]))
        }
        let most = Double((bins.values.max() ?? 1) / 2 + 1)
        let dy = min(2 * r * 0.8, halfHeight / most)
        return placed.map { x, k, t in
            let off = Double((k + 1) / 2) * dy * (k % 2 == 0 ? 1 : -1)
            return "<circle cx=\"\(SVG.f(x))\" cy=\"\(SVG.f(cy + off))\" r=\"\(r)\" "
                + "fill=\"\(Palette.hex(FeatureValueColors.color(t)))\" fill-opacity=\"0.85\"/>"
        }.joined()
    }

    func axes(lo: Double, hi: Double, left: Double, plot: Double, top: Double, bottom: Double,
              X: (Double) -> Double) -> String {
        let (zx, b) = (SVG.f(X(0)), SVG.f(bottom))
        var s = "<line x1=\"\(zx)\" y1=\"\(SVG.f(top))\" x2=\"\(zx)\" y2=\"\(b)\" "
            + "stroke=\"currentColor\" stroke-opacity=\"0.5\"/>"
            + "<line x1=\"\(SVG.f(left))\" y1=\"\(b)\" x2=\"\(SVG.f(left + plot))\" y2=\"\(b)\" "
            + "stroke=\"currentColor\"/>"
        for t in SVG.ticks(lo, hi, count: 6) {
            let tx = SVG.f(X(t))
            s += "<line x1=\"\(tx)\" y1=\"\(b)\" x2=\"\(tx)\" y2=\"\(SVG.f(bottom + 4))\" stroke=\"currentColor\"/>"
                + "<text x=\"\(tx)\" y=\"\(SVG.f(bottom + 17))\" "
                + "text-anchor=\"middle\">\(SVG.label(t))</text>"
        }
        s += "<text x=\"\(SVG.f(left + plot / 2))\" y=\"\(SVG.f(bottom + 36))\" text-anchor=\"middle\">"
            + "\(SVG.esc(xLabel))</text>"
        return s
    }
}

extension String {
    /// The string without trailing spaces.
    func trimmingTrailing() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
