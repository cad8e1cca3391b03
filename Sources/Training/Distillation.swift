import Foundation
import Layers
import Tensors

/// Knowledge distillation (Hinton et al. 2015): a student learns from a teacher's softened
/// outputs and from the labels. Per batch:
///   loss = α · T² · KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α) · hard loss,
/// where T is the temperature and the hard loss is fit()'s (BCE for one logit, else
/// cross-entropy). One-logit models are read as two-class logits [0, z].
public func distill(teacher: Model, student: Model, data: Dataset, epochs: Int, batchSize: Int, optimizer: Optimizer,
                    temperature: Double = 4, alpha: Double = 0.5,
                    progress: (Progress) -> Void = { _ in }) throws -> History {
    guard epochs > 0 else { throw TensorError.value("epochs must be positive, found \(epochs)") }
    guard temperature > 0 else { throw TensorError.value("temperature must be positive, found \(temperature)") }
    guard (0...1).contains(alpha) else { throw TensorError.value("alpha must be between 0 and 1, found \(alpha)") }
    func classes(_ z: Tensor) throws -> Tensor {
        if z.rank == 1 { return try Tensor.stack([z.scaled(by: 0), z], dim: 1) }
        if z.rank == 2 && z.shape[1] == 1 { return try classes(z.squeeze(1)) }
        return z
    }
    var history = History()
    teacher.module.eval()
    student.module.train()
    defer { student.module.eval() }
    let T = Float(temperature)
    for epoch in 1...epochs {
        let start = DispatchTime.now().uptimeNanoseconds
        let order = try data.shuffled(using: &Random.shared)
        let sb = try order.batches(size: batchSize, vocabulary: student.vocabulary)
        let tb = try order.batches(size: batchSize, vocabulary: teacher.vocabulary)
        var lossSum = 0.0, correct = 0, seen = 0
        for (k, (s, t)) in zip(sb, tb).enumerated() {
            optimizer.zeroGrad()
            let soft = try Tensor.withoutGrad { try classes(teacher.logits(t)).scaled(by: 1 / T).softmax(dim: 1) }
            let zs = try student.logits(s)
            let logPs = try classes(zs).scaled(by: 1 / T).logSoftmax(dim: 1)
            let kl = try soft.mul(soft.clamp(min: 1e-12).log().sub(logPs)).sum(dim: 1).mean()
            let hard = try LossKind.automatic(zs).loss(zs, s.y)
            let l = try kl.scaled(by: Float(alpha) * T * T).add(hard.scaled(by: Float(1 - alpha)))
            try l.backward()
            try optimizer.step()
            let n = s.y.count
            lossSum += Double(try l.item()) * Double(n)
            correct += zip(try Training.classes(zs.detach()), s.y.intValues).filter { $0 == $1 }.count
            seen += n
            try Interruption.checkDeadline()
            if Interruption.poll() {
                history.stopped = (epoch, k + 1)
                history.epochs.append(EpochRecord(epoch: epoch, loss: lossSum / Double(seen),
                                                  accuracy: Double(correct) / Double(seen), seconds: 0))
                return history
            }
        }
        let record = EpochRecord(epoch: epoch, loss: lossSum / Double(max(1, seen)),
                                 accuracy: Double(correct) / Double(max(1, seen)),
                                 seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        history.epochs.append(record)
        progress(.epoch(record, epochs: epochs))
    }
    return history
}
