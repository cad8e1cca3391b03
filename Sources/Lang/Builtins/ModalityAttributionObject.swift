import Explain
import Foundation
import Pictures
import Tensors

/// How much each view (modality) contributed: per row, and on average.
public final class ModalityAttributionObject: HostObject, FigureProviding {
    let result: ModalityAttribution.Result
    init(_ r: ModalityAttribution.Result) { result = r }
    public var typeName: String { "ModalityAttribution" }
    public var summary: String {
        "modality attribution · \(result.values.count) rows · "
            + zip(result.views, result.meanAbsolute).map { String(format: "%@ %.3f", $0, $1) }.joined(separator: ", ")
            + " (mean |contribution| to the \(result.target))"
    }
    var title: String {
        result.values.count == 1 ? "contribution of each view to the \(result.target)"
                                 : "mean |contribution| of each view to the \(result.target)"
    }
    var shown: [Double] { result.values.count == 1 ? result.values[0] : result.meanAbsolute }
    public var display: String {
        var lines = [title]
        lines += BarChart.terminal(names: result.views, values: shown, mode: Palette.mode,
                                   width: TerminalSize.chartWidth)
        if result.values.count == 1 {
            lines.append(String(format: "score %.4f = %.4f with every view at its mean + the contributions above",
                                result.full[0], result.empty[0]))
        }
        lines.append(String(format: "efficiency: contributions sum to f(x) − f(means) within %.1e",
                            result.efficiencyGap))
        return lines.joined(separator: "\n")
    }
    public var figureHTML: String {
        "<figure class=\"xai-figure\">\n\(BarChart.svg(names: result.views, values: shown))\n"
            + "<figcaption>\(SVG.esc(title))</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] { ["views", "values", "mean_abs", "share", "full", "empty"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "views": return .list(result.views.map { .string($0) })
        case "values":
            return .tensor(try Tensor(shape: [result.values.count, result.views.count],
                                      floats: result.values.flatMap { $0.map(Float.init) }))
        case "mean_abs": return .dict(DictBox(zip(result.views, result.meanAbsolute).map { ($0, .float($1)) }))
        case "share":
            // Each view's share of the total |contribution|, averaged over rows.
            let V = result.views.count
            var share = [Double](repeating: 0, count: V)
            for row in result.values {
                let t = row.reduce(0) { $0 + abs($1) }
                if t > 0 { for v in 0..<V { share[v] += abs(row[v]) / t / Double(result.values.count) } }
            }
            return .dict(DictBox(zip(result.views, share).map { ($0, .float($1)) }))
        case "full": return .list(result.full.map { .float($0) })
        case "empty": return .list(result.empty.map { .float($0) })
        default: return nil
        }
    }
}
