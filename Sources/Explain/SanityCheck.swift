import Foundation
import Layers
import Tensors
import Training

/// One step of the randomisation sanity check.
public struct SanityStep {
    public let layer: String
    /// Spearman rank correlation between |original| and |randomised| attributions.
    public let spearman: Double
    public let scores: [Double]
}

extension ExplanationMetrics {
    /// Model-parameter randomisation (Adebayo et al. 2018), cascading: re-initialise the
    /// layers from the output back to the input, one more at a time, and re-explain after
    /// each. An explanation that depends on what the model learned decorrelates; one that
    /// stays the same explains the input, not the model. Each parameter is redrawn from a
    /// normal with its original standard deviation (seeded); the model is restored after.
    public static func randomization(_ model: Model, input: RawInput, request: ExplainRequest, names: [String] = [],
                                     seed: UInt64 = 0) throws -> (original: Explanation, steps: [SanityStep]) {
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
                let squares = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
                var sd = (squares / Double(max(1, v.count))).squareRoot()
                if sd == 0 { sd = 0.1 }
                try p.value.updateValues { w in for i in 0..<w.count { w[i] = Float(g.normal() * sd) } }
            }
            let e = try Explainer.explain(Explainer.subject(model, input, request, names: names), request)
            steps.append(SanityStep(layer: name.isEmpty ? layer.typeName : "\(name) (\(layer.typeName))",
                                    spearman: rankCorrelation(original.scores, e.scores), scores: e.scores))
        }
        return (original, steps)
    }
}
