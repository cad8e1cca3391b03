import Foundation
import Tensors

/// A curve of the model's score as units are removed (deletion) or added (insertion) in the
/// order an explanation ranks them.
public struct PerturbationCurve {
    public let kind: String
    /// Fraction of units removed/added at each point, 0…1.
    public let fractions: [Double]
    public let scores: [Double]
    /// Area under the curve (trapezoid over the fractions): low is good for deletion, high for insertion.
    public var auc: Double { PerturbationCurve.trapezoid(scores) }

    /// Trapezoid area under y over evenly spaced points on [0, 1].
    static func trapezoid(_ y: [Double]) -> Double {
        guard y.count > 1 else { return y.first ?? 0 }
        var s = 0.0
        for i in 1..<y.count { s += (y[i - 1] + y[i]) / 2 }
        return s / Double(y.count - 1)
    }
}

extension ExplanationMetrics {
    /// Removes (deletion) or keeps (insertion) the top-ranked units, `steps` points from 0
    /// to all units. Removal means what the explainee's game means: the baseline, the
    /// background rows, or `<pad>`.
    public static func curve(_ e: Explanation, insertion: Bool, steps: Int? = nil) throws -> PerturbationCurve {
        try e.requireInputUnits(insertion ? "the insertion curve" : "the deletion curve")
        let n = e.units.count
        guard n > 0 else { throw TensorError.value("the explanation has no units") }
        let order = e.ranking()
        let points = min(n, max(1, steps ?? n))
        var ks: [Int] = []
        for i in 0...points { ks.append(Int((Double(i) * Double(n) / Double(points)).rounded())) }
        let masks = ks.map { k -> [Bool] in
            var m = [Bool](repeating: !insertion, count: n)
            for u in order.prefix(k) { m[u] = insertion }
            return m
        }
        let v = try e.subject.values(masks)
        let fractions = ks.map { Double($0) / Double(n) }
        return PerturbationCurve(kind: insertion ? "insertion" : "deletion", fractions: fractions, scores: v)
    }
}
