import Foundation
import Tensors

/// Alvarez-Melis & Jaakkola's (2018) local Lipschitz estimate: the largest ratio
/// ‖e(x) − e(x′)‖ / ‖x − x′‖ (Euclidean norms) over points x′ drawn uniformly from the L∞ ball
/// of `radius` around x. The authors maximise the ratio by optimisation; random sampling gives
/// a lower bound that rises with the number of samples.
public struct LipschitzEstimate: NearbyMaximum {
    public let method: String
    public let radius: Double
    public let seed: UInt64
    /// ‖e(x) − e(x′)‖ / ‖x − x′‖ for each sample, in drawing order.
    public let perSample: [Double]
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
        let x = e.subject.input.floats
        let out = try nearby(e, "lipschitz", radius: radius, samples: samples, seed: seed) { moved, original, point in
            var step = 0.0
            for i in x.indices { step += Double(point[i] - x[i]) * Double(point[i] - x[i]) }
            return step > 0 ? distance(moved, original) / step.squareRoot() : 0
        }
        return LipschitzEstimate(method: e.method, radius: radius, seed: seed, perSample: out,
                                 inputNorm: norm(x.map(Double.init)), explanationNorm: norm(attributionValues(e)))
    }
}
