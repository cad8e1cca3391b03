import Foundation

/// shap's dependence plot: each row as a dot at (the feature's value, its attribution),
/// coloured by another feature's value when one is given.
public struct DependencePlot: Figure {
    public var title: String
    public var xs: [Double]
    public var ys: [Double]
    /// Levels in [0, 1] of the colouring feature (see `FeatureValueColors.levels`), or nil.
    public var levels: [Double]?
    public var xLabel: String, yLabel: String, colorLabel: String

    public init(title: String = "", xs: [Double], ys: [Double], levels: [Double]? = nil, xLabel: String,
                yLabel: String, colorLabel: String = "") {
        self.title = title; self.xs = xs; self.ys = ys; self.levels = levels
        self.xLabel = xLabel; self.yLabel = yLabel; self.colorLabel = colorLabel
    }

    var points: [(x: Double, y: Double, t: Double)] {
        xs.indices.compactMap { i in
            guard i < ys.count, xs[i].isFinite, ys[i].isFinite else { return nil }
            return (xs[i], ys[i], levels.map { i < $0.count ? $0[i] : .nan } ?? .nan)
        }
    }

    func bounds() -> (x0: Double, x1: Double, y0: Double, y1: Double) {
        let p = points
        var x0 = p.map(\.x).min() ?? 0, x1 = p.map(\.x).max() ?? 1
        var y0 = min(0, p.map(\.y).min() ?? 0), y1 = max(0, p.map(\.y).max() ?? 1)
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        return (x0, x1, y0, y1)
    }

    public func terminal(width: Int, mode: ColorMode) -> String {
        let b = bounds(), rows = 12
        let yLabels = [SVG.label(b.y1), SVG.label(b.y0)]
        let lw = max(yLabels.map(\.count).max() ?? 1, 1)
        let cols = max(10, width - lw - 3)
        var count = [[Int]](repeating: [Int](repeating: 0, count: cols), count: rows)
        var level = [[Double]](repeating: [Double](repeating: 0, count: cols), count: rows)
        var known = count
        func cell(_ x: Double, _ y: Double) -> (Int, Int) {
            (max(0, min(rows - 1, Int(roundedClamping: (b.y1 - y) / (b.y1 - b.y0) * Double(rows - 1)))),
             max(0, min(cols - 1, Int(roundedClamping: (x - b.x0) / (b.x1 - b.x0) * Double(cols - 1)))))
        }
        for p in points {
            let (r, c) = cell(p.x, p.y)
            count[r][c] += 1
            if p.t.isFinite { level[r][c] += p.t; known[r][c] += 1 }
        }
        let zeroRow = cell(b.x0, 0).0
        var lines = title.isEmpty ? [] : [title]
        for r in 0..<rows {
            let label = r == 0 ? yLabels[0] : r == rows - 1 ? yLabels[1] : r == zeroRow ? "0" : ""
            var line = String(repeating: " ", count: lw - label.count) + label + " ┤"
            for c in 0..<cols {
                guard count[r][c] > 0 else { line += r == zeroRow ? "·" : " "; continue }
                let t = known[r][c] > 0 ? level[r][c] / Double(known[r][c]) : .nan
                let mark = levels == nil ? (count[r][c] > 2 ? "●" : "•") : String(FeatureValueColors.mark(t))
                if mode == .none || levels == nil { line += mark; continue }
                line += Palette.escape(FeatureValueColors.color(t), background: false, mode: mode) + "●"
                    + Palette.reset(mode: mode)
            }
            lines.append(line)
        }
        lines.append(String(repeating: " ", count: lw + 1) + "└" + String(repeating: "─", count: cols))
        let x0 = SVG.label(b.x0), x1 = SVG.label(b.x1)
        lines.append(String(repeating: " ", count: lw + 2) + x0
                     + String(repeating: " ", count: max(1, cols - x0.count - x1.count)) + x1)
        var legend = "x: \(xLabel) · y: \(yLabel)"
        if levels != nil { legend += " · " + FeatureValueColors.legend("colour: \(colorLabel)", mode: mode) }
        lines.append(String(repeating: " ", count: lw + 2) + legend)
        return lines.joined(separator: "\n")
    }

    public func svg() -> String {
        let b = bounds()
        let width = 600.0, height = 340.0
        let left = 60.0, right = levels == nil ? 16.0 : 80.0, top = title.isEmpty ? 12.0 : 32.0, bottom = 46.0
        let pw = width - left - right, ph = height - top - bottom
        func X(_ x: Double) -> Double { left + (x - b.x0) / (b.x1 - b.x0) * pw }
        func Y(_ y: Double) -> Double { top + (b.y1 - y) / (b.y1 - b.y0) * ph }
        var s = [SVG.open(width: width, height: height)]
        if !title.isEmpty {
            s.append("<text x=\"\(SVG.f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">"
                     + "\(SVG.esc(title))</text>")
        }
        s.append(ChartAxes.svg(x0: b.x0, x1: b.x1, y0: b.y0, y1: b.y1, left: left, top: top, pw: pw, ph: ph,
                               xLabel: xLabel, yLabel: yLabel, height: height))
        s.append("<line x1=\"\(SVG.f(left))\" y1=\"\(SVG.f(Y(0)))\" x2=\"\(SVG.f(left + pw))\" y2=\"\(SVG.f(Y(0)))\" "
                 + "stroke=\"currentColor\" stroke-opacity=\"0.45\"/>")
        let plain = Palette.hex((0, 114, 178))
        for p in points {
            let fill = levels == nil ? plain : Palette.hex(FeatureValueColors.color(p.t))
            s.append("<circle cx=\"\(SVG.f(X(p.x)))\" cy=\"\(SVG.f(Y(p.y)))\" r=\"3\" fill=\"\(fill)\" "
                     + "fill-opacity=\"0.8\"/>")
        }
        if levels != nil {
            s.append(FeatureValueColors.svgBar(x: left + pw + 14, y: top, height: ph, label: colorLabel))
        }
        s.append("</svg>")
        return s.joined(separator: "\n")
    }
}

/// Axes, ticks, gridlines and axis names of an x–y chart in SVG.
enum ChartAxes {
    static func svg(x0: Double, x1: Double, y0: Double, y1: Double, left: Double, top: Double, pw: Double,
                    ph: Double, xLabel: String, yLabel: String, height: Double) -> String {
        func X(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func Y(_ y: Double) -> Double { top + (y1 - y) / (y1 - y0) * ph }
        var s = ""
        for t in SVG.ticks(y0, y1) {
            s += "<line x1=\"\(SVG.f(left))\" y1=\"\(SVG.f(Y(t)))\" x2=\"\(SVG.f(left + pw))\" y2=\"\(SVG.f(Y(t)))\" "
                + "stroke=\"currentColor\" stroke-opacity=\"0.12\"/><text x=\"\(SVG.f(left - 6))\" "
                + "y=\"\(SVG.f(Y(t) + 4))\" text-anchor=\"end\">\(SVG.label(t))</text>"
        }
        for t in SVG.ticks(x0, x1, count: 6) {
            s += "<line x1=\"\(SVG.f(X(t)))\" y1=\"\(SVG.f(top + ph))\" x2=\"\(SVG.f(X(t)))\" "
                + "y2=\"\(SVG.f(top + ph + 4))\" stroke=\"currentColor\"/><text x=\"\(SVG.f(X(t)))\" "
                + "y=\"\(SVG.f(top + ph + 17))\" text-anchor=\"middle\">\(SVG.label(t))</text>"
        }
        s += "<path d=\"M\(SVG.f(left)) \(SVG.f(top))V\(SVG.f(top + ph))H\(SVG.f(left + pw))\" fill=\"none\" "
            + "stroke=\"currentColor\"/><text x=\"\(SVG.f(left + pw / 2))\" y=\"\(SVG.f(height - 12))\" "
            + "text-anchor=\"middle\">\(SVG.esc(xLabel))</text><text transform=\"translate(14 "
            + "\(SVG.f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVG.esc(yLabel))</text>"
        return s
    }
}
