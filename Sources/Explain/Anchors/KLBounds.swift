import Foundation

/// Confidence bounds on a precision (a Bernoulli mean) from the KL divergence, as KL-LUCB
/// uses them (Kaufmann & Kalyanakrishnan 2013): the largest / smallest q whose divergence
/// from the observed mean p stays within `level` (= β / samples), found by bisection.
enum KLBounds {
    static func divergence(_ p: Double, _ q: Double) -> Double {
        let e = 1e-12
        let p = min(max(p, e), 1 - e), q = min(max(q, e), 1 - e)
        return p * log(p / q) + (1 - p) * log((1 - p) / (1 - q))
    }

    static func upper(_ p: Double, level: Double, iterations: Int = 16) -> Double {
        var lo = p, hi = min(p + (level / 2).squareRoot(), 1)
        for _ in 0..<iterations {
            let q = (lo + hi) / 2
            if divergence(p, q) > level { hi = q } else { lo = q }
        }
        return hi
    }

    static func lower(_ p: Double, level: Double, iterations: Int = 16) -> Double {
        var hi = p, lo = max(p - (level / 2).squareRoot(), 0)
        for _ in 0..<iterations {
            let q = (lo + hi) / 2
            if divergence(p, q) > level { lo = q } else { hi = q }
        }
        return lo
    }

    /// KL-LUCB's exploration rate β(t) for `arms` arms at round t with confidence 1 − δ, with
    /// the constants of the paper's experiments (α = 1.1, k = 405.5).
    static func beta(arms: Int, round t: Int, delta: Double) -> Double {
        let temp = log(405.5 * Double(arms) * pow(Double(t), 1.1) / delta)
        return temp + log(temp)
    }
}
