import Foundation
import Tensors

/// Measures of explanations: how far two agree; with the deletion and insertion curves,
/// faithfulness and the randomisation sanity check in the files named after them.
public enum ExplanationMetrics {
    /// Rank agreement of two explanations of the same units.
    public static func compare(_ a: Explanation, _ b: Explanation,
                               k: Int = 5) throws -> (spearman: Double, topK: Double, k: Int) {
        guard a.units == b.units else {
            throw TensorError.value("compare() needs explanations of the same input: "
                                    + "\(a.units.count) and \(b.units.count) units differ")
        }
        let kk = max(1, min(k, a.units.count))
        let ta = Set(a.ranking(byMagnitude: true).prefix(kk)), tb = Set(b.ranking(byMagnitude: true).prefix(kk))
        return (Correlation.spearman(a.scores, b.scores), Double(ta.intersection(tb).count) / Double(kk), kk)
    }

    /// Spearman correlation of attribution magnitudes.
    public static func rankCorrelation(_ a: [Double], _ b: [Double]) -> Double {
        Correlation.spearman(a.map(abs), b.map(abs))
    }
}
