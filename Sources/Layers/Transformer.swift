import Tensors

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
        // "gelu" is the exact erf form; "gelu_tanh" its tanh approximation (GPT-2's "gelu_new").
        guard ["relu", "gelu", "gelu_tanh"].contains(activation) else {
            throw TensorError(.value, "activation must be \"relu\", \"gelu\" or \"gelu_tanh\", found \"\(activation)\"")
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
        register(children: ("self_attn", selfAttn), ("linear1", linear1), ("linear2", linear2), ("norm1", norm1),
                           ("norm2", norm2))
    }

    public override var details: String {
        "\(selfAttn.embedDim), \(selfAttn.numHeads) heads, \(activation), \(normFirst ? "pre-norm" : "post-norm")"
    }

    func drop(_ x: Tensor) throws -> Tensor { training && dropout > 0 ? try x.dropout(p: dropout) : x }

    func sa(_ x: Tensor, _ kpm: Tensor?, _ mask: Tensor?, _ causal: Bool) throws -> Tensor {
        let r = try selfAttn.attend(query: x, keyPaddingMask: kpm, attentionMask: mask, causal: causal)
        lastAttention = r.weights.detach()
        return try drop(r.output)
    }

    func ff(_ x: Tensor) throws -> Tensor {
        let a = try linear1(x)
        let h: Tensor
        switch activation {
        case "gelu": h = a.gelu()
        case "gelu_tanh": h = a.gelu(approximate: true)
        default: h = a.relu()
        }
        return try drop(linear2(drop(h)))
    }

    public func forward(_ x: Tensor, keyPaddingMask: Tensor? = nil, mask: Tensor? = nil,
                        causal: Bool = false) throws -> Tensor {
        if normFirst {
            let h = try x.add(sa(norm1(x), keyPaddingMask, mask, causal))
            return try h.add(ff(norm2(h)))
        }
        let h = try norm1(x.add(sa(x, keyPaddingMask, mask, causal)))
        return try norm2(h.add(ff(h)))
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try forward(x, keyPaddingMask: nil) }
}
