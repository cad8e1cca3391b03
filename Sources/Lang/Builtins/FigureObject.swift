import Explain
import Foundation
import Pictures
import Training

/// A value that notebooks draw as a figure (SVG or an HTML <figure>).
public protocol FigureProviding {
    var figureHTML: String { get }
}

/// A value with its own line chart (training records of language models), which plot() draws.
protocol LineChartProviding {
    var chart: LineChart { get }
}

/// A chart, matrix or image as a language value: drawn in the terminal when shown, and as
/// SVG in exported notebooks.
public final class FigureObject: HostObject, FigureProviding {
    public let figure: Figure
    init(_ f: Figure) { figure = f }
    public var typeName: String { "Figure" }
    public var summary: String { "figure" + (figure.title.isEmpty ? "" : ": \(figure.title)") }
    public var display: String { figure.terminal(width: TerminalSize.chartWidth, mode: Palette.mode) }
    public var figureHTML: String { "<figure class=\"xai-figure\">\n\(figure.svg())\n</figure>\n" }
    public var propertyNames: [String] { ["title", "svg"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "title": return .string(figure.title)
        case "svg": return .string(figure.svg())
        default: return nil
        }
    }
}

extension ExplanationObject: FigureProviding {
    public var figureHTML: String { Export.html(explanation) }
}

extension HistoryObject: FigureProviding {
    public var figureHTML: String {
        "<figure class=\"xai-figure\">\n\(PlotBuiltins.historyChart(history, metric: "loss").svg())\n</figure>\n"
    }
}

extension CurveObject: FigureProviding {
    public var figureHTML: String {
        "<figure class=\"xai-figure\">\n\(PlotBuiltins.curveChart(curve).svg())\n</figure>\n"
    }
}

extension EvaluationObject: FigureProviding {
    /// The confusion matrix drawn, with the metrics as its caption.
    public var figureHTML: String {
        "<figure class=\"xai-figure\">\n\(confusionFigure.svg())\n"
            + "<figcaption>\(SVG.esc(summary))</figcaption>\n</figure>\n"
    }
    var confusionFigure: MatrixFigure {
        let c = evaluation.confusion
        let names = (0..<c.count).map { $0 < classNames.count ? classNames[$0] : String($0) }
        return MatrixFigure(title: "confusion: rows true, columns predicted", values: c.flatMap { $0.map(Double.init) },
                            rows: c.count, cols: c.count, rowLabels: names, colLabels: names,
                            annotate: true, integers: true)
    }
}
