import Foundation
import Tensors

/// How concentrated an explanation is, from the magnitudes of its scores per unit, as
/// Quantus measures it: complexity is the entropy of |a| / Σ|a| (Bhatt et al. 2020; 0 when one
/// unit carries everything, log n when all carry the same), sparseness the Gini index of |a|
/// (Chalasani et al. 2020; near 1 for one unit, 0 for equal shares), and the effective number
/// of units exp(entropy).
public struct Simplicity {
    public let method: String
    public let units: Int
    public let complexity: Double
    public let sparseness: Double
    public var effectiveUnits: Double { exp(complexity) }
    public static let complexityMeaning = "lower is simpler: entropy of the attribution's share per unit "
        + "(0 = one unit, log n = all equal)"
    public static let sparsenessMeaning = "higher is sparser: Gini index of |attributions| (near 1 = one unit, "
        + "0 = all equal)"
    public static let effectiveMeaning = "how many units effectively carry the attribution: exp(complexity)"
}

extension ExplanationMetrics {
    /// Quantus's entropy of |a| normalised to a distribution (natural logarithm, 0 · log 0 = 0).
    public static func entropy(_ scores: [Double]) -> Double {
        let total = scores.reduce(0) { $0 + abs($1) }
        guard total > 0 else { return .nan }
        var h = 0.0
        for v in scores where v != 0 {
            let p = abs(v) / total
            h -= p * log(p)
        }
        return max(0, h)
    }

    /// Quantus's Gini index of |a|: ascending magnitudes a_i (each + 1e-7, as Quantus adds),
    /// Σ (2i − n − 1) a_i / (n Σ a_i).
    public static func gini(_ scores: [Double]) -> Double {
        let a = scores.map { abs($0) + 1e-7 }.sorted()
        let n = Double(a.count)
        guard !a.isEmpty else { return .nan }
        var num = 0.0
        for (i, v) in a.enumerated() { num += (2 * Double(i + 1) - n - 1) * v }
        return num / (n * a.reduce(0, +))
    }

    public static func simplicity(_ e: Explanation) throws -> Simplicity {
        guard !e.scores.isEmpty else { throw TensorError.value("simplicity: the explanation has no units") }
        guard e.scores.allSatisfy(\.isFinite) else {
            throw TensorError.value("simplicity: the explanation has scores that are not finite numbers")
        }
        guard e.scores.contains(where: { $0 != 0 }) else {
            throw TensorError.value("simplicity: every score of the \(e.method) explanation is 0, so it has no "
                                    + "distribution over units to measure")
        }
        return Simplicity(method: e.method, units: e.scores.count, complexity: entropy(e.scores),
                          sparseness: gini(e.scores))
    }
}
