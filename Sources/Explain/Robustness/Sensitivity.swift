import Foundation
import Tensors

/// Captum's sensitivity_max (Yeh et al. 2019): the largest change of an explanation when the
/// input moves by a uniform draw from the L∞ ball of `radius`, relative to the explanation's
/// size: max over samples of ‖e(x + δ) − e(x)‖ / ‖e(x)‖ (Frobenius norms; a zero explanation
/// divides by 1, as Captum does).
/// A maximum over re-explanations at sampled nearby inputs (sensitivity_max, local Lipschitz).
public protocol NearbyMaximum {
    var method: String { get }
    var radius: Double { get }
    var seed: UInt64 { get }
    /// The measured ratio for each sample, in drawing order.
    var perSample: [Double] { get }
}

extension NearbyMaximum {
    public var value: Double { perSample.max() ?? .nan }
    public var samples: Int { perSample.count }
}

public struct Sensitivity: NearbyMaximum {
    public let method: String
    public let radius: Double
    public let seed: UInt64
    /// ‖e(x + δ) − e(x)‖ / ‖e(x)‖ for each sample, in drawing order.
    public let perSample: [Double]
    public static let meaning = "lower is better: the largest relative change of the explanation when the input "
        + "moves a little"
}

extension ExplanationMetrics {
    public static func sensitivityMax(_ e: Explanation, radius: Double = 0.02, samples: Int = 10,
                                      seed: UInt64 = 0) throws -> Sensitivity {
        let size = norm(attributionValues(e))
        let scale = size == 0 ? 1 : size
        let out = try nearby(e, "sensitivity_max", radius: radius, samples: samples, seed: seed) { moved, original, _ in
            distance(moved, original) / scale
        }
        return Sensitivity(method: e.method, radius: radius, seed: seed, perSample: out)
    }
}

extension ExplanationMetrics {
    /// Re-explains `samples` points drawn uniformly from the L∞ ball of `radius` around the
    /// input and gives `measure(moved attribution, original attribution, point)` for each.
    static func nearby(_ e: Explanation, _ metric: String, radius: Double, samples: Int, seed: UInt64,
                       _ measure: ([Double], [Double], [Float]) -> Double) throws -> [Double] {
        let r = try reexplainable(e, metric)
        try checkPositive(radius, "radius", metric)
        try checkSamples(samples, metric)
        let original = attributionValues(e)
        var g = RandomGenerator(seed: seed)
        let x = e.subject.input.floats
        var out: [Double] = []
        out.reserveCapacity(samples)
        for _ in 0..<samples {
            try Interruption.check()
            let point = uniformBall(x, radius: radius, &g)
            out.append(measure(attributionValues(try reexplain(e, r, at: point)), original, point))
        }
        return out
    }
}
