import Foundation
import Layers
import Tensors

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
    case batch(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, accuracy: Double, rowsPerSecond: Double,
               eta: Double)
    case epoch(EpochRecord, epochs: Int)
}

/// Trains `model` on `data`: each epoch shuffles with the session's generator, steps the
/// optimizer per batch, and reports progress. Ctrl-C (Interruption) stops after the
/// current batch; the model keeps what it learned and the history says where it stopped.
/// `customLoss`, when given, replaces the loss function (accuracy is still read from the logits).
public func fit(_ model: Model, _ data: Dataset, epochs: Int, batchSize: Int, optimizer: Optimizer,
                loss: LossKind? = nil, customLoss: LossFunction? = nil, validation: Dataset? = nil,
                schedule: Schedule? = nil, clipNorm: Double? = nil,
                log: EventWriter? = nil, progress: (Progress) -> Void = { _ in }) throws -> History {
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
            let (logits, kind, l) = try trainingStep(model, batch, optimizer, loss: loss, customLoss: customLoss,
                                                     clipNorm: clipNorm)
            let n = batch.y.count
            let batchLoss = Double(try l.item())
            lossSum += batchLoss * Double(n)
            step += 1
            log?.scalars([("batch/loss", batchLoss)], step: step)
            if kind != .mse {
                correct += zip(try classes(logits.detach()), batch.y.intValues).filter { $0 == $1 }.count
            }
            seen += n
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rate = Double(seen) / max(elapsed, 1e-9)
            progress(.batch(epoch: epoch, epochs: epochs, batch: k + 1, batches: batches.count,
                            loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen), rowsPerSecond: rate,
                            eta: Double(data.count * (epochs - epoch) + data.count - seen) / max(rate, 1e-9)))
            try Interruption.checkDeadline()
            if Interruption.poll() {
                try log?.flush()
                history.stopped = (epoch, k + 1)
                history.epochs.append(EpochRecord(epoch: epoch, loss: lossSum / Double(seen),
                                                  accuracy: Double(correct) / Double(seen), seconds: elapsed))
                return history
            }
        }
        var record = EpochRecord(epoch: epoch, loss: lossSum / Double(max(seen, 1)),
                                 accuracy: Double(correct) / Double(max(seen, 1)),
                                 seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        if let validation {
            let e = try evaluate(model, validation, loss: loss, customLoss: customLoss)
            record.validationLoss = e.loss
            record.validationAccuracy = e.accuracy
            model.module.train()
        }
        history.epochs.append(record)
        if let log { try logEpoch(record, learningRate: optimizer.lr, to: log) }
        progress(.epoch(record, epochs: epochs))
    }
    return history
}

/// One optimizer step on a batch: the logits, the loss function used and the loss it stepped on.
func trainingStep(_ model: Model, _ batch: Batch, _ optimizer: Optimizer, loss: LossKind?,
                  customLoss: LossFunction? = nil,
                  clipNorm: Double?) throws -> (logits: Tensor, kind: LossKind, loss: Tensor) {
    optimizer.zeroGrad()
    let logits = try model.logits(batch)
    let kind = loss ?? LossKind.automatic(logits)
    let l = try customLoss?(logits, batch.y) ?? kind.loss(logits, batch.y)
    guard l.count == 1 else { throw TensorError.shape("the loss must be one number, found shape \(l.shape)") }
    try l.backward()
    if let clipNorm { clipGradNorm(optimizer.parameters, maxNorm: clipNorm) }
    try optimizer.step()
    return (logits, kind, l)
}

/// Writes an epoch's scalars (under "epoch/", at the epoch's number) and flushes the log.
func logEpoch(_ record: EpochRecord, learningRate: Double, to log: EventWriter) throws {
    var values = [("epoch/loss", record.loss), ("epoch/accuracy", record.accuracy),
                  ("epoch/learning_rate", learningRate)]
    if let vl = record.validationLoss, let va = record.validationAccuracy {
        values += [("epoch/val_loss", vl), ("epoch/val_accuracy", va)]
    }
    log.scalars(values, step: record.epoch)
    try log.flush()
}
