import Foundation
import Pictures

/// The answer of fill_mask: for each [MASK], the most probable words.
public final class FillMaskObject: HostObject, FigureProviding {
    let text: String
    let slots: [[(token: String, probability: Double)]]
    init(text: String, slots: [[(token: String, probability: Double)]]) { self.text = text; self.slots = slots }
    public var typeName: String { "FillMask" }
    public var summary: String {
        slots.map { s in s.map { String(format: "%@ %.3f", $0.token, $0.probability) }.joined(separator: ", ") }
            .joined(separator: " | ")
    }
    public var display: String {
        var lines = [text]
        for (i, s) in slots.enumerated() {
            if slots.count > 1 { lines.append("[MASK] #\(i + 1)") }
            lines += BarChart.terminal(names: s.map(\.token), values: s.map(\.probability), mode: Palette.mode,
                                       width: TerminalSize.chartWidth)
        }
        return lines.joined(separator: "\n")
    }
    public var figureHTML: String {
        slots.map { s in
            "<figure class=\"xai-figure\">\n\(BarChart.svg(names: s.map(\.token), values: s.map(\.probability)))\n"
                + "<figcaption>\(SVG.esc(text)): probability of each word at [MASK]</figcaption>\n</figure>\n"
        }.joined()
    }
    public var propertyNames: [String] { ["tokens", "probabilities", "best"] }
    public func property(_ name: String) throws -> Value? {
        func each(_ f: ([(token: String, probability: Double)]) -> Value) -> Value {
            slots.count == 1 ? f(slots[0]) : .list(slots.map(f))
        }
        switch name {
        case "tokens": return each { .list($0.map { .string($0.token) }) }
        case "probabilities": return each { .list($0.map { .float($0.probability) }) }
        case "best": return each { .string($0.first?.token ?? "") }
        default: return nil
        }
    }
}
