import Tensors

/// Captum's integration rules for Integrated Gradients: where along the straight path from
/// the baseline the gradient is taken (alphas) and how much each point weighs (step sizes).
public enum IntegrationRule: String, CaseIterable, Sendable {
    case gaussLegendre = "gausslegendre"
    case riemannLeft = "riemann_left"
    case riemannRight = "riemann_right"
    case riemannMiddle = "riemann_middle"
    case riemannTrapezoid = "riemann_trapezoid"

    /// (alphas, step sizes) for n points, exactly as captum.attr._utils.approximation_methods.
    /// The trapezoid rule halves the first and last of n steps of 1/n, so its weights sum to
    /// 1 − 1/n (Captum's definition, kept so results match).
    public func points(_ n: Int) throws -> (alphas: [Double], weights: [Double]) {
        guard n >= 1 else { throw TensorError.value("integration needs at least 1 step, found \(n)") }
        func linspace(_ a: Double, _ b: Double) -> [Double] {
            n == 1 ? [a] : (0..<n).map { a + (b - a) * Double($0) / Double(n - 1) }
        }
        let step = [Double](repeating: 1 / Double(n), count: n)
        switch self {
        case .gaussLegendre:
            let (x, w) = gaussLegendreNodes(n)
            return (x.map { 0.5 * (1 + $0) }, w.map { 0.5 * $0 })
        case .riemannLeft: return (linspace(0, 1 - 1 / Double(n)), step)
        case .riemannRight: return (linspace(1 / Double(n), 1), step)
        case .riemannMiddle: return (linspace(1 / (2 * Double(n)), 1 - 1 / (2 * Double(n))), step)
        case .riemannTrapezoid:
            guard n > 1 else { throw TensorError.value("the trapezoid rule needs at least 2 steps, found \(n)") }
            var s = step
            s[0] /= 2; s[n - 1] /= 2
            return (linspace(0, 1), s)
        }
    }
}

extension IntegrationRule {
    /// Σ_k w_k g_k, element by element, where g_k is the gradient at the path point
    /// b + α_k (x − b) from `b` to `x`. `gradients` gets the points of consecutive steps laid
    /// end to end (`batch` steps at a time, all at once by default) and returns their gradients
    /// in the same layout.
    func integrate(from b: [Float], to x: [Float], steps: Int, batch: Int?,
                   gradients: (_ points: [Float], _ count: Int) throws -> [Float]) throws -> [Double] {
        let (alphas, weights) = try points(steps)
        let n = x.count
        var total = [Double](repeating: 0, count: n)
        let per = max(1, batch ?? steps)
        var start = 0
        while start < steps {
            try Interruption.check()
            let end = min(steps, start + per)
            var pts = [Float]()
            pts.reserveCapacity((end - start) * n)
            for k in start..<end {
                let a = Float(alphas[k])
                for i in 0..<n { pts.append(b[i] + a * (x[i] - b[i])) }
            }
            let grads = try gradients(pts, end - start)
            for k in start..<end {
                let w = weights[k], off = (k - start) * n
                for i in 0..<n { total[i] += w * Double(grads[off + i]) }
            }
            start = end
        }
        return total
    }
}

/// Gauss–Legendre nodes (ascending, in [−1, 1]) and weights, by Newton's method on P_n
/// (as numpy.polynomial.legendre.leggauss).
func gaussLegendreNodes(_ n: Int) -> ([Double], [Double]) {
    var x = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
    for i in 0..<(n + 1) / 2 {
        var z = FastMath.cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
        var dp = 0.0
        for _ in 0..<100 {
            // After the recurrence p1 = P_n(z) and p0 = P_{n−1}(z).
            var p0 = 1.0, p1 = z
            if n >= 2 {
                for k in 2...n {
                    let p2 = ((2 * Double(k) - 1) * z * p1 - (Double(k) - 1) * p0) / Double(k)
                    p0 = p1; p1 = p2
                }
            }
            dp = Double(n) * (z * p1 - p0) / (z * z - 1)
            let dz = p1 / dp
            z -= dz
            if abs(dz) < 1e-15 { break }
        }
        x[i] = -z; x[n - 1 - i] = z
        let wi = 2 / ((1 - z * z) * dp * dp)
        w[i] = wi; w[n - 1 - i] = wi
    }
    if n % 2 == 1 { x[n / 2] = 0 }
    return (x, w)
}
