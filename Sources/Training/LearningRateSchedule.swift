import Tensors

/// Learning-rate schedules, stepped once per epoch.
public enum Schedule {
    /// lr·γ^⌊epoch/stepSize⌋ (StepLR).
    case step(size: Int, gamma: Double)
    /// η_min + (lr − η_min)(1 + cos(π·epoch/T))/2 (CosineAnnealingLR).
    case cosine(periods: Int, minimum: Double)

    public func rate(base: Double, epoch: Int) -> Double {
        switch self {
        case .step(let size, let gamma): return base * FastMath.pow(gamma, Double(epoch / max(size, 1)))
        case .cosine(let t, let minimum):
            let cosine = FastMath.cos(Double.pi * Double(min(epoch, t)) / Double(max(t, 1)))
            return minimum + (base - minimum) * (1 + cosine) / 2
        }
    }
}
