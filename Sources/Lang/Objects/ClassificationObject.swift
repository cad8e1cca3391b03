import Foundation
import Pictures

/// What a pretrained classifier says of a text (classify()): the class and the probability of each.
public final class ClassificationObject: HostObject, FigureProviding {
    let text: String
    let labels: [String]
    let logits: [Double]
    let probabilities: [Double]
    init(text: String, labels: [String], logits: [Double], probabilities: [Double]) {
        self.text = text
        self.labels = labels
        self.logits = logits
        self.probabilities = probabilities
    }

    var best: Int { probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0 }
    public var typeName: String { "Classification" }
    public var summary: String { String(format: "%@ %.3f", labels[best], probabilities[best]) }
    public var display: String {
        ([text] + BarChart.terminal(names: labels, values: probabilities, mode: Palette.mode,
                                    width: TerminalSize.chartWidth)).joined(separator: "\n")
    }
    public var figureHTML: String {
        "<figure class=\"xai-figure\">\n\(BarChart.svg(names: labels, values: probabilities))\n"
            + "<figcaption>\(SVG.esc(text)): probability of each class</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] { ["label", "class", "probabilities", "logits", "labels"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "label": return .string(labels[best])
        case "class": return .int(best)
        case "probabilities": return .list(probabilities.map { .float($0) })
        case "logits": return .list(logits.map { .float($0) })
        case "labels": return .list(labels.map { .string($0) })
        default: return nil
        }
    }
}
