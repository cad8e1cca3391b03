import Explain
import Foundation
import Pictures
import Tensors

/// An explanation as a language value: shown as a picture, with its numbers as properties.
public final class ExplanationObject: HostObject {
    public let explanation: Explanation
    init(_ e: Explanation) { explanation = e }
    public var typeName: String { "Explanation" }
    public var summary: String {
        let e = explanation
        let top = e.top(3).map { "\($0.0) \(String(format: "%+.3f", $0.1))" }.joined(separator: ", ")
        return "\(e.method) of \(e.subject.model.module.typeName) for \(e.subject.targetName) · "
            + "\(e.units.count) \(unitWord) · top: \(top)"
    }
    var unitWord: String {
        switch explanation.kind {
        case .text: return "tokens"
        case .tabular: return "features"
        case .image: return explanation.subject.patch > 1 ? "patches" : "pixels"
        }
    }
    public var display: String { TerminalView.render(explanation, width: TerminalSize.chartWidth) }
    public var propertyNames: [String] {
        ["method", "scores", "units", "target", "prediction", "base_value", "checks", "settings", "raw", "delta",
         "kind"]
    }
    public func property(_ name: String) throws -> Value? {
        let e = explanation
        switch name {
        case "method": return .string(e.method)
        case "scores": return .tensor(Tensor(e.scores.map(Float.init)))
        case "units": return .list(e.units.map { .string($0) })
        case "target": return e.subject.target.map { .int($0) } ?? Value.none
        case "prediction": return .float(e.prediction)
        case "base_value": return e.baseValue.map { .float($0) } ?? Value.none
        case "checks": return .dict(DictBox(e.checks.map { ($0.name, .float($0.value)) }))
        case "settings": return .dict(DictBox(e.settings.map { ($0.0, .string($0.1)) }))
        case "raw": return e.raw.map { .tensor($0) } ?? Value.none
        case "delta":
            return (e.check("convergence delta") ?? e.check("efficiency gap")).map { .float($0) } ?? Value.none
        case "kind": return .string(e.kind.rawValue)
        default: return nil
        }
    }
}
