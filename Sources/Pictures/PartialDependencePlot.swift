import Foundation

/// A partial dependence plot: the average prediction as one feature moves over a grid (a
/// thick line), the individual (ICE) curves of some rows behind it, and the feature's
/// deciles as a rug along the bottom, as sklearn's PartialDependenceDisplay draws them.
public struct PartialDependencePlot: Figure {
    public var title: String
    public var grid: [Double]
    public var average: [Double]
    /// ICE curves drawn (each over the grid).
    public var ice: [[Double]]
    public var deciles: [Double]
    public var xLabel: String, yLabel: String

    public init(title: String = "", grid: [Double], average: [Double], ice: [[Double]] = [], deciles: [Double] = [],
                xLabel: String, yLabel: String) {
        self.title = title; self.grid = grid; self.average = average; self.ice = ice; self.deciles = deciles
        self.xLabel = xLabel; self.yLabel = yLabel
    }

    /// The q-quantile of the ICE curves at each grid point.
    func iceQuantile(_ q: Double) -> [Double] {
        grid.indices.map { k in
            let v = ice.compactMap { k < $0.count && $0[k].isFinite ? $0[k] : nil }.sorted()
            guard !v.isEmpty else { return .nan }
            return v[min(v.count - 1, Int(roundedClamping: q * Double(v.count - 1)))]
        }
    }

    /// The terminal shows the average and, for the ICE curves, their 10th and 90th percentiles.
    public func terminal(width: Int, mode: ColorMode) -> String {
        // Values within 1e-9 of a round number are drawn as it (a saturated probability is 0, not 9e-16).
        func tidy(_ v: [Double]) -> [Double] { v.map { ($0 * 1e9).rounded() / 1e9 } }
        var series = [LineChart.Series("average (PDP)", xs: grid, ys: tidy(average))]
        if ice.count > 1 {
            series.append(LineChart.Series("ICE 10th percentile", xs: grid, ys: tidy(iceQuantile(0.1))))
            series.append(LineChart.Series("ICE 90th percentile", xs: grid, ys: tidy(iceQuantile(0.9))))
        }
        return LineChart(title: title, xLabel: xLabel, yLabel: yLabel, series: series)
            .terminal(width: width, height: 12, mode: mode)
    }

    public func svg() -> String {
        let width = 600.0, height = 356.0, left = 60.0, right = 16.0, top = title.isEmpty ? 28.0 : 48.0
        let bottom = 50.0, pw = width - left - right, ph = height - top - bottom
        let all = (average + ice.flatMap { $0 }).filter(\.isFinite)
        var y0 = all.min() ?? 0, y1 = all.max() ?? 1
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        var x0 = grid.first ?? 0, x1 = grid.last ?? 1
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        func X(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func Y(_ y: Double) -> Double { top + (y1 - y) / (y1 - y0) * ph }
        func path(_ ys: [Double]) -> String {
            zip(grid, ys).filter { $0.1.isFinite }.enumerated()
                .map { k, p in (k == 0 ? "M" : "L") + "\(SVG.f(X(p.0))) \(SVG.f(Y(p.1)))" }.joined()
        }
        var s = [SVG.open(width: width, height: height)]
        if !title.isEmpty {
            s.append("<text x=\"\(SVG.f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">"
                     + "\(SVG.esc(title))</text>")
        }
        s.append(ChartAxes.svg(x0: x0, x1: x1, y0: y0, y1: y1, left: left, top: top, pw: pw, ph: ph,
                               xLabel: xLabel, yLabel: yLabel, height: height))
        for curve in ice {
            s.append("<path d=\"\(path(curve))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.22\" "
                     + "stroke-width=\"1\"/>")
        }
        let orange = Palette.hex(LineChart.colors[1])
        s.append("<path d=\"\(path(average))\" fill=\"none\" stroke=\"\(orange)\" stroke-width=\"3\"/>")
        for d in deciles where d >= x0 && d <= x1 {
            s.append("<line x1=\"\(SVG.f(X(d)))\" y1=\"\(SVG.f(top + ph - 8))\" x2=\"\(SVG.f(X(d)))\" "
                     + "y2=\"\(SVG.f(top + ph))\" stroke=\"currentColor\"/>")
        }
        // The legend sits above the plot, clear of the curves.
        let ly = top - 12
        s.append("<rect x=\"\(SVG.f(width - 250))\" y=\"\(SVG.f(ly - 5))\" width=\"14\" height=\"3\" "
                 + "fill=\"\(orange)\"/><text x=\"\(SVG.f(width - 232))\" y=\"\(SVG.f(ly))\">average (PDP)"
                 + "</text><rect x=\"\(SVG.f(width - 140))\" y=\"\(SVG.f(ly - 4))\" width=\"14\" height=\"1\" "
                 + "fill=\"currentColor\"/><text x=\"\(SVG.f(width - 122))\" y=\"\(SVG.f(ly))\">"
                 + "ICE (\(ice.count) rows)</text>")
        s.append("</svg>")
        return s.joined(separator: "\n")
    }
}
