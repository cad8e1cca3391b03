import Foundation
import Layers
import Tensors
import Training

/// What a classifier says about one input: the predicted class, its probability, and every
/// class's logit and probability (softmax in double precision, so that margins never saturate).
public struct Prediction: Equatable, Sendable {
    public let cls: Int
    public let probability: Double
    public let probabilities: [Double]
    public let logits: [Double]

    init(logits: [Double]) {
        self.logits = logits
        var best = 0
        for (i, z) in logits.enumerated() where z > logits[best] { best = i }
        cls = best
        let top = logits.isEmpty ? 0 : logits[best]
        let e = logits.map { Foundation.exp($0 - top) }
        let total = e.reduce(0, +)
        probabilities = e.map { $0 / total }
        probability = probabilities.isEmpty ? .nan : probabilities[best]
    }

    /// How far class `c`'s logit leads the best other class's (negative: another class wins).
    public func margin(of c: Int) -> Double {
        guard c >= 0, c < logits.count else { return .nan }
        let other = logits.indices.filter { $0 != c }.map { logits[$0] }.max() ?? -.infinity
        return logits[c] - other
    }

    /// The probability of class `c` (nan outside the classes).
    public func probability(of c: Int) -> Double { c >= 0 && c < probabilities.count ? probabilities[c] : .nan }
}

/// A model that takes feature rows [N, F] or images [N, C, H, W], seen as a classifier with at
/// least two classes: a one-logit model z is the two-class model with logits [0, z], whose
/// softmax is [σ(−z), σ(z)].
enum Classifier {
    static func layer(_ model: Model) throws -> Layer {
        guard let layer = model.module as? Layer else {
            throw TensorError.value("\(model.module.typeName) does not take feature rows or images")
        }
        return layer
    }

    /// Logits [N, C ≥ 2] (differentiable).
    static func logits(_ layer: Layer, _ batch: Tensor) throws -> Tensor {
        let z = try layer.forward(batch)
        if z.rank == 2, z.shape[1] >= 2 { return z }
        guard z.rank == 1 || (z.rank == 2 && z.shape[1] == 1) else {
            throw TensorError.shape("expected logits [batch, classes], found \(z.shape)")
        }
        let column = z.rank == 1 ? try z.unsqueeze(1) : z
        return try Tensor.cat([Tensor.zeros(column.shape), column], dim: 1)
    }

    /// The prediction for each row of a batch.
    static func predictions(_ layer: Layer, _ batch: Tensor) throws -> [Prediction] {
        predictions(try Tensor.withoutGrad { try logits(layer, batch) })
    }

    /// Predictions from logits [N, C].
    static func predictions(_ z: Tensor) -> [Prediction] {
        let n = z.shape[0], c = z.shape[1], f = z.floats
        return (0..<n).map { i in Prediction(logits: (0..<c).map { Double(f[i * c + $0]) }) }
    }

    /// The cross-entropy of each row's class, and its gradient with respect to the inputs
    /// (the model's parameters frozen meanwhile).
    static func lossGradients(_ model: Model, _ batch: Tensor, classes: [Int]) throws
        -> (losses: [Double], grads: [Float]) {
        let layer = try layer(model)
        return try Explainee.differentiating(model.module) {
            let x = try batch.detach().requiringGrad()
            let logp = try logits(layer, x).logSoftmax(dim: 1)
            let index = try Tensor(shape: [classes.count, 1], ints: classes.map(Int64.init))
            let loss = try logp.gather(dim: 1, index: index).neg()
            try loss.sum().backward()
            guard let g = x.grad else { throw TensorError.value("the model's output does not depend on its input") }
            return (loss.floats.map(Double.init), g.floats)
        }
    }

    /// How many classes the model has, and its prediction for one input.
    static func predict(_ model: Model, _ input: Tensor) throws -> Prediction {
        guard let p = try predictions(layer(model), input.unsqueeze(0)).first else {
            throw TensorError.value("the model gave no prediction")
        }
        return p
    }
}

extension Classifier {
    /// Each row's prediction and the gradient of class `cls`'s probability with respect to the rows:
    /// p_cls·∇(z_cls − Σ_c p_c z_c), with the probabilities in double precision, so that the gradient
    /// keeps its direction where a confident model's probability is too flat for single precision.
    static func probabilityGradients(_ model: Model, _ batch: Tensor, cls: Int) throws
        -> (predictions: [Prediction], grads: [Double]) {
        let layer = try layer(model)
        return try Explainee.differentiating(model.module) {
            let x = try batch.detach().requiringGrad()
            let z = try logits(layer, x)
            let pred = predictions(z.detach())
            let C = z.shape[1]
            let weights = pred.flatMap { p in (0..<C).map { Float(($0 == cls ? 1 : 0) - p.probabilities[$0]) } }
            try z.mul(Tensor(shape: z.shape, floats: weights)).sum().backward()
            guard let g = x.grad else { throw TensorError.value("the model's output does not depend on its input") }
            let per = g.count / max(1, pred.count), gf = g.floats
            return (pred, gf.indices.map { pred[$0 / per].probabilities[cls] * Double(gf[$0]) })
        }
    }
}
