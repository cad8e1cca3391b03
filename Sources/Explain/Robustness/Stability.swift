import Foundation
import Tensors

/// How far an explanation's ranking survives small Gaussian noise on the input: the same
/// method re-explains x + N(0, σ²) with σ = `noise` × the input's range, and each noisy
/// explanation is compared with the original by Spearman's rank correlation and by the
/// overlap of the top-k units (as `compare` does).
public struct Stability {
    public let method: String
    public let noise: Double
    /// σ in input units: noise × the input's range.
    public let sigma: Double
    public let k: Int
    public let seed: UInt64
    public let spearman: [Double]
    public let topK: [Double]
    public var samples: Int { spearman.count }
    public var meanSpearman: Double { Stability.mean(spearman) }
    public var worstSpearman: Double { spearman.filter(\.isFinite).min() ?? .nan }
    public var meanTopK: Double { Stability.mean(topK) }
    public var worstTopK: Double { topK.min() ?? .nan }
    static func mean(_ v: [Double]) -> Double {
        let f = v.filter(\.isFinite)
        return f.isEmpty ? .nan : f.reduce(0, +) / Double(f.count)
    }
    public static let meaning = "higher is better: how well the ranking of units survives small input noise "
        + "(1 = unchanged)"
}

extension ExplanationMetrics {
    public static func stability(_ e: Explanation, noise: Double = 0.05, samples: Int = 10, k: Int = 5,
                                 seed: UInt64 = 0) throws -> Stability {
        let r = try reexplainable(e, "stability")
        try checkPositive(noise, "noise", "stability", " (a fraction of the input's range)")
        try checkSamples(samples, "stability")
        try checkTopK(k, "stability")
        let sigma = noise * range(e.subject.input)
        var g = RandomGenerator(seed: seed)
        let x = e.subject.input.floats
        var rho: [Double] = [], overlap: [Double] = []
        var kk = k
        for _ in 0..<samples {
            try Interruption.check()
            let point = x.map { $0 + Float(g.normal() * sigma) }
            let c = try compare(e, try reexplain(e, r, at: point), k: k)
            rho.append(c.spearman); overlap.append(c.topK); kk = c.k
        }
        return Stability(method: e.method, noise: noise, sigma: sigma, k: kk, seed: seed, spearman: rho,
                         topK: overlap)
    }
}
