import Foundation
import Tensors

/// Captum's sensitivity_max (Yeh et al. 2019): the largest change of an explanation when the
/// input moves by a uniform draw from the L∞ ball of `radius`, relative to the explanation's
/// size: max over samples of ‖e(x + δ) − e(x)‖ / ‖e(x)‖ (Frobenius norms; a zero explanation
/// divides by 1, as Captum does).
public struct Sensitivity {
    public let method: String
    public let radius: Double
    public let seed: UInt64
    /// ‖e(x + δ) − e(x)‖ / ‖e(x)‖ for each sample, in drawing order.
    public let perSample: [Double]
    public var value: Double { perSample.max() ?? .nan }
    public var samples: Int { perSample.count }
    public static let meaning = "lower is better: the largest relative change of the explanation when the input "
        + "moves a little"
}

extension ExplanationMetrics {
    public static func sensitivityMax(_ e: Explanation, radius: Double = 0.02, samples: Int = 10,
                                      seed: UInt64 = 0) throws -> Sensitivity {
        let r = try reexplainable(e, "sensitivity_max")
        try checkPositive(radius, "radius", "sensitivity_max")
        try checkSamples(samples, "sensitivity_max")
        let original = attributionValues(e)
        let size = norm(original)
        let scale = size == 0 ? 1 : size
        var g = RandomGenerator(seed: seed)
        let x = e.subject.input.floats
        var out: [Double] = []
        out.reserveCapacity(samples)
        for _ in 0..<samples {
            try Interruption.check()
            let moved = attributionValues(try reexplain(e, r, at: uniformBall(x, radius: radius, &g)))
            out.append(distance(moved, original) / scale)
        }
        return Sensitivity(method: e.method, radius: radius, seed: seed, perSample: out)
    }
}
