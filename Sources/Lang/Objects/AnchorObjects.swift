import Explain
import Foundation
import Pictures

/// An anchor rule with its precision and coverage.
public final class AnchorObject: ExportableResult {
    let anchor: Anchor
    init(_ a: Anchor) { anchor = a }
    public var typeName: String { "Anchor" }
    public var summary: String {
        String(format: "anchor · %@ · precision %.3f · coverage %.3f", anchor.rule, anchor.precision,
               anchor.coverage)
    }
    var coverageMeaning: String {
        anchor.kind == .text ? "share of perturbed texts (each other word removed with probability 0.5) that keep "
            + "the rule's words" : "share of the training rows the rule applies to"
    }
    var verdict: String {
        let a = anchor
        if !a.success {
            return String(format: "verdict: no rule reached precision %.2f; this is the most precise one found — the "
                          + "decision hangs on more than a few conditions", a.threshold)
        }
        if a.conditions.isEmpty {
            return "verdict: the model decides \(a.className) almost whatever the input is: no condition is needed"
        }
        let which = a.conditions.count == 1 ? "this condition holds" : "these \(a.conditions.count) conditions hold"
        return String(format: "verdict: while %@, the model says %@ in %.1f%% of cases; the rule covers %.0f%% of "
                      + "inputs", which, a.className, a.precision * 100, a.coverage * 100)
    }
    public var display: String {
        let a = anchor
        var lines = [a.rule,
                     String(format: "  precision %.3f  (higher is better: share of perturbed inputs that keep the "
                            + "rule and get the same decision; threshold %@)", a.precision, SVG.label(a.threshold)),
                     String(format: "  coverage  %.3f  (higher is better: %@)", a.coverage, coverageMeaning)]
        if !a.conditions.isEmpty {
            lines.append("  as conditions were added:")
            let width = a.conditions.map { TextWidth.of($0) }.max() ?? 0
            for (i, c) in a.conditions.enumerated() {
                lines.append("    " + (i == 0 ? "  " : "+ ") + TextWidth.pad(c, to: width)
                             + String(format: "  precision %.3f  coverage %.3f", a.steps[i].precision,
                                      a.steps[i].coverage))
            }
        }
        lines.append("  \(a.samples) perturbed inputs classified · beam \(a.settings.beam) · seed \(a.seed)")
        lines.append("  " + verdict)
        return lines.joined(separator: "\n")
    }
    public var json: String {
        let a = anchor
        var f = JSONFields()
        f.add("rule", a.rule)
        f.add("conditions", a.conditions)
        f.add("class", a.target)
        f.add("class_name", a.className)
        f.add("precision", a.precision)
        f.add("coverage", a.coverage)
        f.add("success", a.success)
        f.add("threshold", a.threshold)
        f.add("step_precision", a.steps.map(\.precision))
        f.add("step_coverage", a.steps.map(\.coverage))
        f.add("samples", a.samples)
        f.add("beam", a.settings.beam)
        f.add("seed", Int(truncatingIfNeeded: a.seed))
        return f.text()
    }
    /// Precision after each condition, as bars.
    public var figureHTML: String {
        let a = anchor
        let chart = a.conditions.isEmpty ? "" : BarChart.svg(names: a.conditions.enumerated().map {
            ($0.offset == 0 ? "" : "+ ") + $0.element
        }, values: a.steps.map(\.precision)) + "\n"
        return "<figure class=\"xai-figure\">\n" + chart + "<figcaption>\(SVG.esc(a.rule)) — "
            + String(format: "precision %.3f, coverage %.3f", a.precision, a.coverage)
            + " (bars: precision after each condition)</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] {
        ["rule", "conditions", "precision", "coverage", "success", "class", "class_name", "samples"]
    }
    public func property(_ name: String) throws -> Value? {
        let a = anchor
        switch name {
        case "rule": return .string(a.rule)
        case "conditions": return .list(a.conditions.map { .string($0) })
        case "precision": return .float(a.precision)
        case "coverage": return .float(a.coverage)
        case "success": return .bool(a.success)
        case "class": return .int(a.target)
        case "class_name": return .string(a.className)
        case "samples": return .int(a.samples)
        default: return nil
        }
    }
}
