import Layers
import Tensors

/// GPT-2 (GPT2LMHeadModel) as a TinyGPT: pre-norm blocks with the tanh GELU, LayerNorm eps from
/// the config, and a head without bias whose weight is the token embeddings' (tied).
enum GPT2Loading {
    /// The TinyGPT of `c` with the checkpoint's tensors, each found and its shape checked before
    /// the model is built; `tiedValues` counts the head's copy of the token embeddings.
    static func load(_ c: PretrainedConfig, _ t: CheckpointTensors) throws -> (model: TinyGPT, tiedValues: Int) {
        let H = c.hiddenSize, V = c.vocabSize
        let wte = try t.take("wte.weight", [V, H], sizes: "vocab_size × n_embd")
        var state: [(String, Tensor)] = [
            ("tok_emb.weight", wte),
            ("pos_emb.weight", try t.take("wpe.weight", [c.maxPositions, H], sizes: "n_positions × n_embd")),
        ]
        for i in 0..<c.layerCount { state += try block(i, c, t) }
        state += try t.linear("ln_f", into: "ln_f", [H], "n_embd", H, "n_embd")
        var tied = 0
        if c.tieWordEmbeddings {
            state.append(("head.weight", wte))
            tied = wte.count
            t.markTied("lm_head.weight")
        } else {
            state.append(("head.weight", try t.take("lm_head.weight", [V, H], sizes: "vocab_size × n_embd",
                                                    base: false)))
        }
        let model = try TinyGPT(vocab: V, dModel: H, heads: c.headCount, layers: c.layerCount,
                                context: c.maxPositions, dropout: c.dropout, feedforward: c.intermediateSize,
                                activation: c.activation, eps: c.layerNormEps, headBias: false)
        try model.loadStateDict(Dictionary(state, uniquingKeysWith: { a, _ in a }))
        model.eval()
        return (model, tied)
    }

    /// Block `i` (h.i.*) under TinyGPT's names. GPT-2's Conv1D keeps its weight as [in, out]:
    /// each is transposed to nn.Linear's [out, in]; c_attn's columns are query, key, value,
    /// which is in_proj_weight's row order.
    static func block(_ i: Int, _ c: PretrainedConfig, _ t: CheckpointTensors) throws -> [(String, Tensor)] {
        let H = c.hiddenSize, I = c.intermediateSize, p = "h.\(i).", to = "blocks.\(i)."
        func conv1D(_ name: String, _ inputs: Int, _ outputs: Int, _ sizes: String, _ outSizes: String)
            throws -> (Tensor, Tensor) {
            let w = try t.take(p + name + ".weight", [inputs, outputs], sizes: sizes)
            return (try w.transpose(0, 1), try t.take(p + name + ".bias", [outputs], sizes: outSizes))
        }
        let attn = try conv1D("attn.c_attn", H, 3 * H, "n_embd × 3·n_embd", "3·n_embd")
        let proj = try conv1D("attn.c_proj", H, H, "n_embd × n_embd", "n_embd")
        let fc = try conv1D("mlp.c_fc", H, I, "n_embd × n_inner", "n_inner")
        let down = try conv1D("mlp.c_proj", I, H, "n_inner × n_embd", "n_embd")
        return [
            (to + "self_attn.in_proj_weight", attn.0), (to + "self_attn.in_proj_bias", attn.1),
            (to + "self_attn.out_proj.weight", proj.0), (to + "self_attn.out_proj.bias", proj.1),
            (to + "linear1.weight", fc.0), (to + "linear1.bias", fc.1),
            (to + "linear2.weight", down.0), (to + "linear2.bias", down.1),
        ] + (try t.linear(p + "ln_1", into: to + "norm1", [H], "n_embd", H, "n_embd"))
          + (try t.linear(p + "ln_2", into: to + "norm2", [H], "n_embd", H, "n_embd"))
    }
}
