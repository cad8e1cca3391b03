import Foundation
import Layers
import Tensors
import Training

/// A model over many table rows: the explained score (one class's logit or probability) of
/// any batch of rows, with one model call per chunk of rows. Global views fix the class for
/// every row, so that attributions of different rows can be set side by side.
public struct RowScorer {
    /// The explainee of the first row: its score function is the one every row is scored with.
    let subject: Explainee
    public let model: Model
    public let features: Int
    /// Rows per model call.
    public var chunk: Int

    /// `target` nil: class 1 of a two-class (or one-logit) model; a model with more classes
    /// must be told which class to look at.
    public init(model: Model, rows: Tensor, target: Int?, output: OutputKind, names: [String] = [],
                chunk: Int = 8192) throws {
        guard rows.rank == 2, rows.shape[0] >= 1, rows.shape[1] >= 1 else {
            throw TensorError.shape("global views need feature rows [rows ≥ 1, features ≥ 1], found \(rows.shape)")
        }
        guard model.module is Layer else {
            throw TensorError.value("\(model.module.typeName) does not take feature rows")
        }
        model.module.eval()
        let first = try rows.select(dim: 0, index: 0)
        var t = target
        if t == nil {
            let classes = try RowScorer.classCount(model, first)
            guard classes <= 2 else {
                throw TensorError.value("the model has \(classes) classes: say which one to look at (target: 0…"
                                        + "\(classes - 1))")
            }
            t = 1
        }
        subject = try Explainee(model: model, kind: .tabular, input: first, baseline: nil, target: t,
                                output: output, unitNames: names)
        subject.chunk = max(1, chunk)
        self.model = model
        self.features = rows.shape[1]
        self.chunk = max(1, chunk)
    }

    /// The number of classes a row's logits have (a one-logit model counts as 2).
    static func classCount(_ model: Model, _ row: Tensor) throws -> Int {
        guard let layer = model.module as? Layer else { return 0 }
        let logits = try Tensor.withoutGrad { try layer.forward(row.unsqueeze(0)) }
        return logits.rank == 2 && logits.shape[1] > 1 ? logits.shape[1] : 2
    }

    public var target: Int { subject.target ?? 0 }
    public var targetName: String { subject.targetName }
    public var outputDescription: String { subject.outputDescription }
    public var output: OutputKind { subject.output }
    public var unitNames: [String] { subject.unitNames }

    /// The score of each of `count` rows laid end to end in `flat`.
    public func scores(_ flat: [Float], count: Int) throws -> [Double] {
        try subject.scores(Tensor(shape: [count, features], floats: flat))
    }

    /// Scores and gradients d score / d row for `count` rows laid end to end.
    func gradients(_ flat: [Float], count: Int) throws -> (scores: [Double], grads: [Float]) {
        let g = try subject.gradients(Tensor(shape: [count, features], floats: flat))
        return (g.scores, g.grads.floats)
    }

    /// The model's logits for `count` rows laid end to end: [count, classes] (one logit: [count, 1]).
    func logits(_ flat: [Float], count: Int) throws -> (values: [Float], classes: Int) {
        guard let layer = model.module as? Layer else { throw TensorError.value("the model takes no rows") }
        let l = try Tensor.withoutGrad { try layer.forward(Tensor(shape: [count, features], floats: flat)) }
        let classes = l.rank == 2 ? l.shape[1] : 1
        guard l.count == count * classes else {
            throw TensorError.shape("expected logits [\(count), classes], found \(l.shape)")
        }
        return (l.floats, classes)
    }
}
