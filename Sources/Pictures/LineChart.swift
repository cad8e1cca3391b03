import Foundation

/// Lines through (x, y) points: training curves, deletion curves, any xs/ys.
public struct LineChart {
    public struct Series {
        public var name: String
        public var xs: [Double]
        public var ys: [Double]
        public init(_ name: String, xs: [Double], ys: [Double]) { self.name = name; self.xs = xs; self.ys = ys }
    }
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]

    public init(title: String = "", xLabel: String = "", yLabel: String = "", series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    /// Colours told apart with colour blindness (Okabe–Ito), and markers for plain text.
    static let colors: [Palette.RGB] = [(0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167), (230, 159, 0),
                                        (86, 180, 233)]
    static let markers: [Character] = ["*", "o", "+", "x", "#", "@"]

    var points: [(Double, Double)] { series.flatMap { zip($0.xs, $0.ys).filter { $0.0.isFinite && $0.1.isFinite } } }

    func bounds() -> (x0: Double, x1: Double, y0: Double, y1: Double) {
        let p = points
        var x0 = p.map(\.0).min() ?? 0, x1 = p.map(\.0).max() ?? 1
        var y0 = p.map(\.1).min() ?? 0, y1 = p.map(\.1).max() ?? 1
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        if y1 <= y0 { let pad = max(abs(y0) * 0.05, 0.5); y0 -= pad; y1 += pad }
        return (x0, x1, y0, y1)
    }

    /// Braille dots (2×4 per character) in a terminal with colour; marker characters
    /// otherwise, so transcripts and pipes get readable text.
    public func terminal(width: Int = TerminalSize.chartWidth, height: Int = 10,
                         mode: ColorMode = Palette.mode) -> String {
        let b = bounds()
        let yLabels = [SVG.label(b.y1), SVG.label((b.y0 + b.y1) / 2), SVG.label(b.y0)]
        let lw = max(yLabels.map(\.count).max() ?? 1, 1)
        let cols = max(10, width - lw - 3), rows = max(3, height)
        var lines: [String] = []
        if !title.isEmpty { lines.append(title) }
        let grid = mode == .none
            ? markerGrid(b, cols: cols, rows: rows) : brailleGrid(b, cols: cols, rows: rows, mode: mode)
        for r in 0..<rows {
            let label = r == 0 ? yLabels[0] : r == rows / 2 ? yLabels[1] : r == rows - 1 ? yLabels[2] : ""
            lines.append(String(repeating: " ", count: lw - label.count) + label + " ┤" + grid[r].joined())
        }
        let x0 = SVG.label(b.x0), x1 = SVG.label(b.x1)
        lines.append(String(repeating: " ", count: lw + 1) + "└" + String(repeating: "─", count: cols))
        let gap = max(1, cols - x0.count - x1.count)
        lines.append(String(repeating: " ", count: lw + 2) + x0 + String(repeating: " ", count: gap) + x1)
        lines.append(String(repeating: " ", count: lw + 2) + legend(mode: mode))
        return lines.joined(separator: "\n")
    }

    /// Plain text: each series' marker where its polyline crosses each column.
    func markerGrid(_ b: (x0: Double, x1: Double, y0: Double, y1: Double), cols: Int, rows: Int) -> [[String]] {
        var cells = [[Character]](repeating: [Character](repeating: " ", count: cols), count: rows)
        for (k, s) in series.enumerated() {
            let pts = zip(s.xs, s.ys).filter { $0.0.isFinite && $0.1.isFinite }
            for c in 0..<cols {
                let x = b.x0 + (b.x1 - b.x0) * Double(c) / Double(max(1, cols - 1))
                guard let y = LineChart.interpolate(pts, at: x) else { continue }
                let r = Int(roundedClamping: (b.y1 - y) / (b.y1 - b.y0) * Double(rows - 1))
                cells[max(0, min(rows - 1, r))][c] = LineChart.markers[k % LineChart.markers.count]
            }
        }
        return cells.map { $0.map { String($0) } }
    }

    /// Colour: the series drawn as braille dots, each cell in the colour of the last series there.
    func brailleGrid(_ b: (x0: Double, x1: Double, y0: Double, y1: Double), cols: Int, rows: Int,
                     mode: ColorMode) -> [[String]] {
        let W = cols * 2, H = rows * 4
        var bits = [[UInt8]](repeating: [UInt8](repeating: 0, count: cols), count: rows)
        var owner = [[Int]](repeating: [Int](repeating: -1, count: cols), count: rows)
        func dot(_ x: Int, _ y: Int, _ k: Int) {
            guard x >= 0, x < W, y >= 0, y < H else { return }
            let map: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
            bits[y / 4][x / 2] |= map[x % 2][y % 4]
            owner[y / 4][x / 2] = k
        }
        for (k, s) in series.enumerated() {
            let pts = zip(s.xs, s.ys).filter { $0.0.isFinite && $0.1.isFinite }
            func px(_ p: (Double, Double)) -> (Int, Int) {
                (Int(roundedClamping: (p.0 - b.x0) / (b.x1 - b.x0) * Double(W - 1)),
                 Int(roundedClamping: (b.y1 - p.1) / (b.y1 - b.y0) * Double(H - 1)))
            }
            if pts.count == 1 { let (x, y) = px(pts[0]); dot(x, y, k) }
            for i in 1..<max(1, pts.count) {
                // A straight segment between consecutive points (enough steps to leave no gaps).
                let (ax, ay) = px(pts[i - 1]), (bx, by) = px(pts[i])
                let n = max(abs(bx - ax), abs(by - ay), 1)
                for t in 0...n { dot(ax + (bx - ax) * t / n, ay + (by - ay) * t / n, k) }
            }
        }
        return (0..<rows).map { r in
            (0..<cols).map { c in
                guard bits[r][c] != 0, let u = UnicodeScalar(0x2800 + UInt32(bits[r][c])) else { return " " }
                let color = LineChart.colors[owner[r][c] % LineChart.colors.count]
                return Palette.escape(color, background: false, mode: mode) + String(Character(u))
                    + Palette.reset(mode: mode)
            }
        }
    }

    /// Each series' marker (plain text) or coloured line and name, then the axis names if any.
    func legend(mode: ColorMode) -> String {
        var legend = series.enumerated().map { k, s -> String in
            mode == .none ? "\(LineChart.markers[k % LineChart.markers.count]) \(s.name)"
                : Palette.escape(LineChart.colors[k % LineChart.colors.count], background: false, mode: mode) + "━━"
                    + Palette.reset(mode: mode) + " \(s.name)"
        }.joined(separator: "   ")
        if !xLabel.isEmpty || !yLabel.isEmpty {
            legend += "   (x: \(xLabel.isEmpty ? "x" : xLabel), y: \(yLabel.isEmpty ? "y" : yLabel))"
        }
        return legend
    }

    /// y at x on the polyline through `pts` (sorted by x as given); nil outside its range.
    static func interpolate(_ pts: [(Double, Double)], at x: Double) -> Double? {
        guard let first = pts.first else { return nil }
        if pts.count == 1 { return abs(first.0 - x) < 1e-12 ? first.1 : nil }
        for i in 1..<pts.count {
            let (a, b) = (pts[i - 1], pts[i])
            let lo = min(a.0, b.0), hi = max(a.0, b.0)
            if x >= lo - 1e-12 && x <= hi + 1e-12 {
                return hi == lo ? b.1 : a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0)
            }
        }
        return nil
    }

    /// An SVG chart with axes, ticks, gridlines and a legend.
    public func svg(width: Double = 560, height: Double = 300) -> String {
        let b = bounds()
        let left = 56.0, right = 16.0, top = title.isEmpty ? 12.0 : 30.0, bottom = 46.0
        let pw = width - left - right, ph = height - top - bottom
        func X(_ x: Double) -> Double { left + (x - b.x0) / (b.x1 - b.x0) * pw }
        func Y(_ y: Double) -> Double { top + (b.y1 - y) / (b.y1 - b.y0) * ph }
        var s = [SVG.open(width: width, height: height)]
        if !title.isEmpty {
            s.append("<text x=\"\(SVG.f(width / 2))\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">"
                     + "\(SVG.esc(title))</text>")
        }
        for t in SVG.ticks(b.y0, b.y1) {
            let y = SVG.f(Y(t))
            s.append("<line x1=\"\(SVG.f(left))\" y1=\"\(y)\" x2=\"\(SVG.f(left + pw))\" y2=\"\(y)\" "
                     + "stroke=\"currentColor\" stroke-opacity=\"0.15\"/>"
                     + "<text x=\"\(SVG.f(left - 6))\" y=\"\(SVG.f(Y(t) + 4))\" text-anchor=\"end\">"
                     + "\(SVG.label(t))</text>")
        }
        for t in SVG.ticks(b.x0, b.x1, count: 6) {
            let x = SVG.f(X(t))
            s.append("<line x1=\"\(x)\" y1=\"\(SVG.f(top + ph))\" x2=\"\(x)\" y2=\"\(SVG.f(top + ph + 4))\" "
                     + "stroke=\"currentColor\"/>"
                     + "<text x=\"\(x)\" y=\"\(SVG.f(top + ph + 17))\" text-anchor=\"middle\">\(SVG.label(t))</text>")
        }
        s.append("<path d=\"M\(SVG.f(left)) \(SVG.f(top))V\(SVG.f(top + ph))H\(SVG.f(left + pw))\" "
                 + "fill=\"none\" stroke=\"currentColor\"/>")
        if !xLabel.isEmpty {
            s.append("<text x=\"\(SVG.f(left + pw / 2))\" y=\"\(SVG.f(height - 18))\" text-anchor=\"middle\">"
                     + "\(SVG.esc(xLabel))</text>")
        }
        if !yLabel.isEmpty {
            s.append("<text transform=\"translate(14 \(SVG.f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">"
                     + "\(SVG.esc(yLabel))</text>")
        }
        var lx = left
        for (k, ser) in series.enumerated() {
            let c = Palette.hex(LineChart.colors[k % LineChart.colors.count])
            let pts = zip(ser.xs, ser.ys).filter { $0.0.isFinite && $0.1.isFinite }
            let d = pts.enumerated().map { k, p in (k == 0 ? "M" : "L") + "\(SVG.f(X(p.0))) \(SVG.f(Y(p.1)))" }.joined()
            if !d.isEmpty { s.append("<path d=\"\(d)\" fill=\"none\" stroke=\"\(c)\" stroke-width=\"2\"/>") }
            if pts.count <= 40 {
                for p in pts {
                    s.append("<circle cx=\"\(SVG.f(X(p.0)))\" cy=\"\(SVG.f(Y(p.1)))\" r=\"2.5\" fill=\"\(c)\"/>")
                }
            }
            s.append("<rect x=\"\(SVG.f(lx))\" y=\"\(SVG.f(height - 10))\" width=\"14\" height=\"3\" fill=\"\(c)\"/>"
                     + "<text x=\"\(SVG.f(lx + 18))\" y=\"\(SVG.f(height - 6))\">\(SVG.esc(ser.name))</text>")
            lx += 28 + Double(ser.name.count) * 7
        }
        s.append("</svg>")
        return s.joined(separator: "\n")
    }
}
