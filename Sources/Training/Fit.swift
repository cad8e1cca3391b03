import Foundation
import Layers
import Tensors

/// A module with what training needs to feed it: how a batch becomes logits, and the
/// vocabulary that turns raw text into ids (for text models).
public final class Model {
    public let module: Module
    public var vocabulary: Vocabulary?

    public init(_ module: Module, vocabulary: Vocabulary? = nil) {
        self.module = module
        self.vocabulary = vocabulary
    }

    /// Logits for a batch: [B] for one-logit models, [B, C] for classifiers.
    public func logits(_ batch: Batch) throws -> Tensor {
        switch module {
        case let m as TextClassifier:
            guard let lengths = batch.lengths else { throw TensorError.value("\(m.typeName) needs token ids with lengths (a text dataset)") }
            return try m.logits(ids: batch.x, lengths: lengths)
        case let m as Layer:
            return try m.forward(batch.x)
        default:
            throw TensorError.value("\(module.typeName) cannot be trained with fit(); it takes other inputs")
        }
    }
}

public enum LossKind: String {
    case bce, crossEntropy = "cross_entropy", mse

    /// Binary cross-entropy for one-logit outputs, cross-entropy otherwise.
    static func automatic(_ logits: Tensor) -> LossKind { logits.rank == 1 || logits.shape.last == 1 ? .bce : .crossEntropy }

    func loss(_ logits: Tensor, _ y: Tensor) throws -> Tensor {
        switch self {
        case .bce: return try Tensor.bceWithLogits(logits.rank == 2 ? logits.squeeze(1) : logits, y.toFloat())
        case .crossEntropy: return try Tensor.crossEntropy(logits, y.toInt())
        case .mse: return try Tensor.mse(logits.rank == 2 && logits.shape[1] == 1 ? logits.squeeze(1) : logits, y.toFloat())
        }
    }
}

/// Predicted classes from logits (threshold 0 for one logit, argmax otherwise).
func classes(_ logits: Tensor) throws -> [Int64] {
    if logits.rank == 1 || logits.shape.last == 1 { return logits.floats.map { $0 > 0 ? 1 : 0 } }
    return try logits.argmax(dim: 1).ints
}

/// One epoch of training, as `fit` returns it.
public struct EpochRecord {
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var seconds: Double
}

public struct History {
    public var epochs: [EpochRecord] = []
    /// Set when Ctrl-C stopped training: the epoch and batch it stopped after.
    public var stopped: (epoch: Int, batch: Int)?
}

public enum Progress {
    case batch(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, accuracy: Double, rowsPerSecond: Double, eta: Double)
    case epoch(EpochRecord, epochs: Int)
}

/// Trains `model` on `data`: each epoch shuffles with the session's generator, steps the
/// optimizer per batch, and reports progress. Ctrl-C (Interruption) stops after the
/// current batch; the model keeps what it learned and the history says where it stopped.
public func fit(_ model: Model, _ data: Dataset, epochs: Int, batchSize: Int, optimizer: Optimizer, loss: LossKind? = nil,
                validation: Dataset? = nil, schedule: Schedule? = nil, clipNorm: Double? = nil, log: EventWriter? = nil,
                progress: (Progress) -> Void = { _ in }) throws -> History {
    guard epochs > 0 else { throw TensorError.value("epochs must be positive, found \(epochs)") }
    var history = History()
    let baseLR = optimizer.lr
    model.module.train()
    defer { model.module.eval() }
    var step = 0
    for epoch in 1...epochs {
        if let schedule { optimizer.lr = schedule.rate(base: baseLR, epoch: epoch - 1) }
        let start = DispatchTime.now().uptimeNanoseconds
        let batches = try data.shuffled(using: &Random.shared).batches(size: batchSize, vocabulary: model.vocabulary)
        var lossSum = 0.0, correct = 0, seen = 0
        for (k, batch) in batches.enumerated() {
            optimizer.zeroGrad()
            let logits = try model.logits(batch)
            let kind = loss ?? LossKind.automatic(logits)
            let l = try kind.loss(logits, batch.y)
            try l.backward()
            if let clipNorm { clipGradNorm(optimizer.parameters, maxNorm: clipNorm) }
            try optimizer.step()
            let n = batch.y.count
            let batchLoss = Double(try l.item())
            lossSum += batchLoss * Double(n)
            step += 1
            log?.scalars([("batch/loss", batchLoss)], step: step)
            if kind != .mse { correct += zip(try classes(logits.detach()), batch.y.intValues).filter { $0 == $1 }.count }
            seen += n
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rate = Double(seen) / max(elapsed, 1e-9)
            progress(.batch(epoch: epoch, epochs: epochs, batch: k + 1, batches: batches.count, loss: lossSum / Double(seen),
                            accuracy: Double(correct) / Double(seen), rowsPerSecond: rate,
                            eta: Double(data.count * (epochs - epoch) + data.count - seen) / max(rate, 1e-9)))
            try Interruption.checkDeadline()
            if Interruption.poll() {
                try log?.flush()
                history.stopped = (epoch, k + 1)
                history.epochs.append(EpochRecord(epoch: epoch, loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen), seconds: elapsed))
                return history
            }
        }
        var record = EpochRecord(epoch: epoch, loss: lossSum / Double(max(seen, 1)), accuracy: Double(correct) / Double(max(seen, 1)),
                                 seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        if let validation {
            let e = try evaluate(model, validation, loss: loss)
            record.validationLoss = e.loss
            record.validationAccuracy = e.accuracy
            model.module.train()
        }
        history.epochs.append(record)
        if let log {
            var values = [("epoch/loss", record.loss), ("epoch/accuracy", record.accuracy), ("epoch/learning_rate", optimizer.lr)]
            if let vl = record.validationLoss, let va = record.validationAccuracy { values += [("epoch/val_loss", vl), ("epoch/val_accuracy", va)] }
            log.scalars(values, step: epoch)
            try log.flush()
        }
        progress(.epoch(record, epochs: epochs))
    }
    return history
}

/// How well a classifier does on a dataset.
public struct Evaluation {
    public var rows: Int
    public var loss: Double
    public var accuracy: Double
    /// Binary: of the positive class (1). Multi-class: macro averages over classes.
    public var precision: Double, recall: Double, f1: Double
    /// Area under the ROC curve (binary models only).
    public var rocAUC: Double?
    /// confusion[true][predicted]
    public var confusion: [[Int]]
}

/// Probabilities of the positive class [N] (binary) or of every class [N, C].
public func predict(_ model: Model, _ data: Dataset, batchSize: Int = 256) throws -> Tensor {
    model.module.eval()
    return try Tensor.withoutGrad {
        var parts: [Tensor] = []
        for b in try data.batches(size: batchSize, vocabulary: model.vocabulary) {
            let logits = try model.logits(b)
            parts.append(logits.rank == 1 || logits.shape.last == 1 ? try logits.reshape([-1]).sigmoid() : try logits.softmax(dim: 1))
        }
        return try Tensor.cat(parts, dim: 0)
    }
}

public func evaluate(_ model: Model, _ data: Dataset, loss: LossKind? = nil, batchSize: Int = 256) throws -> Evaluation {
    model.module.eval()
    return try Tensor.withoutGrad {
        var predicted: [Int64] = [], scores: [Float] = []
        var lossSum = 0.0
        var binary = false
        for b in try data.batches(size: batchSize, vocabulary: model.vocabulary) {
            let logits = try model.logits(b)
            let kind = loss ?? LossKind.automatic(logits)
            lossSum += Double(try kind.loss(logits, b.y).item()) * Double(b.y.count)
            predicted += try classes(logits)
            if logits.rank == 1 || logits.shape.last == 1 { binary = true; scores += logits.floats } else if logits.shape.last == 2 {
                // Two classes: the score of class 1 is the logit difference (a monotone map of its probability).
                binary = true
                scores += try logits.select(dim: 1, index: 1).sub(logits.select(dim: 1, index: 0)).floats
            }
        }
        let truth = data.labels.intValues
        let C = max(data.classCount, Int((predicted.max() ?? 0) + 1), 2)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: C), count: C)
        for (t, p) in zip(truth, predicted) where t >= 0 && Int(t) < C && p >= 0 && Int(p) < C { confusion[Int(t)][Int(p)] += 1 }
        let n = max(truth.count, 1)
        let accuracy = Double((0..<C).map { confusion[$0][$0] }.reduce(0, +)) / Double(n)
        func prf(_ c: Int) -> (Double, Double, Double) {
            let tp = Double(confusion[c][c])
            let fp = Double((0..<C).map { confusion[$0][c] }.reduce(0, +)) - tp
            let fn = Double(confusion[c].reduce(0, +)) - tp
            let p = tp + fp > 0 ? tp / (tp + fp) : 0, r = tp + fn > 0 ? tp / (tp + fn) : 0
            return (p, r, p + r > 0 ? 2 * p * r / (p + r) : 0)
        }
        var (p, r, f) = (0.0, 0.0, 0.0)
        if binary && C == 2 { (p, r, f) = prf(1) } else {
            for c in 0..<C { let m = prf(c); p += m.0; r += m.1; f += m.2 }
            p /= Double(C); r /= Double(C); f /= Double(C)
        }
        return Evaluation(rows: truth.count, loss: lossSum / Double(n), accuracy: accuracy, precision: p, recall: r, f1: f,
                          rocAUC: binary ? rocAUC(scores, truth) : nil, confusion: confusion)
    }
}

/// ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted half.
public func rocAUC(_ scores: [Float], _ labels: [Int64]) -> Double? {
    let pos = labels.filter { $0 == 1 }.count, neg = labels.count - pos
    guard pos > 0, neg > 0 else { return nil }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
        let r = Double(i + j) / 2 + 1
        for k in i...j { ranks[order[k]] = r }
        i = j + 1
    }
    let sumPos = zip(ranks, labels).filter { $0.1 == 1 }.map(\.0).reduce(0, +)
    return (sumPos - Double(pos * (pos + 1)) / 2) / Double(pos * neg)
}
