import Foundation
import Pictures
import Tensors

/// Every robustness and simplicity number of one explanation, as one table: each line the
/// metric's value, its plain meaning and a graded verdict. A metric the explanation cannot
/// have (text explained by removing words, say) keeps its error message instead.
public struct TrustReport {
    public struct Line {
        public let name: String
        public let value: Double?
        public let meaning: String
        public let grade: Grade?
        public let verdict: String
    }

    public let method: String
    public let lines: [Line]

    /// Goodness over the graded lines: all good, any poor, or in between.
    public var verdict: String {
        let graded = lines.filter { $0.grade != nil }
        let poor = graded.filter { $0.grade == .poor }.map(\.name)
        let fair = graded.filter { $0.grade == .fair }.map(\.name)
        let missing = lines.filter { $0.value == nil }.map(\.name)
        let notRun = missing.isEmpty ? "" : "; not run: " + missing.joined(separator: ", ")
        if graded.isEmpty { return "no graded check could be run on this explanation" + notRun }
        if !poor.isEmpty { return "be careful: \(poor.joined(separator: ", ")) read poorly" + notRun }
        if !fair.isEmpty { return "usable with care: \(fair.joined(separator: ", ")) only fair" + notRun }
        return (missing.isEmpty ? "trustworthy on these checks: every graded line reads well"
                                : "the checks that ran read well") + notRun
    }
}

extension ExplanationMetrics {
    static func line<T>(_ name: String, _ meaning: String, _ body: () throws -> T,
                        _ read: (T) -> (Double, (Grade, String)?, String)) -> TrustReport.Line {
        do {
            let (v, graded, note) = read(try body())
            return .init(name: name, value: v, meaning: meaning, grade: graded?.0, verdict: graded?.1 ?? note)
        } catch {
            return .init(name: name, value: nil, meaning: meaning, grade: nil, verdict: "not available: \(error)")
        }
    }

    public static func trust(_ e: Explanation, samples: Int = 10, radius: Double = 0.02, noise: Double = 0.05,
                             k: Int = 5, seed: UInt64 = 0) throws -> TrustReport {
        // Arguments are checked here, so that a wrong one is an error rather than a line "not available".
        try checkSamples(samples, "trust")
        try checkPositive(radius, "radius", "trust")
        try checkPositive(noise, "noise", "trust", " (a fraction of the input's range)")
        try checkTopK(k, "trust")
        let lines: [TrustReport.Line] = [
            line("comprehensiveness", "higher is better: score drop without the top units (AOPC)",
                 { try faithfulness(e) }, { ($0.aopcComprehensiveness, RobustnessVerdict.faithfulness($0), "") }),
            line("sufficiency", "lower is better: score drop with only the top units (AOPC)",
                 { try faithfulness(e) }, { ($0.aopcSufficiency, nil, "see comprehensiveness") }),
            line("sensitivity_max", Sensitivity.meaning,
                 { try sensitivityMax(e, radius: radius, samples: samples, seed: seed) },
                 { ($0.value, RobustnessVerdict.sensitivity($0.value), "") }),
            line("infidelity share", "lower is better: normalised infidelity as a share of the output's mean "
                    + "squared change under the noise",
                 { try infidelity(e, samples: max(100, samples), seed: seed, normalize: true) },
                 { ($0.unexplainedShare, RobustnessVerdict.infidelity($0.unexplainedShare), "") }),
            line("stability", "higher is better: mean Spearman correlation with explanations of noisy inputs",
                 { try stability(e, noise: noise, samples: samples, k: k, seed: seed) },
                 { ($0.meanSpearman, RobustnessVerdict.stability($0.meanSpearman), "") }),
            line("complexity", Simplicity.complexityMeaning, { try simplicity(e) },
                 { ($0.complexity, nil, RobustnessVerdict.simplicity($0)) }),
            line("sparseness", Simplicity.sparsenessMeaning, { try simplicity(e) },
                 { ($0.sparseness, nil, "Gini index of |attributions|") }),
        ]
        return TrustReport(method: e.method, lines: lines)
    }
}

extension Export {
    /// The explanation's picture alone, as inline SVG: tokens, bars or image.
    public static func pictureSVG(_ e: Explanation) -> String {
        switch e.kind {
        case .text: return tokenSVG(e)
        case .tabular: return BarChart.svg(names: e.units, values: e.scores)
        case .image: return imageSVG(e)
        }
    }
}
