import Foundation
import Layers
import Tensors
import Training

/// A curve of the model's score as units are removed (deletion) or added (insertion) in the
/// order an explanation ranks them.
public struct PerturbationCurve {
    public let kind: String
    /// Fraction of units removed/added at each point, 0…1.
    public let fractions: [Double]
    public let scores: [Double]
    /// Area under the curve (trapezoid over the fractions): low is good for deletion, high for insertion.
    public var auc: Double { Stats.auc(scores) }
}

/// ERASER's faithfulness measures (DeYoung et al. 2020) at one or more rationale sizes.
public struct Faithfulness {
    /// Fractions of units in the rationale (ERASER's bins by default: 1, 5, 10, 20, 50%).
    public let fractions: [Double]
    /// f(x) − f(x without the top units): high means the explanation found what mattered.
    public let comprehensiveness: [Double]
    /// f(x) − f(only the top units): low means those units suffice.
    public let sufficiency: [Double]
    /// AOPC: the mean over the bins.
    public var aopcComprehensiveness: Double { comprehensiveness.reduce(0, +) / Double(max(1, comprehensiveness.count)) }
    public var aopcSufficiency: Double { sufficiency.reduce(0, +) / Double(max(1, sufficiency.count)) }
}

/// One step of the randomisation sanity check.
public struct SanityStep {
    public let layer: String
    /// Spearman rank correlation between |original| and |randomised| attributions.
    public let spearman: Double
    public let scores: [Double]
}

public enum ExplanationMetrics {
    /// Removes (deletion) or keeps (insertion) the top-ranked units, `steps` points from 0
    /// to all units. Removal means what the explainee's game means: the baseline, the
    /// background rows, or `<pad>`.
    public static func curve(_ e: Explanation, insertion: Bool, steps: Int? = nil) throws -> PerturbationCurve {
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
        return PerturbationCurve(kind: insertion ? "insertion" : "deletion", fractions: ks.map { Double($0) / Double(n) }, scores: v)
    }

    public static func faithfulness(_ e: Explanation, fractions: [Double] = [0.01, 0.05, 0.1, 0.2, 0.5]) throws -> Faithfulness {
        let n = e.units.count
        guard n > 0 else { throw TensorError.value("the explanation has no units") }
        for f in fractions where !(f > 0 && f <= 1) { throw TensorError.value("rationale fractions must be in (0, 1], found \(f)") }
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

    /// Rank agreement of two explanations of the same units.
    public static func compare(_ a: Explanation, _ b: Explanation, k: Int = 5) throws -> (spearman: Double, topK: Double, k: Int) {
        guard a.units == b.units else {
            throw TensorError.value("compare() needs explanations of the same input: \(a.units.count) and \(b.units.count) units differ")
        }
        let kk = max(1, min(k, a.units.count))
        let ta = Set(a.ranking(byMagnitude: true).prefix(kk)), tb = Set(b.ranking(byMagnitude: true).prefix(kk))
        return (Stats.spearman(a.scores, b.scores), Double(ta.intersection(tb).count) / Double(kk), kk)
    }

    /// Spearman correlation of attribution magnitudes.
    public static func rankCorrelation(_ a: [Double], _ b: [Double]) -> Double { Stats.spearman(a.map(abs), b.map(abs)) }

    /// Model-parameter randomisation (Adebayo et al. 2018), cascading: re-initialise the
    /// layers from the output back to the input, one more at a time, and re-explain after
    /// each. An explanation that depends on what the model learned decorrelates; one that
    /// stays the same explains the input, not the model. Each parameter is redrawn from a
    /// normal with its original standard deviation (seeded); the model is restored after.
    public static func randomization(_ model: Model, input: RawInput, request: ExplainRequest, names: [String] = [], seed: UInt64 = 0) throws -> (original: Explanation, steps: [SanityStep]) {
        let original = try Explainer.explain(Explainer.subject(model, input, request, names: names), request)
        let saved = model.module.stateDict()
        defer { try? model.module.loadStateDict(Dictionary(uniqueKeysWithValues: saved)) }
        // Layers that own parameters, output side first.
        let layers = model.module.modules().filter { !$0.1.ownParameters.isEmpty }.reversed()
        var g = RandomGenerator(seed: seed)
        var steps: [SanityStep] = []
        for (name, layer) in layers {
            try Interruption.check()
            for (_, p) in layer.ownParameters {
                let v = p.value.floats
                let mean = v.reduce(0.0) { $0 + Double($1) } / Double(max(1, v.count))
                var sd = (v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(1, v.count))).squareRoot()
                if sd == 0 { sd = 0.1 }
                try p.value.updateValues { w in for i in 0..<w.count { w[i] = Float(g.normal() * sd) } }
            }
            let e = try Explainer.explain(Explainer.subject(model, input, request, names: names), request)
            steps.append(SanityStep(layer: name.isEmpty ? layer.typeName : "\(name) (\(layer.typeName))", spearman: rankCorrelation(original.scores, e.scores), scores: e.scores))
        }
        return (original, steps)
    }
}
