import Foundation
import Tensors

/// ERASER's faithfulness measures (DeYoung et al. 2020) at one or more rationale sizes.
public struct Faithfulness {
    /// Fractions of units in the rationale (ERASER's bins by default: 1, 5, 10, 20, 50%).
    public let fractions: [Double]
    /// f(x) − f(x without the top units): high means the explanation found what mattered.
    public let comprehensiveness: [Double]
    /// f(x) − f(only the top units): low means those units suffice.
    public let sufficiency: [Double]
    /// AOPC: the mean over the bins.
    public var aopcComprehensiveness: Double {
        comprehensiveness.reduce(0, +) / Double(max(1, comprehensiveness.count))
    }
    public var aopcSufficiency: Double { sufficiency.reduce(0, +) / Double(max(1, sufficiency.count)) }
}

extension ExplanationMetrics {
    public static func faithfulness(_ e: Explanation,
                                    fractions: [Double] = [0.01, 0.05, 0.1, 0.2, 0.5]) throws -> Faithfulness {
        try e.requireInputUnits("faithfulness")
        let n = e.units.count
        guard n > 0 else { throw TensorError.value("the explanation has no units") }
        for f in fractions where !(f > 0 && f <= 1) {
            throw TensorError.value("rationale fractions must be in (0, 1], found \(f)")
        }
        let order = e.ranking()
        var masks: [[Bool]] = []
        for f in fractions {
            let k = max(1, Int((f * Double(n)).rounded(.up)))
            var without = [Bool](repeating: true, count: n), only = [Bool](repeating: false, count: n)
            for u in order.prefix(k) { without[u] = false; only[u] = true }
            masks += [without, only]
        }
        let v = try e.subject.values(masks + [[Bool](repeating: true, count: n)])
        let fx = v[v.count - 1]
        return Faithfulness(fractions: fractions,
                            comprehensiveness: fractions.indices.map { fx - v[2 * $0] },
                            sufficiency: fractions.indices.map { fx - v[2 * $0 + 1] })
    }
}
