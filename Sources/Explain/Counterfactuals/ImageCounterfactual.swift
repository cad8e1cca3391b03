import Foundation
import Layers
import Tensors
import Training

/// An image counterfactual: the smallest L∞ change the search found that makes the model see the
/// target class, with every ε it tried.
public struct ImageCounterfactual {
    public let example: AdversarialExample
    /// Each ε tried and whether targeted PGD reached the target within it.
    public let tried: [(eps: Double, reached: Bool)]
    /// The smallest ε that reached the target (nil: none up to the largest).
    public var eps: Double? { tried.filter(\.reached).map(\.eps).min() }
}

/// Targeted PGD (Madry et al.) at a grid of radii up to `maxEps`, all radii as rows of one batch, then
/// four radii between the largest that failed and the smallest that reached the target.
public enum SmallestEpsilon {
    public static func search(_ model: Model, image: Tensor, target: Int?, maxEps: Double, steps: Int,
                              bounds: ClosedRange<Double>?, seed: UInt64) throws -> ImageCounterfactual {
        var settings = AttackSettings(method: .pgd, eps: maxEps)
        settings.steps = steps
        settings.seed = seed
        settings.randomStart = false
        settings.bounds = bounds
        try settings.validate()
        let before = try Classifier.predict(model, image)
        // The target: given, or the runner-up class.
        let target = try Wachter.chooseTarget(target, before)
        settings.target = target
        let fractions: [Double] = [1.0 / 32, 1.0 / 16, 1.0 / 8, 3.0 / 16, 1.0 / 4, 3.0 / 8, 1.0 / 2, 3.0 / 4, 1]
        let grid = fractions.map { $0 * maxEps }
        var (rows, reached) = try attempt(model, image, target, grid, settings)
        var tried: [(eps: Double, reached: Bool)] = grid.indices.map { (grid[$0], reached[$0]) }
        var found = reached.firstIndex(of: true).map { (grid[$0], rows[$0]) }
        if let k = reached.firstIndex(of: true) {
            let low = k > 0 ? grid[k - 1] : 0
            let width = grid[k] - low
            let between: [Double] = (1...4).map { low + width * Double($0) / 5 }
            (rows, reached) = try attempt(model, image, target, between, settings)
            tried += between.indices.map { (between[$0], reached[$0]) }
            if let j = reached.firstIndex(of: true) { found = (between[j], rows[j]) }
        }
        let (eps, adv) = found ?? (maxEps, rows.last ?? image)
        settings.eps = eps
        let batch = try image.unsqueeze(0), advBatch = try adv.unsqueeze(0)
        let after = try Classifier.predict(model, adv)
        let example = AdversarialExample(
            kind: .image, settings: settings, original: image, adversarial: adv, before: before, after: after,
            lossBefore: try Classifier.lossGradients(model, batch, classes: [target]).losses[0],
            lossAfter: try Classifier.lossGradients(model, advBatch, classes: [target]).losses[0])
        return ImageCounterfactual(example: example, tried: tried.sorted { $0.eps < $1.eps })
    }

    /// Targeted PGD at each radius (one row per radius); the adversarial images and which reached the target.
    static func attempt(_ model: Model, _ image: Tensor, _ target: Int, _ radii: [Double],
                        _ s: AttackSettings) throws -> (rows: [Tensor], reached: [Bool]) {
        let K = radii.count
        let batch = try Tensor.cat([Tensor](repeating: image.unsqueeze(0), count: K), dim: 0)
        let adv = try GradientAttack.perturb(
            model, batch, classes: [Int](repeating: target, count: K), targeted: true,
            eps: radii.map(Float.init), stepSizes: radii.map { Float(2.5 * $0 / Double(s.steps)) }, steps: s.steps,
            randomStart: false, seed: s.seed, bounds: s.bounds)
        let predictions = try Classifier.predictions(Classifier.layer(model), adv)
        let rows = try (0..<K).map { try adv.select(dim: 0, index: $0) }
        return (rows, predictions.map { $0.cls == target })
    }
}
