import Foundation
import Tensors

/// nn.MultiheadAttention (batch-first, self- or cross-attention). Parameters in_proj_weight
/// [3E, E] (xavier uniform), in_proj_bias [3E] (zeros), out_proj.weight/bias (out_proj.bias zeros).
public final class MultiheadAttention: Module {
    public let embedDim: Int, numHeads: Int
    public let inProjWeight: Parameter, inProjBias: Parameter
    public let outProj: Linear
    public let dropout: Float
    /// Set by quantizeInt8(): the int8 codes of in_proj_weight, which the projections then run with.
    public var inProjInt8: Int8Matrix?

    public init(embedDim: Int, numHeads: Int, dropout: Float = 0) throws {
        guard embedDim > 0, numHeads > 0, embedDim % numHeads == 0 else {
            throw TensorError(.value, "MultiheadAttention needs embed_dim divisible by num_heads, found \(embedDim) and \(numHeads)")
        }
        self.embedDim = embedDim
        self.numHeads = numHeads
        self.dropout = dropout
        inProjWeight = try Parameter(Init.xavier([3 * embedDim, embedDim], fanIn: embedDim, fanOut: 3 * embedDim))
        inProjBias = try Parameter(Tensor.zeros([3 * embedDim]))
        outProj = try Linear(embedDim, embedDim)
        outProj.bias?.value = try Tensor.zeros([embedDim]).requiringGrad()
        super.init()
        register("in_proj_weight", inProjWeight)
        register("in_proj_bias", inProjBias)
        register("out_proj", outProj)
    }

    public override var details: String { "\(embedDim), \(numHeads) heads" + (inProjInt8 != nil ? ", int8" : "") }

    /// The result of attending: the output, the weights of every head [B, heads, T, S], and
    /// their mean over heads [B, T, S].
    public struct Result {
        public let output: Tensor
        public let weights: Tensor
        public var averageWeights: Tensor { get throws { try weights.mean(dim: 1) } }
    }

    /// `keyPaddingMask` [B, S]: true = ignore that key. `attentionMask` [T, S]: float (added)
    /// or bool (true = not allowed). `causal` forbids attending to later positions.
    public func attend(query: Tensor, key: Tensor? = nil, value: Tensor? = nil, keyPaddingMask: Tensor? = nil,
                       attentionMask: Tensor? = nil, causal: Bool = false) throws -> Result {
        let E = embedDim, h = numHeads, d = E / h
        guard query.rank == 3, query.shape[2] == E else {
            throw TensorError.shape("attention needs a query [batch, time, \(E)], found \(query.shape)")
        }
        let B = query.shape[0], T = query.shape[1]
        let k = key ?? query, v = value ?? k
        let S = k.shape.count == 3 ? k.shape[1] : 0
        let w = inProjWeight.value, b = inProjBias.value
        func heads(_ x: Tensor, _ len: Int) throws -> Tensor { try x.reshape([B, len, h, d]).permute([0, 2, 1, 3]) }
        // Self-attention: one projection, split straight into heads (one pass each way).
        let qh: Tensor, kh: Tensor, vh: Tensor
        // Quantized: the projections run int8 × int8 (the float weights hold what the codes stand for).
        func project(_ x: Tensor, _ part: Range<Int>) throws -> Tensor {
            let bias = part.count == 3 * E ? b : try b.slice(dim: 0, start: part.lowerBound, end: part.upperBound)
            if let q = inProjInt8 { return try Tensor.int8Linear(x, part.count == 3 * E ? q : q.rows(part), bias) }
            return try Tensor.linear(x, part.count == 3 * E ? w : w.slice(dim: 0, start: part.lowerBound, end: part.upperBound), bias)
        }
        if key == nil && value == nil {
            (qh, kh, vh) = try Tensor.splitHeads(project(query, 0..<3 * E), heads: h)
        } else {
            qh = try heads(project(query, 0..<E), T)
            kh = try heads(project(k, E..<2 * E), S)
            vh = try heads(project(v, 2 * E..<3 * E), S)
        }
        // One additive mask [B or 1, 1, T, S] from the three kinds of masks (−∞ = not allowed);
        // only a key padding mask differs between the sequences of a batch.
        let maskBatch = keyPaddingMask == nil ? 1 : B
        var additive: [Float]?
        func forbid(_ i: Int, _ j: Int, batch: Int? = nil) {
            if additive == nil { additive = [Float](repeating: 0, count: maskBatch * T * S) }
            for b in batch.map({ $0..<$0 + 1 }) ?? 0..<maskBatch { additive![(b * T + i) * S + j] = -.infinity }
        }
        var floatMask: Tensor?
        if let m = attentionMask {
            guard m.shape == [T, S] else { throw TensorError.shape("attention mask must be [\(T), \(S)], found \(m.shape)") }
            if m.dtype == .bool {
                for i in 0..<T { for j in 0..<S where m.ints[i * S + j] != 0 { forbid(i, j) } }
            } else { floatMask = m }
        }
        if causal { for i in 0..<T { for j in 0..<S where j > i { forbid(i, j) } } }
        if let kpm = keyPaddingMask {
            guard kpm.shape == [B, S] else { throw TensorError.shape("key padding mask must be [\(B), \(S)], found \(kpm.shape)") }
            let k = kpm.toBool().ints
            for b in 0..<B { for j in 0..<S where k[b * S + j] != 0 { for i in 0..<T { forbid(i, j, batch: b) } } }
        }
        var mask: Tensor? = try additive.map { try Tensor(shape: [maskBatch, 1, T, S], floats: $0) }
        if let f = floatMask { mask = try mask.map { try $0.add(f) } ?? f.reshape([1, 1, T, S]) }
        let (ctxHeads, weights) = try Tensor.attention(qh, kh, vh, mask: mask)
        var ctx = try Tensor.mergeHeads(ctxHeads)
        if training && dropout > 0 {
            // Dropout on the weights needs them as a separate step: recompute that path unfused.
            let dropped = try weights.dropout(p: dropout)
            ctx = try Tensor.mergeHeads(dropped.matmul(vh))
        }
        return Result(output: try outProj.forward(ctx), weights: weights)
    }
}

/// nn.TransformerEncoderLayer (batch-first): self-attention and a feed-forward block, each
/// with a residual connection and LayerNorm, after (post-norm) or before (pre-norm) the block.
public final class TransformerEncoderLayer: Layer {
    public let selfAttn: MultiheadAttention
    public let linear1: Linear, linear2: Linear
    public let norm1: LayerNorm, norm2: LayerNorm
    public let dropout: Float
    public let activation: String
    public let normFirst: Bool
    /// Attention weights of the last call [B, heads, T, T], kept for explanations.
    public private(set) var lastAttention: Tensor?

    public init(dModel: Int, heads: Int, feedforward: Int = 2048, dropout: Float = 0.1, activation: String = "relu",
                normFirst: Bool = false, eps: Float = 1e-5) throws {
        guard activation == "relu" || activation == "gelu" else {
            throw TensorError(.value, "activation must be \"relu\" or \"gelu\", found \"\(activation)\"")
        }
        selfAttn = try MultiheadAttention(embedDim: dModel, numHeads: heads, dropout: dropout)
        linear1 = try Linear(dModel, feedforward)
        linear2 = try Linear(feedforward, dModel)
        norm1 = try LayerNorm(dModel, eps: eps)
        norm2 = try LayerNorm(dModel, eps: eps)
        self.dropout = dropout
        self.activation = activation
        self.normFirst = normFirst
        super.init()
        register("self_attn", selfAttn)
        register("linear1", linear1)
        register("linear2", linear2)
        register("norm1", norm1)
        register("norm2", norm2)
    }

    public override var details: String { "\(selfAttn.embedDim), \(selfAttn.numHeads) heads, \(activation), \(normFirst ? "pre-norm" : "post-norm")" }

    func drop(_ x: Tensor) throws -> Tensor { training && dropout > 0 ? try x.dropout(p: dropout) : x }

    func sa(_ x: Tensor, _ kpm: Tensor?, _ mask: Tensor?, _ causal: Bool) throws -> Tensor {
        let r = try selfAttn.attend(query: x, keyPaddingMask: kpm, attentionMask: mask, causal: causal)
        lastAttention = r.weights.detach()
        return try drop(r.output)
    }

    func ff(_ x: Tensor) throws -> Tensor {
        let a = try linear1.forward(x)
        return try drop(linear2.forward(drop(activation == "gelu" ? a.gelu() : a.relu())))
    }

    public func forward(_ x: Tensor, keyPaddingMask: Tensor? = nil, mask: Tensor? = nil, causal: Bool = false) throws -> Tensor {
        if normFirst {
            let h = try x.add(sa(norm1.forward(x), keyPaddingMask, mask, causal))
            return try h.add(ff(norm2.forward(h)))
        }
        let h = try norm1.forward(x.add(sa(x, keyPaddingMask, mask, causal)))
        return try norm2.forward(h.add(ff(h)))
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try forward(x, keyPaddingMask: nil) }
}

/// Fixed sinusoidal position encodings (Vaswani et al. 2017), added to [B, T, d] inputs.
public final class SinusoidalPositions: Layer {
    public let table: Tensor
    public init(dim: Int, maxLength: Int = 512) throws {
        var v = [Float](repeating: 0, count: maxLength * dim)
        for p in 0..<maxLength {
            for i in stride(from: 0, to: dim, by: 2) {
                let angle = Double(p) / FastMath.pow(10000, Double(i) / Double(dim))
                v[p * dim + i] = Float(FastMath.sin(angle))
                if i + 1 < dim { v[p * dim + i + 1] = Float(FastMath.cos(angle)) }
            }
        }
        table = try Tensor(shape: [maxLength, dim], floats: v)
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3, x.shape[1] <= table.shape[0], x.shape[2] == table.shape[1] else {
            throw TensorError.shape("sinusoidal positions for up to \(table.shape[0]) steps of \(table.shape[1]) features, found input \(x.shape)")
        }
        return try x.add(table.slice(dim: 0, start: 0, end: x.shape[1]))
    }
}

/// Learned position embeddings (a table of `maxLength` rows), added to [B, T, d] inputs.
public final class LearnedPositions: Layer {
    public let embedding: Embedding
    public init(dim: Int, maxLength: Int) throws {
        embedding = try Embedding(maxLength, dim)
        super.init()
        register("weight", embedding.weight)
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let T = x.shape.count == 3 ? x.shape[1] : 0
        guard T <= embedding.weight.value.shape[0] else {
            throw TensorError.shape("learned positions cover \(embedding.weight.value.shape[0]) steps, input has \(T)")
        }
        return try x.add(embedding.forward(Tensor.arange(0, Double(T), dtype: .int64)))
    }
}

/// Modules kept in a list, named 0, 1, 2… (nn.ModuleList).
public final class ModuleList<M: Module>: Module {
    public let items: [M]
    public init(_ items: [M]) {
        self.items = items
        super.init()
        for (i, m) in items.enumerated() { register(String(i), m) }
    }
}
