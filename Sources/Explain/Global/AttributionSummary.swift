import Foundation
import Tensors

/// Attributions of every row of a table: one score per row and feature, with the rows
/// themselves (to colour each dot by its feature's value), each row's prediction and the
/// value its attributions are measured from. shap's summary (beeswarm) plot draws this.
public struct AttributionSummary {
    public let method: String
    public var settings: [(String, String)]
    public let featureNames: [String]
    public let rows: Int
    public let features: Int
    /// Row-major [rows, features]: attribution of feature j to row i's score.
    public let values: [Double]
    /// Row-major [rows, features]: the rows explained.
    public let inputs: [Double]
    /// f(row) and the base value of each row's attributions (nil when a method has none).
    public let predictions: [Double]
    public let baseValues: [Double?]
    public let target: Int
    public let targetName: String
    public let outputDescription: String

    public init(method: String, settings: [(String, String)], featureNames: [String], rows: Int, features: Int,
                values: [Double], inputs: [Double], predictions: [Double], baseValues: [Double?], target: Int,
                targetName: String, outputDescription: String) {
        self.method = method; self.settings = settings; self.featureNames = featureNames
        self.rows = rows; self.features = features; self.values = values; self.inputs = inputs
        self.predictions = predictions; self.baseValues = baseValues; self.target = target
        self.targetName = targetName; self.outputDescription = outputDescription
    }

    /// Row i's attributions.
    public func row(_ i: Int) -> [Double] { Array(values[i * features..<(i + 1) * features]) }
    /// Feature j's attributions over the rows, and its values.
    public func column(_ j: Int) -> [Double] { (0..<rows).map { values[$0 * features + j] } }
    public func featureValues(_ j: Int) -> [Double] { (0..<rows).map { inputs[$0 * features + j] } }

    /// Mean |attribution| per feature: how much each feature moves predictions on average.
    public var meanAbs: [Double] {
        var m = [Double](repeating: 0, count: features)
        for i in 0..<rows { for j in 0..<features { m[j] += abs(values[i * features + j]) } }
        return m.map { $0 / Double(max(rows, 1)) }
    }

    /// Features from the largest mean |attribution| to the smallest (ties by position).
    public var order: [Int] {
        let m = meanAbs
        return m.indices.sorted { m[$0] != m[$1] ? m[$0] > m[$1] : $0 < $1 }
    }

    /// The index of a feature by name.
    public func feature(named name: String) throws -> Int {
        guard let j = featureNames.firstIndex(of: name) else {
            let near = featureNames.filter { $0.lowercased().contains(name.lowercased()) }.prefix(3)
            throw TensorError.value("no feature named \"\(name)\"" + (near.isEmpty ? ""
                : "; did you mean " + near.map { "\"\($0)\"" }.joined(separator: ", ") + "?"))
        }
        return j
    }

    /// The feature that, coloured by, spreads feature j's attributions the most at equal
    /// values of j (shap's approximate_interactions, simplified): the largest |correlation|
    /// between another feature and the residual of j's attributions from a binned mean.
    public func strongestInteraction(with j: Int) -> Int? {
        guard features > 1, rows > 2 else { return nil }
        let x = featureValues(j), y = column(j)
        let order = x.indices.sorted { x[$0] < x[$1] }
        let bins = max(1, min(10, rows / 10))
        var residual = [Double](repeating: 0, count: rows)
        for b in 0..<bins {
            let part = order[b * rows / bins..<(b + 1) * rows / bins]
            let mean = part.reduce(0.0) { $0 + y[$1] } / Double(max(part.count, 1))
            for i in part { residual[i] = y[i] - mean }
        }
        var best: (Int, Double)?
        for k in 0..<features where k != j {
            let c = abs(Correlation.pearson(featureValues(k), residual))
            if c.isFinite, c > (best?.1 ?? -1) { best = (k, c) }
        }
        return best?.0
    }
}
