import Foundation
import Layers
import Tensors

/// Next-token training and sampling for a decoder-only model (TinyGPT) on one long text.
public enum LanguageModel {
    public struct Record {
        public var step: Int
        public var loss: Double
        public var validationLoss: Double
        public var seconds: Double
    }

    public struct History {
        public var records: [Record] = []
        public var stoppedAt: Int?
    }

    /// Cross-entropy of next-token predictions over windows [B, context+1] of `ids`.
    static func loss(_ model: TinyGPT, _ ids: [Int64], offsets: [Int], context: Int) throws -> Tensor {
        var x = [Int64](), y = [Int64]()
        x.reserveCapacity(offsets.count * context); y.reserveCapacity(offsets.count * context)
        for o in offsets { x += ids[o..<o + context]; y += ids[o + 1..<o + context + 1] }
        let logits = try model.forward(ids: Tensor(shape: [offsets.count, context], ints: x))
        let V = logits.shape[2]
        return try Tensor.crossEntropy(logits.reshape([offsets.count * context, V]),
                                       Tensor(shape: [offsets.count * context], ints: y))
    }

    /// Mean next-token cross-entropy (nats per token) over `windows` evenly spaced windows.
    public static func evaluate(_ model: TinyGPT, _ ids: [Int64], context: Int, windows: Int = 64,
                                batch: Int = 32) throws -> Double {
        guard ids.count > context + 1 else {
            throw TensorError.value("the text has \(ids.count) tokens; evaluation needs more than \(context + 1)")
        }
        model.eval()
        let span = ids.count - context - 1
        let offsets = (0..<windows).map { span * $0 / max(1, windows) }
        return try Tensor.withoutGrad {
            var total = 0.0
            var start = 0
            while start < offsets.count {
                let part = Array(offsets[start..<min(offsets.count, start + batch)])
                total += Double(try loss(model, ids, offsets: part, context: context).item()) * Double(part.count)
                start += batch
            }
            return total / Double(offsets.count)
        }
    }

    /// Trains on random windows (the session's seeded generator) for `steps` optimizer steps,
    /// reporting the mean training loss and the validation loss every `evalEvery` steps.
    /// Ctrl-C stops after the current step.
    public static func train(_ model: TinyGPT, train: [Int64], validation: [Int64], steps: Int, batch: Int,
                             optimizer: Optimizer, evalEvery: Int = 100, clipNorm: Double? = 1.0,
                             progress: (Record) -> Void = { _ in }) throws -> History {
        let context = model.context
        guard steps > 0, batch > 0, evalEvery > 0 else {
            throw TensorError.value("steps, batch and eval_every must be positive")
        }
        guard train.count > context + 1 else {
            throw TensorError.value("the training text has \(train.count) tokens; "
                                    + "it needs more than the context \(context + 1)")
        }
        var history = History()
        let start = DispatchTime.now().uptimeNanoseconds
        var lossSum = 0.0, lossCount = 0
        for step in 1...steps {
            model.train()
            let offsets = (0..<batch).map { _ in Int(Random.shared.below(UInt64(train.count - context - 1))) }
            optimizer.zeroGrad()
            let l = try loss(model, train, offsets: offsets, context: context)
            try l.backward()
            if let clipNorm { clipGradNorm(optimizer.parameters, maxNorm: clipNorm) }
            try optimizer.step()
            lossSum += Double(try l.item()); lossCount += 1
            try Interruption.checkDeadline()
            let stop = Interruption.poll()
            if step % evalEvery == 0 || step == steps || stop {
                let r = Record(step: step, loss: lossSum / Double(lossCount),
                               validationLoss: try evaluate(model, validation, context: context),
                               seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                history.records.append(r)
                progress(r)
                lossSum = 0; lossCount = 0
            }
            if stop { history.stoppedAt = step; break }
        }
        model.eval()
        return history
    }

    /// Samples `count` tokens after `prompt`: softmax(logits / temperature), keeping the
    /// `topK` most likely when given; temperature 0 takes the most likely token.
    public static func generate(_ model: TinyGPT, prompt: [Int64], count: Int, temperature: Double = 1,
                                topK: Int? = nil,
                                using g: inout RandomGenerator) throws -> [Int64] {
        guard !prompt.isEmpty else { throw TensorError.value("generation needs a prompt of at least one token") }
        guard count >= 0, count <= 100_000 else {
            throw TensorError.value("tokens must be between 0 and 100000, found \(count)")
        }
        guard temperature >= 0 else {
            throw TensorError.value("temperature must not be negative, found \(temperature)")
        }
        if let k = topK, k < 1 { throw TensorError.value("top_k must be at least 1, found \(k)") }
        model.eval()
        var ids = prompt
        try Tensor.withoutGrad {
            for _ in 0..<count {
                try Interruption.check()
                let window = Array(ids.suffix(model.context))
                let logits = try model.forward(ids: Tensor(shape: [1, window.count], ints: window))
                let V = logits.shape[2]
                let last = Array(logits.floats[(window.count - 1) * V..<window.count * V]).map(Double.init)
                var order = Array(0..<V)
                order.sort { last[$0] > last[$1] }
                if temperature == 0 { ids.append(Int64(order[0])); continue }
                let keep = Array(order.prefix(topK ?? V))
                let m = keep.map { last[$0] / temperature }.max() ?? 0
                let w = keep.map { FastMath.exp(last[$0] / temperature - m) }
                var u = g.uniformDouble() * w.reduce(0, +)
                var pick = keep[keep.count - 1]
                for (i, wi) in w.enumerated() { if u < wi { pick = keep[i]; break }; u -= wi }
                ids.append(Int64(pick))
            }
        }
        return Array(ids.dropFirst(prompt.count))
    }
}
