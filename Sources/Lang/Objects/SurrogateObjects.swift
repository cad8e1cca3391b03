import Explain
import Foundation
import Pictures

/// A fitted surrogate decision tree.
public final class TreeObject: HostObject {
    let tree: SurrogateTree
    init(_ t: SurrogateTree) { tree = t }
    public var typeName: String { "SurrogateTree" }
    public var summary: String {
        String(format: "surrogate tree · depth ≤ %d · fidelity %.3f on %d rows",
               tree.depth, tree.fidelity, tree.rows)
    }
    public var display: String {
        var lines = [summary, tree.rules, "feature importance (Gini):"]
        let order = tree.importances.indices.filter { tree.importances[$0] > 0 }
            .sorted { tree.importances[$0] > tree.importances[$1] }
        lines += BarChart.terminal(names: order.map { tree.featureNames[$0] },
                                   values: order.map { tree.importances[$0] }, width: 72, limit: 8)
        return lines.joined(separator: "\n")
    }
    public var propertyNames: [String] { ["fidelity", "rules", "importances", "depth"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "fidelity": return .float(tree.fidelity)
        case "rules": return .string(tree.rules)
        case "importances": return .dict(DictBox(zip(tree.featureNames, tree.importances).map { ($0.0, .float($0.1)) }))
        case "depth": return .int(tree.depth)
        default: return nil
        }
    }
}

/// A fitted linear surrogate.
public final class LinearSurrogateObject: HostObject {
    let fit: LinearSurrogate
    init(_ f: LinearSurrogate) { fit = f }
    public var typeName: String { "LinearSurrogate" }
    public var summary: String {
        String(format: "linear surrogate · R² %.3f · intercept %.4f", fit.r2, fit.intercept)
    }
    public var display: String {
        ([summary, "coefficients (on the rows' scale):"]
            + BarChart.terminal(names: fit.featureNames, values: fit.coefficients, width: 72, limit: 10))
            .joined(separator: "\n")
    }
    public var propertyNames: [String] { ["r2", "intercept", "coefficients"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "r2": return .float(fit.r2)
        case "intercept": return .float(fit.intercept)
        case "coefficients": return .dict(DictBox(zip(fit.featureNames, fit.coefficients).map { ($0.0, .float($0.1)) }))
        default: return nil
        }
    }
}
