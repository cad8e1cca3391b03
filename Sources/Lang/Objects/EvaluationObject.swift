import Foundation
import Pictures
import Training

/// evaluate()'s result: the scores in one line, and the confusion matrix below them.
public final class EvaluationObject: HostObject {
    public let evaluation: Evaluation
    let classNames: [String]
    init(_ e: Evaluation, classNames: [String]) { evaluation = e; self.classNames = classNames }
    public var typeName: String { "Evaluation" }
    public var summary: String {
        let e = evaluation
        return String(format: "accuracy %.3f · precision %.3f · recall %.3f · f1 %.3f",
                      e.accuracy, e.precision, e.recall, e.f1)
            + (e.rocAUC.map { String(format: " · roc_auc %.3f", $0) } ?? "") + " · \(e.rows) rows"
    }
    public var display: String {
        let c = evaluation.confusion
        let names = (0..<c.count).map { $0 < classNames.count ? classNames[$0] : String($0) }
        let w = max(8, (names.map(TextWidth.of).max() ?? 0) + 1)
        var lines = [summary, "confusion (rows: true, columns: predicted)",
                     String(repeating: " ", count: w) + names.map { TextWidth.pad($0, to: w) }.joined()]
        for (i, row) in c.enumerated() {
            lines.append(TextWidth.pad(names[i], to: w) + row.map { TextWidth.pad(String($0), to: w) }.joined())
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }
    public var propertyNames: [String] {
        ["accuracy", "precision", "recall", "f1", "roc_auc", "loss", "confusion", "rows"]
    }
    public func property(_ name: String) throws -> Value? {
        let e = evaluation
        switch name {
        case "accuracy": return .float(e.accuracy)
        case "precision": return .float(e.precision)
        case "recall": return .float(e.recall)
        case "f1": return .float(e.f1)
        case "roc_auc": return e.rocAUC.map { .float($0) } ?? Value.none
        case "loss": return .float(e.loss)
        case "rows": return .int(e.rows)
        case "confusion": return .list(e.confusion.map { .list($0.map { .int($0) }) })
        default: return nil
        }
    }
}
