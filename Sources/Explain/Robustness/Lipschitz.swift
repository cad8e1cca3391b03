import Foundation
import Tensors

/// Alvarez-Melis & Jaakkola's (2018) local Lipschitz estimate: the largest ratio
/// ‖e(x) − e(x′)‖ / ‖x − x′‖ (Euclidean norms) over points x′ drawn uniformly from the L∞ ball
/// of `radius` around x. The authors maximise the ratio by optimisation; random sampling gives
/// a lower bound that rises with the number of samples.
public struct LipschitzEstimate {
    public let method: String
    public let radius: Double
    public let seed: UInt64
    /// ‖e(x) − e(x′)‖ / ‖x − x′‖ for each sample, in drawing order.
    public let perSample: [Double]
    public var value: Double { perSample.max() ?? .nan }
    public var samples: Int { perSample.count }
    /// ‖x‖ and ‖e(x)‖, for the scale-free elasticity.
    public let inputNorm: Double
    public let explanationNorm: Double
    /// L · ‖x‖ / ‖e(x)‖: how many times larger the explanation's relative change is than the
    /// input's (1: in proportion).
    public var elasticity: Double { explanationNorm > 0 ? value * inputNorm / explanationNorm : .nan }
    public static let meaning = "lower is better: the most the explanation changes per unit of input change "
        + "near this input"
}

extension ExplanationMetrics {
    public static func lipschitz(_ e: Explanation, radius: Double = 0.1, samples: Int = 20,
                                 seed: UInt64 = 0) throws -> LipschitzEstimate {
        let r = try reexplainable(e, "lipschitz")
        try checkPositive(radius, "radius", "lipschitz")
        try checkSamples(samples, "lipschitz")
        let original = attributionValues(e)
        var g = RandomGenerator(seed: seed)
        let x = e.subject.input.floats
        var out: [Double] = []
        out.reserveCapacity(samples)
        for _ in 0..<samples {
            try Interruption.check()
            let point = uniformBall(x, radius: radius, &g)
            var step = 0.0
            for i in x.indices { step += Double(point[i] - x[i]) * Double(point[i] - x[i]) }
            let moved = attributionValues(try reexplain(e, r, at: point))
            out.append(step > 0 ? distance(moved, original) / step.squareRoot() : 0)
        }
        return LipschitzEstimate(method: e.method, radius: radius, seed: seed, perSample: out,
                                 inputNorm: norm(x.map(Double.init)), explanationNorm: norm(original))
    }
}
