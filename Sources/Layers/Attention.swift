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
    /// in_proj_weight transposed and laid out for the product kernels: the whole (self-attention),
    /// and its query, key and value rows, made only when keys or values come apart (cross-attention).
    let packedInProj = PackedWeight()
    let packedInProjParts = [PackedWeight(), PackedWeight(), PackedWeight()]

    public init(embedDim: Int, numHeads: Int, dropout: Float = 0) throws {
        guard embedDim > 0, numHeads > 0, embedDim % numHeads == 0 else {
            throw TensorError(.value, "MultiheadAttention needs embed_dim divisible by num_heads, found \(embedDim) "
                              + "and \(numHeads)")
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
        let E = embedDim
        guard query.rank == 3, query.shape[2] == E else {
            throw TensorError.shape("attention needs a query [batch, time, \(E)], found \(query.shape)")
        }
        let B = query.shape[0], T = query.shape[1]
        let keys = key ?? query
        let S = keys.shape.count == 3 ? keys.shape[1] : 0
        let (qh, kh, vh) = try projectHeads(query: query, key: key, value: value)
        let mask = try MultiheadAttention.combinedMask(batch: B, queries: T, keys: S, keyPadding: keyPaddingMask,
                                                       attention: attentionMask, causal: causal)
        let (ctxHeads, weights) = try Tensor.attention(qh, kh, vh, mask: mask)
        var ctx = try Tensor.mergeHeads(ctxHeads)
        if training && dropout > 0 {
            // Dropout on the weights needs them as a separate step: recompute that path unfused.
            let dropped = try weights.dropout(p: dropout)
            ctx = try Tensor.mergeHeads(dropped.matmul(vh))
        }
        return Result(output: try outProj.forward(ctx), weights: weights)
    }

    /// Queries, keys and values split into heads [B, heads, T or S, d]. Self-attention takes one
    /// projection, split straight into heads (one pass each way); quantized, the projections
    /// run int8 × int8 (the float weights hold what the codes stand for).
    func projectHeads(query: Tensor, key: Tensor?, value: Tensor?) throws -> (q: Tensor, k: Tensor, v: Tensor) {
        let E = embedDim, h = numHeads, d = E / h
        let B = query.shape[0], T = query.shape[1]
        let k = key ?? query, v = value ?? k
        let S = k.shape.count == 3 ? k.shape[1] : 0
        let w = inProjWeight.value, b = inProjBias.value
        func heads(_ x: Tensor, _ len: Int) throws -> Tensor { try x.reshape([B, len, h, d]).permute([0, 2, 1, 3]) }
        func project(_ x: Tensor, _ part: Range<Int>) throws -> Tensor {
            let whole = part.count == 3 * E
            let bias = whole ? b : try b.slice(dim: 0, start: part.lowerBound, end: part.upperBound)
            if let q = inProjInt8 { return try Tensor.int8Linear(x, whole ? q : q.rows(part), bias) }
            if whole { return try Tensor.linear(x, w, bias, packed: packedInProj.transposed(inProjWeight, w)) }
            let rows = try w.slice(dim: 0, start: part.lowerBound, end: part.upperBound)
            let packed = packedInProjParts[part.lowerBound / E].transposed(inProjWeight, w, rows: part)
            return try Tensor.linear(x, rows, bias, packed: packed)
        }
        if key == nil && value == nil {
            return try Tensor.splitHeads(project(query, 0..<3 * E), heads: h)
        }
        return (try heads(project(query, 0..<E), T), try heads(project(k, E..<2 * E), S),
                try heads(project(v, 2 * E..<3 * E), S))
    }

    /// One additive mask [B or 1, 1, T, S] from the three kinds of masks (−∞ = not allowed),
    /// or nil when there is none; only a key padding mask differs between the sequences of a batch.
    static func combinedMask(batch B: Int, queries T: Int, keys S: Int, keyPadding keyPaddingMask: Tensor?,
                             attention attentionMask: Tensor?, causal: Bool) throws -> Tensor? {
        let maskBatch = keyPaddingMask == nil ? 1 : B
        var additive: [Float]?
        func forbid(_ i: Int, _ j: Int, batch: Int? = nil) {
            if additive == nil { additive = [Float](repeating: 0, count: maskBatch * T * S) }
            for b in batch.map({ $0..<$0 + 1 }) ?? 0..<maskBatch { additive![(b * T + i) * S + j] = -.infinity }
        }
        var floatMask: Tensor?
        if let m = attentionMask {
            guard m.shape == [T, S] else {
                throw TensorError.shape("attention mask must be [\(T), \(S)], found \(m.shape)")
            }
            if m.dtype == .bool {
                for i in 0..<T { for j in 0..<S where m.ints[i * S + j] != 0 { forbid(i, j) } }
            } else { floatMask = m }
        }
        if causal { for i in 0..<T { for j in 0..<S where j > i { forbid(i, j) } } }
        if let kpm = keyPaddingMask {
            guard kpm.shape == [B, S] else {
                throw TensorError.shape("key padding mask must be [\(B), \(S)], found \(kpm.shape)")
            }
            let k = kpm.toBool().ints
            for b in 0..<B { for j in 0..<S where k[b * S + j] != 0 { for i in 0..<T { forbid(i, j, batch: b) } } }
        }
        var mask: Tensor? = try additive.map { try Tensor(shape: [maskBatch, 1, T, S], floats: $0) }
        if let f = floatMask { mask = try mask.map { try $0.add(f) } ?? f.reshape([1, 1, T, S]) }
        return mask
    }
}
