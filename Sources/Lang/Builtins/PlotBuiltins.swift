import Explain
import Foundation
import Pictures
import Tensors
import Training

/// Charts and pictures: line charts, bars, heatmaps and small images, as Figure values.
enum PlotBuiltins {
    static func register(_ r: Registry) {
        registerLineCharts(r)
        registerBars(r)
        registerMatrices(r)
    }

    static func historyChart(_ h: History, metric: String) -> LineChart {
        let xs = h.epochs.map { Double($0.epoch) }
        var series: [LineChart.Series] = []
        if metric == "accuracy" {
            series.append(.init("accuracy", xs: xs, ys: h.epochs.map(\.accuracy)))
            if h.epochs.contains(where: { $0.validationAccuracy != nil }) {
                series.append(.init("val_accuracy", xs: xs, ys: h.epochs.map { $0.validationAccuracy ?? .nan }))
            }
        } else {
            series.append(.init("loss", xs: xs, ys: h.epochs.map(\.loss)))
            if h.epochs.contains(where: { $0.validationLoss != nil }) {
                series.append(.init("val_loss", xs: xs, ys: h.epochs.map { $0.validationLoss ?? .nan }))
            }
        }
        return LineChart(title: "training \(metric)", xLabel: "epoch", yLabel: metric, series: series)
    }

    static func curveChart(_ c: PerturbationCurve) -> LineChart {
        LineChart(title: "\(c.kind) curve (AUC \(String(format: "%.4f", c.auc)))",
                  xLabel: "fraction of units \(c.kind == "deletion" ? "removed" : "added")",
                  yLabel: "score", series: [.init(c.kind, xs: c.fractions, ys: c.scores)])
    }

    static func numbers(_ v: Value, _ interp: Interpreter, what: String) throws -> [Double] {
        if case .tensor(let t) = v { return t.toFloat().floats.map(Double.init) }
        return try interp.iterate(v).map { try Convert.double($0, what: what) }
    }

    /// The chart a value draws of itself (a training history, a language model's record, a
    /// deletion/insertion curve), or nil for plain numbers.
    static func ownChart(_ v: Value, _ c: Call) throws -> LineChart? {
        switch v {
        case .object(let o as HistoryObject):
            let metric = try c.string("metric")
            guard metric == "loss" || metric == "accuracy" else {
                throw RuntimeError("plot: metric must be \"loss\" or \"accuracy\", found \"\(metric)\"")
            }
            return historyChart(o.history, metric: metric)
        case .object(let o as LineChartProviding): return o.chart
        case .object(let o as CurveObject): return curveChart(o.curve)
        default: return nil
        }
    }

    /// plot(xs, ys): one line of ys over xs, a line per entry of a dict ys, or xs over their positions.
    static func numberSeries(_ v: Value, _ c: Call) throws -> [LineChart.Series] {
        var xs = try numbers(v, c.interp, what: "plot: x")
        var series: [LineChart.Series] = []
        switch c.value("ys") {
        case nil:
            series = [.init(try c.string("label"), xs: xs.indices.map(Double.init), ys: xs)]
            xs = xs.indices.map(Double.init)
        case .dict(let d)?:
            for (k, vals) in d.pairs {
                series.append(.init(k.value.display, xs: xs, ys: try numbers(vals, c.interp, what: "plot: y")))
            }
        case let ys?:
            series = [.init(try c.string("label"), xs: xs, ys: try numbers(ys, c.interp, what: "plot: y"))]
        }
        for s in series where s.ys.count != xs.count {
            throw RuntimeError("plot: \(xs.count) x values but \(s.ys.count) y values for '\(s.name)'")
        }
        guard !xs.isEmpty else { throw RuntimeError("plot: nothing to draw (no values)") }
        return series
    }

    static func registerLineCharts(_ r: Registry) {
        r.function("plot", "data: any, ys: any = nil, title: string = \"\", xlabel: string = \"\", "
                       + "ylabel: string = \"\", metric: string = \"loss\", label: string = \"y\"",
                   returns: "Figure",
                   """
                   A line chart: plot(history) for training curves (also train_lm's) (metric: "loss" or "accuracy"), \
                   plot(curve) for a deletion/insertion curve, \
                   plot(xs, ys) for numbers (ys may be a dict of name → values for several lines).
                   """,
                   details: """
                   In a terminal the lines are drawn in braille dots and colour, sized to the window; \
                   elsewhere with plain marker characters. Exported notebooks draw an SVG chart.
                   """,
                   example: "plot([1, 2, 3, 4], [1.0, 0.5, 0.4, 0.2], title: \"loss\")") { c in
            let title = try c.string("title"), xl = try c.string("xlabel"), yl = try c.string("ylabel")
            guard let data = c.value("data") else {
                throw RuntimeError("plot needs data: a history, a curve, or numbers")
            }
            if var chart = try ownChart(data, c) {
                if !title.isEmpty { chart.title = title }
                return .object(FigureObject(chart))
            }
            let series = try numberSeries(data, c)
            return .object(FigureObject(LineChart(title: title, xLabel: xl, yLabel: yl, series: series)))
        }
    }

    static func registerBars(_ r: Registry) {
        r.function("bar", "names: list, values: any, title: string = \"\"", returns: "Figure",
                   "Horizontal bars for named values, largest |value| first (negative to the left).",
                   example: "bar([\"a\", \"b\", \"c\"], [0.5, -0.2, 0.9], title: \"scores\")") { c in
            let names = try c.texts("names")
            let values = try numbers(c.value("values") ?? .none, c.interp, what: "bar: value")
            guard names.count == values.count else {
                throw RuntimeError("bar: \(names.count) names but \(values.count) values")
            }
            return .object(FigureObject(BarFigure(title: try c.string("title"), names: names, values: values)))
        }
    }

    /// Matrices drawn as cells (heatmap) or as a greyscale image (show).
    static func registerMatrices(_ r: Registry) {
        r.function("heatmap", "matrix: tensor, rows: list? = nil, cols: list? = nil, title: string = \"\", "
                       + "annotate: bool = false",
                   returns: "Figure",
                   """
                   A 2-D tensor as coloured cells (attention weights, confusion counts, any matrix); \
                   signed values use blue–white–red, non-negative values white–blue.
                   """,
                   example: #"heatmap(tensor([[0.9, 0.1], [0.3, 0.7]]), rows: ["a", "b"], cols: ["x", "y"])"#) { c in
            let t = try c.tensor("matrix").toFloat()
            let m = t.rank == 1 ? try t.unsqueeze(0) : t
            guard m.rank == 2 else {
                throw RuntimeError("heatmap needs a 2-D tensor [rows, columns], found shape \(t.shape)")
            }
            guard m.count <= 250_000 else {
                throw RuntimeError("heatmap: \(m.count) cells is too many to draw (at most 250000)")
            }
            let rows = try c.optionalTexts("rows") ?? [], cols = try c.optionalTexts("cols") ?? []
            if !rows.isEmpty && rows.count != m.shape[0] {
                throw RuntimeError("heatmap: \(rows.count) row labels for \(m.shape[0]) rows")
            }
            if !cols.isEmpty && cols.count != m.shape[1] {
                throw RuntimeError("heatmap: \(cols.count) column labels for \(m.shape[1]) columns")
            }
            return .object(FigureObject(MatrixFigure(title: try c.string("title"), values: m.floats.map(Double.init),
                                                     rows: m.shape[0], cols: m.shape[1], rowLabels: rows,
                                                     colLabels: cols, annotate: try c.bool("annotate"))))
        }
        r.function("show", "image: tensor, title: string = \"\"", returns: "Figure",
                   "A small greyscale image ([H, W] or [1, H, W]), high values dark like ink.",
                   example: "show(eye(4))") { c in
            var t = try c.tensor("image").toFloat()
            if t.rank == 3 && t.shape[0] == 1 { t = try t.squeeze(0) }
            guard t.rank == 2 else {
                throw RuntimeError("show needs an image [height, width] or [1, height, width], found shape \(t.shape)")
            }
            guard t.count <= 65_536 else {
                throw RuntimeError("show: a \(t.shape[0])×\(t.shape[1]) image is too large to draw (at most 256×256)")
            }
            return .object(FigureObject(ImageFigure(title: try c.string("title"), pixels: t.floats.map(Double.init),
                                                    rows: t.shape[0], cols: t.shape[1])))
        }
    }
}
