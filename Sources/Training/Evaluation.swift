import Foundation
import Layers
import Tensors

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

/// Predicted classes from logits (threshold 0 for one logit, argmax otherwise).
func classes(_ logits: Tensor) throws -> [Int64] {
    if logits.rank == 1 || logits.shape.last == 1 { return logits.floats.map { $0 > 0 ? 1 : 0 } }
    return try logits.argmax(dim: 1).ints
}

/// Probabilities of the positive class [N] (binary) or of every class [N, C].
public func predict(_ model: Model, _ data: Dataset, batchSize: Int = 256) throws -> Tensor {
    model.module.eval()
    return try Tensor.withoutGrad {
        var parts: [Tensor] = []
        for b in try data.batches(size: batchSize, vocabulary: model.vocabulary) {
            let logits = try model.logits(b)
            parts.append(logits.rank == 1 || logits.shape.last == 1
                         ? try logits.reshape([-1]).sigmoid() : try logits.softmax(dim: 1))
        }
        return try Tensor.cat(parts, dim: 0)
    }
}

public func evaluate(_ model: Model, _ data: Dataset, loss: LossKind? = nil, customLoss: LossFunction? = nil,
                     batchSize: Int = 256) throws -> Evaluation {
    model.module.eval()
    return try Tensor.withoutGrad {
        var predicted: [Int64] = [], scores: [Float] = []
        var lossSum = 0.0
        var binary = false
        for b in try data.batches(size: batchSize, vocabulary: model.vocabulary) {
            let logits = try model.logits(b)
            let kind = loss ?? LossKind.automatic(logits)
            lossSum += Double(try (customLoss?(logits, b.y) ?? kind.loss(logits, b.y)).item()) * Double(b.y.count)
            predicted += try classes(logits)
            if logits.rank == 1 || logits.shape.last == 1 {
                binary = true; scores += logits.floats
            } else if logits.shape.last == 2 {
                // Two classes: the score of class 1 is the logit difference (a monotone map of its probability).
                binary = true
                scores += try logits.select(dim: 1, index: 1).sub(logits.select(dim: 1, index: 0)).floats
            }
        }
        let truth = data.labels.intValues
        let C = max(data.classCount, Int((predicted.max() ?? 0) + 1), 2)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: C), count: C)
        for (t, p) in zip(truth, predicted) where t >= 0 && Int(t) < C && p >= 0 && Int(p) < C {
            confusion[Int(t)][Int(p)] += 1
        }
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
        return Evaluation(rows: truth.count, loss: lossSum / Double(n), accuracy: accuracy,
                          precision: p, recall: r, f1: f,
                          rocAUC: binary ? rocAUC(scores, truth) : nil, confusion: confusion)
    }
}

/// ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted half.
public func rocAUC(_ scores: [Float], _ labels: [Int64]) -> Double? {
    let pos = labels.filter { $0 == 1 }.count, neg = labels.count - pos
    guard pos > 0, neg > 0 else { return nil }
    let ranks = averageRanks(scores)
    let sumPos = zip(ranks, labels).filter { $0.1 == 1 }.map(\.0).reduce(0, +)
    return (sumPos - Double(pos * (pos + 1)) / 2) / Double(pos * neg)
}
