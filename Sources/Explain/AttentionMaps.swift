import Foundation
import Layers
import Tensors

/// A text model that pools its tokens with attention weights and can report them: the LSTM +
/// attention sentiment classifier, or a model written in the language whose forward returns
/// [output, weights].
public protocol PoolingAttention {
    /// The pooling weights [B, T] for embeddings [B, T, E], or nil when the model reports none.
    func poolingWeights(embedded: Tensor, lengths: [Int]) throws -> Tensor?
}

extension SentimentNet: PoolingAttention {
    public func poolingWeights(embedded: Tensor, lengths: [Int]) throws -> Tensor? {
        try forward(embedded: embedded, lengths: lengths).attention
    }
}

/// Attention as an explanation: the weights a model computed for this input, and attention
/// rollout (Abnar & Zuidema 2020) through stacked self-attention layers.
public enum AttentionMaps {
    /// Self-attention weights of every encoder layer for the explainee's input, as
    /// [layers, heads, T, T], after one forward pass.
    public static func layers(_ s: Explainee) throws -> Tensor? {
        let encoders = s.model.module.modules().compactMap { $0.1 as? TransformerEncoderLayer }
        guard !encoders.isEmpty else { return nil }
        _ = try Tensor.withoutGrad { try s.score(s.input.unsqueeze(0)) }
        let maps = try encoders.map { layer -> Tensor in
            guard let a = layer.lastAttention else {
                throw TensorError.value("the encoder layers kept no attention weights")
            }
            return try a.squeeze(0)                       // [heads, T, T]
        }
        return try Tensor.stack(maps, dim: 0)
    }

    /// The attention the model paid to each unit: SentimentNet's pooling weights, or for
    /// Transformer encoders the last layer's head-averaged weights, averaged over queries.
    /// `raw` holds every layer and head.
    public static func weights(_ s: Explainee) throws -> Explanation {
        guard s.kind == .text else {
            throw TensorError.value("attention explains token inputs; this input is a \(s.kind.rawValue)")
        }
        if let model = s.model.module as? PoolingAttention,
           let w = try Tensor.withoutGrad({ try model.poolingWeights(embedded: s.input.unsqueeze(0),
                                                                       lengths: [s.tokenIds.count]) }) {
            guard w.shape == [1, s.tokenIds.count] else {
                throw TensorError.shape("\(s.model.module.typeName)'s attention weights must be [batch, tokens] = "
                    + "[1, \(s.tokenIds.count)], found \(w.shape)")
            }
            let row = try w.squeeze(0)
            return Explanation(method: "attention", settings: [("layer", "attention pooling")], subject: s,
                               scores: s.unitSums(ofTokens: row.floats.map(Double.init)), raw: row)
        }
        guard let maps = try layers(s) else {
            throw TensorError.value("\(s.model.module.typeName) has no attention layers")
        }
        let (L, T) = (maps.shape[0], maps.shape[2])
        let last = try maps.select(dim: 0, index: L - 1).mean(dim: 0)      // [T, T]
        if s.model.module is NextTokenModel {
            // A language model predicts from its last position: that row is the attention that matters.
            let scores = s.unitSums(ofTokens: (0..<T).map { Double(last.floats[(T - 1) * T + $0]) })
            let layer = "last of \(L), heads averaged, last position's row"
            return Explanation(method: "attention", settings: [("layer", layer)], subject: s, scores: scores, raw: maps)
        }
        let scores = s.unitSums(ofTokens: (0..<T).map { j in
            (0..<T).reduce(0.0) { $0 + Double(last.floats[$1 * T + j]) } / Double(T)
        })
        return Explanation(method: "attention", settings: [("layer", "last of \(L), heads averaged, queries averaged")],
                           subject: s, scores: scores, raw: maps)
    }

    /// Rollout: per layer Ã = rownorm(mean over heads + I); R = Ã_L ⋯ Ã_1. Token scores are
    /// the rollout averaged over query positions. `raw` is R [T, T].
    public static func rollout(_ s: Explainee) throws -> Explanation {
        guard s.kind == .text else {
            throw TensorError.value("attention rollout explains token inputs; this input is a \(s.kind.rawValue)")
        }
        guard let maps = try layers(s) else {
            throw TensorError.value("attention rollout needs self-attention layers; "
                                    + "\(s.model.module.typeName) has none "
                                    + "(try method: \"attention\")")
        }
        let R = try rolloutMatrix(maps)
        let T = R.shape[0]
        let scores = s.unitSums(ofTokens: s.model.module is NextTokenModel
            ? (0..<T).map { Double(R.floats[(T - 1) * T + $0]) }
            : (0..<T).map { j in (0..<T).reduce(0.0) { $0 + Double(R.floats[$1 * T + j]) } / Double(T) })
        return Explanation(method: "attention_rollout", settings: [("layers", "\(maps.shape[0])")], subject: s,
                           scores: scores, raw: R)
    }

    /// The rollout of [layers, heads, T, T] attention weights.
    public static func rolloutMatrix(_ maps: Tensor) throws -> Tensor {
        guard maps.rank == 4, maps.shape[2] == maps.shape[3] else {
            throw TensorError.shape("rollout needs attention [layers, heads, T, T], found \(maps.shape)")
        }
        let (L, H, T) = (maps.shape[0], maps.shape[1], maps.shape[2])
        var R = [Double](repeating: 0, count: T * T)
        for i in 0..<T { R[i * T + i] = 1 }
        for l in 0..<L {
            var A = [Double](repeating: 0, count: T * T)
            for h in 0..<H { for k in 0..<(T * T) { A[k] += Double(maps.floats[(l * H + h) * T * T + k]) / Double(H) } }
            for i in 0..<T {
                A[i * T + i] += 1
                let row = (0..<T).reduce(0.0) { $0 + A[i * T + $1] }
                for j in 0..<T { A[i * T + j] /= row }
            }
            // R ← A · R (later layers act on the result of earlier ones).
            var next = [Double](repeating: 0, count: T * T)
            for i in 0..<T {
                for k in 0..<T where A[i * T + k] != 0 {
                    for j in 0..<T { next[i * T + j] += A[i * T + k] * R[k * T + j] }
                }
            }
            R = next
        }
        return try Tensor(shape: [T, T], floats: R.map(Float.init))
    }
}
