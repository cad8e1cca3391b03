import Foundation
import Layers
import Tensors
import Training

/// The gradient attacks in an L∞ ball: FGSM (Goodfellow et al. 2015) takes one step of ε·sign(∇ loss);
/// PGD (Madry et al. 2018) starts at a random point of the ball and takes `steps` steps of α·sign(∇ loss),
/// projecting back onto the ball and the valid range after each.
public enum AttackMethod: String, CaseIterable, Sendable {
    case fgsm, pgd
}

/// What to attack and how far it may go.
public struct AttackSettings {
    public var method: AttackMethod
    /// The radius of the L∞ ball: no input value moves further than this.
    public var eps: Double
    public var steps = 10
    /// PGD's step α; by default 2.5·ε/steps, as Madry et al. choose it.
    public var stepSize: Double?
    /// Targeted: the class to push toward (lowering its cross-entropy); untargeted (nil): push
    /// away from the predicted class (raising its cross-entropy).
    public var target: Int?
    public var seed: UInt64 = 0
    public var randomStart = true
    /// The valid range of every input value; nil: unbounded.
    public var bounds: ClosedRange<Double>?

    public init(method: AttackMethod, eps: Double) {
        self.method = method
        self.eps = eps
    }

    /// The step PGD takes: given, or 2.5·ε/steps; FGSM's single step is ε.
    public var step: Double {
        method == .fgsm ? eps : stepSize ?? 2.5 * eps / Double(max(1, steps))
    }

    /// The largest eps or step accepted: inputs are 32-bit floats, and a larger move overflows them.
    public static let largest = 1e12

    /// `v` as a size: positive, finite and at most `largest`.
    public static func checkSize(_ v: Double, _ name: String) throws {
        guard v.isFinite, v > 0 else { throw TensorError.value("\(name) must be positive, found \(v)") }
        guard v <= largest else {
            throw TensorError.value("\(name) must be at most 1e12 (inputs are 32-bit floats), found \(v)")
        }
    }

    func validate() throws {
        try Self.checkSize(eps, "eps")
        guard (1...100_000).contains(steps) else {
            throw TensorError.value("steps must be between 1 and 100000, found \(steps)")
        }
        if let a = stepSize { try Self.checkSize(a, "step_size") }
    }
}

/// An input changed by an attack, with the model's prediction before and after.
public struct AdversarialExample {
    public let kind: InputKind
    public let settings: AttackSettings
    public let original: Tensor
    public let adversarial: Tensor
    public let before: Prediction
    public let after: Prediction
    /// The cross-entropy the attack works on (of the predicted class, or of the target) before and after.
    public let lossBefore: Double
    public let lossAfter: Double

    /// adversarial − original, flat.
    public var perturbation: [Double] {
        zip(adversarial.floats, original.floats).map { Double($0) - Double($1) }
    }
    public var linf: Double { perturbation.reduce(0) { max($0, abs($1)) } }
    public var l2: Double { perturbation.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    /// Untargeted: the predicted class changed; targeted: it is now the target.
    public var flipped: Bool {
        if let t = settings.target { return after.cls == t && before.cls != t }
        return after.cls != before.cls
    }
}

public enum GradientAttack {
    /// Attacks one input (a feature row [F] or an image [C, H, W]).
    public static func run(_ model: Model, input: Tensor, kind: InputKind, _ s: AttackSettings) throws
        -> AdversarialExample {
        try s.validate()
        let layer = try Classifier.layer(model)
        let before = try Classifier.predict(model, input)
        if let t = s.target {
            let n = before.probabilities.count
            guard t >= 0, t < n else { throw TensorError.index("target class must be in 0..<\(n), found \(t)") }
        }
        if let b = s.bounds, let bad = input.floats.first(where: { !b.contains(Double($0)) }) {
            throw TensorError.value("the input must lie within bounds [\(b.lowerBound), \(b.upperBound)], "
                                    + "found a value \(bad)")
        }
        let cls = s.target ?? before.cls
        let batch = try input.unsqueeze(0)
        let adv = try perturb(model, batch, classes: [cls], targeted: s.target != nil, eps: [Float(s.eps)],
                              stepSizes: [Float(s.step)], steps: s.method == .fgsm ? 1 : s.steps,
                              randomStart: s.method == .pgd && s.randomStart, seed: s.seed, bounds: s.bounds)
        let lossBefore = try Classifier.lossGradients(model, batch, classes: [cls]).losses[0]
        let lossAfter = try Classifier.lossGradients(model, adv, classes: [cls]).losses[0]
        guard let after = try Classifier.predictions(layer, adv).first else {
            throw TensorError.value("the model gave no prediction")
        }
        return AdversarialExample(kind: kind, settings: s, original: input, adversarial: try adv.squeeze(0),
                                  before: before, after: after, lossBefore: lossBefore, lossAfter: lossAfter)
    }

    /// Signed-gradient steps on a batch [N, …], row i within eps[i] of its original (L∞) and within
    /// `bounds`: untargeted rows climb the cross-entropy of `classes[i]`, targeted rows descend it.
    static func perturb(_ model: Model, _ original: Tensor, classes: [Int], targeted: Bool, eps: [Float],
                        stepSizes: [Float], steps: Int, randomStart: Bool, seed: UInt64,
                        bounds: ClosedRange<Double>?) throws -> Tensor {
        let n = original.shape[0]
        guard n > 0, classes.count == n, eps.count == n, stepSizes.count == n else {
            throw TensorError.shape("an attack needs one class, ε and step per row")
        }
        let o = original.floats
        let per = o.count / n
        let lo = Float(bounds?.lowerBound ?? -Double.infinity), hi = Float(bounds?.upperBound ?? Double.infinity)
        var x = o
        if randomStart {
            var rng = RandomGenerator(seed: seed)
            for i in x.indices { x[i] += (2 * rng.uniform() - 1) * eps[i / per] }
        }
        func project(_ i: Int) {
            let e = eps[i / per]
            x[i] = min(max(x[i], o[i] - e), o[i] + e)
            x[i] = min(max(x[i], lo), hi)
        }
        for i in x.indices { project(i) }
        let direction: Float = targeted ? -1 : 1
        for _ in 0..<steps {
            try Interruption.check()
            let point = try Tensor(shape: original.shape, floats: x)
            let g = try Classifier.lossGradients(model, point, classes: classes).grads
            for i in x.indices {
                let sign: Float = g[i] > 0 ? 1 : g[i] < 0 ? -1 : 0
                x[i] += direction * stepSizes[i / per] * sign
                project(i)
            }
        }
        return try Tensor(shape: original.shape, floats: x)
    }
}
