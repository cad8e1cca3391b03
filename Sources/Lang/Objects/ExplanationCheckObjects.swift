import Explain
import Foundation
import Pictures

/// ERASER's comprehensiveness and sufficiency of one explanation, per fraction of units, as a
/// table. Indexing by name (`f["aopc_sufficiency"]`) reads the same values as the properties.
public final class FaithfulnessObject: HostObject {
    public let faithfulness: Faithfulness
    let method: String
    init(_ f: Faithfulness, method: String) { faithfulness = f; self.method = method }
    public var typeName: String { "Faithfulness" }
    public var summary: String {
        String(format: "faithfulness of %@ · AOPC comprehensiveness %.4f (higher is better) · "
                   + "AOPC sufficiency %.4f (lower is better)",
               method, faithfulness.aopcComprehensiveness, faithfulness.aopcSufficiency)
    }
    public var display: String {
        let f = faithfulness
        var lines = [summary, "  top units   comprehensiveness   sufficiency"]
        for (i, fraction) in f.fractions.enumerated() {
            let share = TextWidth.padLeft(SVG.label(fraction * 100) + "%", to: 9)
            lines.append("  " + share + String(format: "   %17.4f   %11.4f", f.comprehensiveness[i], f.sufficiency[i]))
        }
        return lines.joined(separator: "\n")
    }
    public var propertyNames: [String] {
        ["fractions", "comprehensiveness", "sufficiency", "aopc_comprehensiveness", "aopc_sufficiency"]
    }
    public func property(_ name: String) throws -> Value? {
        let f = faithfulness
        switch name {
        case "fractions": return .list(f.fractions.map { .float($0) })
        case "comprehensiveness": return .list(f.comprehensiveness.map { .float($0) })
        case "sufficiency": return .list(f.sufficiency.map { .float($0) })
        case "aopc_comprehensiveness": return .float(f.aopcComprehensiveness)
        case "aopc_sufficiency": return .float(f.aopcSufficiency)
        case "__getitem__":
            return .function(NativeFunction(name: "Faithfulness[]") { [self] _, args in
                let key = args.positional.first ?? .none
                guard case .string(let name) = key, name != "__getitem__", let v = try self.property(name) else {
                    throw RuntimeError("Faithfulness has the keys \(self.propertyNames.joined(separator: ", ")), "
                        + "found \(key.repr)")
                }
                return v
            })
        default: return nil
        }
    }
}

/// A deletion or insertion curve.
public final class CurveObject: HostObject {
    public let curve: PerturbationCurve
    init(_ c: PerturbationCurve) { curve = c }
    public var typeName: String { "Curve" }
    public var summary: String {
        String(format: "%@ curve · %d points · AUC %.4f", curve.kind, curve.scores.count, curve.auc)
    }
    public var display: String {
        // A small chart: one row per point, a bar for the score relative to the range.
        let lo = min(0, curve.scores.min() ?? 0), hi = max(lo + 1e-12, curve.scores.max() ?? 1)
        var lines = [summary + (curve.kind == "deletion" ? " (lower is better: the score falls fast)"
                                                         : " (higher is better: the score rises fast)")]
        let step = max(1, curve.scores.count / 12)
        for i in stride(from: 0, to: curve.scores.count, by: step) {
            let n = Int(roundedClamping: (curve.scores[i] - lo) / (hi - lo) * 30)
            let bar = String(repeating: "█", count: min(30, max(0, n)))
                .padding(toLength: 30, withPad: " ", startingAt: 0)
            lines.append(String(format: "  %3.0f%%  %@ %.4f", curve.fractions[i] * 100, bar, curve.scores[i]))
        }
        return lines.joined(separator: "\n")
    }
    public var propertyNames: [String] { ["auc", "fractions", "scores", "kind"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "auc": return .float(curve.auc)
        case "fractions": return .list(curve.fractions.map { .float($0) })
        case "scores": return .list(curve.scores.map { .float($0) })
        case "kind": return .string(curve.kind)
        default: return nil
        }
    }
}

/// The randomisation sanity check's result.
public final class SanityObject: HostObject {
    let original: Explanation
    let steps: [SanityStep]
    init(_ original: Explanation, _ steps: [SanityStep]) { self.original = original; self.steps = steps }
    public var typeName: String { "SanityCheck" }
    public var summary: String {
        "model randomisation check of \(original.method) · \(steps.count) layers · final rank correlation "
            + String(format: "%.3f", steps.last?.spearman ?? .nan)
    }
    public var display: String {
        var lines = [summary, "  layers randomised (output side first)   Spearman(|original|, |randomised|)"]
        var names: [String] = []
        for s in steps {
            names.append(s.layer)
            let width = Int(roundedClamping: abs(s.spearman.isFinite ? s.spearman : 0) * 20)
            let bar = String(repeating: "█", count: max(0, width))
            lines.append("  + " + s.layer.padding(toLength: 36, withPad: " ", startingAt: 0)
                + String(format: "%+.3f  ", s.spearman) + bar)
        }
        lines.append("  an explanation that tracks the model falls toward 0; one that stays near 1 explains the input, "
            + "not the model")
        return lines.joined(separator: "\n")
    }
    public var propertyNames: [String] { ["layers", "spearman", "original"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "layers": return .list(steps.map { .string($0.layer) })
        case "spearman": return .list(steps.map { .float($0.spearman) })
        case "original": return .object(ExplanationObject(original))
        default: return nil
        }
    }
}
