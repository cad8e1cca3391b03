import Tensors

/// The sizes and options of each family, under that family's names in config.json, with
/// transformers' defaults for absent fields.
extension PretrainedConfig {
    struct Fields {
        let keys: Keys
        let vocab: Int, hidden: Int, layers: Int, heads: Int, intermediate: Int, positions: Int, typeVocab: Int
        let eps: Float, activation: String, dropout: Float, sinusoidal: Bool
    }

    static func bertFields(_ r: ConfigReader) throws -> Fields {
        try refuseBertVariants(r)
        return Fields(
            keys: Keys(hidden: "hidden_size", layers: "num_hidden_layers", heads: "num_attention_heads",
                       intermediate: "intermediate_size", positions: "max_position_embeddings"),
            vocab: try r.int("vocab_size", 30522), hidden: try r.int("hidden_size", 768),
            layers: try r.int("num_hidden_layers", 12), heads: try r.int("num_attention_heads", 12),
            intermediate: try r.int("intermediate_size", 3072), positions: try r.int("max_position_embeddings", 512),
            typeVocab: try r.int("type_vocab_size", 2), eps: try r.float("layer_norm_eps", 1e-12, in: 0...0.1),
            activation: try r.string("hidden_act", "gelu"),
            dropout: try r.float("hidden_dropout_prob", 0.1, in: 0...0.99), sinusoidal: false)
    }

    static func distilBertFields(_ r: ConfigReader) throws -> Fields {
        Fields(
            keys: Keys(hidden: "dim", layers: "n_layers", heads: "n_heads", intermediate: "hidden_dim",
                       positions: "max_position_embeddings"),
            vocab: try r.int("vocab_size", 30522), hidden: try r.int("dim", 768), layers: try r.int("n_layers", 6),
            heads: try r.int("n_heads", 12), intermediate: try r.int("hidden_dim", 3072),
            positions: try r.int("max_position_embeddings", 512), typeVocab: 0,
            // DistilBERT's LayerNorms have eps 1e-12, not a config field.
            eps: 1e-12, activation: try r.string("activation", "gelu"),
            dropout: try r.float("dropout", 0.1, in: 0...0.99), sinusoidal: try r.bool("sinusoidal_pos_embds", false))
    }

    static func gpt2Fields(_ r: ConfigReader) throws -> Fields {
        try refuseGPT2Variants(r)
        let hidden = try r.int("n_embd", 768)
        let inner = try r.optionalInt("n_inner", min: 1, max: ConfigReader.maxDimension)
        return Fields(
            keys: Keys(hidden: "n_embd", layers: "n_layer", heads: "n_head", intermediate: "n_inner",
                       positions: "n_positions"),
            vocab: try r.int("vocab_size", 50257), hidden: hidden, layers: try r.int("n_layer", 12),
            heads: try r.int("n_head", 12), intermediate: try inner ?? product(4, hidden, "4 × n_embd", r),
            positions: try r.int("n_positions", 1024), typeVocab: 0,
            eps: try r.float("layer_norm_epsilon", 1e-5, in: 0...0.1),
            activation: try r.string("activation_function", "gelu_new"),
            dropout: try r.float("resid_pdrop", 0.1, in: 0...0.99), sinusoidal: false)
    }
}
