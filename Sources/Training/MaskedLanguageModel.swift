import Foundation
import Layers
import Tensors

/// BERT's pre-training objective: hide some tokens of each sentence and predict them from
/// the words on both sides; and the `fill_mask` question a pre-trained model answers.
/// Its training history is fit()'s: per epoch, loss and accuracy are those of predicting
/// the hidden tokens (mean cross-entropy in nats, share of top predictions that were right).
public enum MaskedLanguageModel {
    /// One sentence corrupted by BERT's rule: each token (not <pad>/<unk>) is chosen with
    /// `probability` (at least one per sentence, so short sentences still teach); a chosen
    /// token becomes [MASK] 80% of the time, a random token 10%, and stays itself 10% —
    /// so the model cannot assume that only [MASK] positions need predicting.
    public static func corrupt(_ ids: [Int], vocabularySize: Int, maskId: Int, probability: Double,
                               using g: inout RandomGenerator) -> (input: [Int], targets: [(position: Int, id: Int)]) {
        let candidates = ids.indices.filter { ids[$0] > Vocabulary.unk && ids[$0] != maskId }
        var chosen = candidates.filter { _ in g.uniformDouble() < probability }
        if chosen.isEmpty, !candidates.isEmpty { chosen = [candidates[Int(g.below(UInt64(candidates.count)))]] }
        var input = ids
        for t in chosen {
            let r = g.uniformDouble()
            if r < 0.8 {
                input[t] = maskId
            } else if r < 0.9 {
                // A random ordinary token: skip <pad>, <unk> and [MASK].
                var v = 2 + Int(g.below(UInt64(max(1, vocabularySize - 3))))
                if v >= maskId { v += 1 }
                input[t] = min(v, vocabularySize - 1)
            }
        }
        return (input, chosen.map { ($0, ids[$0]) })
    }

    /// Loss over the hidden tokens of a batch of sentences (token ids), corrupting each with `g`.
    static func batchLoss(_ model: Bert, _ rows: [[Int]], probability: Double,
                          using g: inout RandomGenerator) throws -> (loss: Tensor, correct: Int, count: Int) {
        let L = rows.map(\.count).max() ?? 1
        var ids = [Int64](repeating: 0, count: rows.count * L)
        var flat: [Int] = [], targets: [Int64] = []
        for (b, row) in rows.enumerated() {
            let c = corrupt(row, vocabularySize: model.vocabularySize, maskId: model.maskId, probability: probability,
                            using: &g)
            for (t, v) in c.input.enumerated() { ids[b * L + t] = Int64(v) }
            for (t, v) in c.targets { flat.append(b * L + t); targets.append(Int64(v)) }
        }
        guard !flat.isEmpty else {
            throw TensorError.value("no token of this batch can be masked (all are <unk> or <pad>)")
        }
        let idsT = try Tensor(shape: [rows.count, L], ints: ids)
        let h = try model.encode(embedded: model.embedding.forward(idsT), lengths: rows.map(\.count))
        let logits = try model.maskedLMLogits(hidden: h, rows: flat)
        let loss = try Tensor.crossEntropy(logits, Tensor(shape: [targets.count], ints: targets))
        let predicted = try logits.argmax(dim: 1).ints
        return (loss, zip(predicted, targets).filter { $0 == $1 }.count, targets.count)
    }

    /// Loss and accuracy of predicting hidden tokens of `sentences`, with a fixed corruption
    /// (generator seeded by `seed`) so that evaluations are comparable across epochs and models.
    public static func evaluate(_ model: Bert, _ sentences: [[Int]], probability: Double = 0.15, seed: UInt64 = 0,
                                batch: Int = 64) throws -> (loss: Double, accuracy: Double) {
        let rows = sentences.filter { $0.contains { $0 > Vocabulary.unk } }
        guard !rows.isEmpty else { throw TensorError.value("no sentence has a known token to mask") }
        var g = RandomGenerator(seed: seed)
        var total = 0.0, correct = 0, count = 0
        try model.evaluating { try Tensor.withoutGrad {
            var start = 0
            while start < rows.count {
                let part = Array(rows[start..<min(rows.count, start + batch)])
                let r = try batchLoss(model, part, probability: probability, using: &g)
                total += Double(try r.loss.item()) * Double(r.count); correct += r.correct; count += r.count
                start += batch
            }
        } }
        return (total / Double(count), Double(correct) / Double(count))
    }

    /// Pre-trains with masked-language modelling: each epoch shuffles the sentences (the
    /// session's generator), corrupts each batch afresh and steps the optimizer. Ctrl-C stops
    /// after the current batch.
    public static func train(_ model: Bert, sentences: [[Int]], validation: [[Int]]? = nil, epochs: Int, batch: Int,
                             optimizer: Optimizer, probability: Double = 0.15, clipNorm: Double? = 1.0,
                             progress: (EpochRecord) -> Void = { _ in }) throws -> History {
        guard epochs > 0, batch > 0 else {
            throw TensorError.value("epochs and batch must be positive, found \(epochs) and \(batch)")
        }
        guard probability > 0, probability < 1 else {
            throw TensorError.value("mask probability must be between 0 and 1, found \(probability)")
        }
        let rows = sentences.filter { $0.contains { $0 > Vocabulary.unk } }
        guard !rows.isEmpty else { throw TensorError.value("pre-training needs sentences with known tokens") }
        var history = History()
        epochs: for epoch in 1...epochs {
            let start = DispatchTime.now().uptimeNanoseconds
            model.train()
            let order = Random.shared.permutation(rows.count)
            var total = 0.0, correct = 0, count = 0, b = 0
            var s = 0
            while s < order.count {
                let part = order[s..<min(order.count, s + batch)].map { rows[$0] }
                s += batch; b += 1
                optimizer.zeroGrad()
                // Masks come from their own stream, seeded by the session's generator (which
                // dropout draws from during the same forward pass).
                var masks = RandomGenerator(seed: Random.shared.next())
                let r = try batchLoss(model, part, probability: probability, using: &masks)
                try r.loss.backward()
                if let clipNorm { clipGradNorm(optimizer.parameters, maxNorm: clipNorm) }
                try optimizer.step()
                total += Double(try r.loss.item()) * Double(r.count); correct += r.correct; count += r.count
                try Interruption.checkDeadline()
                if Interruption.poll() { history.stopped = (epoch, b); break }
            }
            var rec = EpochRecord(epoch: epoch, loss: total / Double(max(1, count)),
                                  accuracy: Double(correct) / Double(max(1, count)),
                                  seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if let validation {
                let v = try evaluate(model, validation, probability: probability)
                rec.validationLoss = v.loss; rec.validationAccuracy = v.accuracy
            }
            history.epochs.append(rec)
            progress(rec)
            if history.stopped != nil { break epochs }
        }
        model.eval()
        return history
    }

    /// For each [MASK] of `ids`, the `top` most probable tokens (id, probability), most likely first.
    public static func fill(_ model: Bert, ids: [Int],
                            top: Int = 5) throws -> [(position: Int, candidates: [(id: Int, probability: Double)])] {
        let positions = ids.indices.filter { ids[$0] == model.maskId }
        guard !positions.isEmpty else { throw TensorError.value("the text has no [MASK] token to fill") }
        guard top >= 1 else { throw TensorError.value("top must be at least 1, found \(top)") }
        return try model.evaluating { try Tensor.withoutGrad {
            let idsT = try Tensor(shape: [1, ids.count], ints: ids.map(Int64.init))
            let h = try model.encode(embedded: model.embedding.forward(idsT), lengths: [ids.count])
            let probs = try model.maskedLMLogits(hidden: h, rows: positions).softmax(dim: 1)
            let V = probs.shape[1]
            return positions.enumerated().map { i, pos in
                // Never propose the special tokens.
                let row = (0..<V).filter { $0 > Vocabulary.unk && $0 != model.maskId }
                    .map { ($0, Double(probs.floats[i * V + $0])) }
                return (pos, Array(row.sorted { $0.1 > $1.1 }.prefix(top)).map { (id: $0.0, probability: $0.1) })
            }
        } }
    }
}
