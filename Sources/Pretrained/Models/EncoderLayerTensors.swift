import Tensors

/// Where a transformers encoder layer's tensors are, relative to the layer (each a module
/// whose `.weight` and `.bias` are read), for the two families that share the layer's design.
struct EncoderLayerNames {
    let query: String, key: String, value: String, output: String, norm1: String
    let feedforward1: String, feedforward2: String, norm2: String

    static let bert = EncoderLayerNames(
        query: "attention.self.query", key: "attention.self.key", value: "attention.self.value",
        output: "attention.output.dense", norm1: "attention.output.LayerNorm",
        feedforward1: "intermediate.dense", feedforward2: "output.dense", norm2: "output.LayerNorm")
    static let distilBert = EncoderLayerNames(
        query: "attention.q_lin", key: "attention.k_lin", value: "attention.v_lin", output: "attention.out_lin",
        norm1: "sa_layer_norm", feedforward1: "ffn.lin1", feedforward2: "ffn.lin2", norm2: "output_layer_norm")
}

extension CheckpointTensors {
    /// The state of the post-norm encoder layer at `layer` in the file ("encoder.layer.3."),
    /// under nn.TransformerEncoderLayer's names after `into`: query, key and value stack into
    /// self_attn.in_proj_weight [3H, H] and in_proj_bias [3H]; the attention's output dense is
    /// out_proj; the feed-forward denses are linear1 and linear2; the LayerNorms norm1 and norm2.
    func encoderLayer(_ layer: String, into: String, names n: EncoderLayerNames,
                      config c: PretrainedConfig) throws -> [(String, Tensor)] {
        let H = c.hiddenSize, I = c.intermediateSize
        let square = "\(c.keys.hidden) × \(c.keys.hidden)", width = c.keys.hidden
        let up = "\(c.keys.intermediate) × \(c.keys.hidden)", down = "\(c.keys.hidden) × \(c.keys.intermediate)"
        func pair(_ module: String, _ w: [Int], _ wSizes: String, _ b: Int, _ bSizes: String) throws
            -> (Tensor, Tensor) {
            (try take(layer + module + ".weight", w, sizes: wSizes),
             try take(layer + module + ".bias", [b], sizes: bSizes))
        }
        let q = try pair(n.query, [H, H], square, H, width)
        let k = try pair(n.key, [H, H], square, H, width)
        let v = try pair(n.value, [H, H], square, H, width)
        let o = try pair(n.output, [H, H], square, H, width)
        let n1 = try pair(n.norm1, [H], width, H, width)
        let f1 = try pair(n.feedforward1, [I, H], up, I, c.keys.intermediate)
        let f2 = try pair(n.feedforward2, [H, I], down, H, width)
        let n2 = try pair(n.norm2, [H], width, H, width)
        return [
            (into + "self_attn.in_proj_weight", try Tensor.cat([q.0, k.0, v.0], dim: 0)),
            (into + "self_attn.in_proj_bias", try Tensor.cat([q.1, k.1, v.1], dim: 0)),
            (into + "self_attn.out_proj.weight", o.0), (into + "self_attn.out_proj.bias", o.1),
            (into + "linear1.weight", f1.0), (into + "linear1.bias", f1.1),
            (into + "linear2.weight", f2.0), (into + "linear2.bias", f2.1),
            (into + "norm1.weight", n1.0), (into + "norm1.bias", n1.1),
            (into + "norm2.weight", n2.0), (into + "norm2.bias", n2.1),
        ]
    }

    /// A module's weight and bias under our name `into`.
    func linear(_ name: String, into: String, _ w: [Int], _ wSizes: String, _ b: Int, _ bSizes: String,
                base: Bool = true) throws -> [(String, Tensor)] {
        [(into + ".weight", try take(name + ".weight", w, sizes: wSizes, base: base)),
         (into + ".bias", try take(name + ".bias", [b], sizes: bSizes, base: base))]
    }
}
