import Tensors

extension PretrainedBert {
    /// The BERT of `c` with the checkpoint's tensors: every tensor is found and its shape
    /// checked before the model is built. A BertModel keeps its pooler when the file has one.
    static func load(_ c: PretrainedConfig, _ t: CheckpointTensors) throws -> PretrainedBert {
        var heads = Heads()
        heads.classifier = c.architecture == "BertForSequenceClassification"
        heads.maskedLM = c.architecture == "BertForMaskedLM"
        heads.pooler = heads.classifier || (c.architecture == "BertModel" && t.has("pooler.dense.weight"))
        heads.untiedDecoder = heads.maskedLM && !c.tieWordEmbeddings
        var state = try embeddingState(c, t)
        for i in 0..<c.layerCount {
            state += try t.encoderLayer("encoder.layer.\(i).", into: "bert.encoder.layer.\(i).", names: .bert,
                                        config: c)
        }
        let H = c.hiddenSize, hk = c.keys.hidden, square = "\(hk) × \(hk)"
        if heads.pooler {
            state += try t.linear("pooler.dense", into: "bert.pooler.dense", [H, H], square, H, hk)
        }
        if heads.classifier {
            state += try t.linear("classifier", into: "classifier", [c.numLabels, H], "num_labels × \(hk)",
                                  c.numLabels, "num_labels", base: false)
        }
        if heads.maskedLM { state += try maskedLMState(c, t, untied: heads.untiedDecoder) }
        let model = try PretrainedBert(c, heads: heads)
        try model.loadStateDict(Dictionary(state, uniquingKeysWith: { a, _ in a }))
        model.eval()
        return model
    }

    static func embeddingState(_ c: PretrainedConfig, _ t: CheckpointTensors) throws -> [(String, Tensor)] {
        let H = c.hiddenSize, hk = c.keys.hidden
        return [
            ("bert.embeddings.word_embeddings.weight",
             try t.take("embeddings.word_embeddings.weight", [c.vocabSize, H], sizes: "vocab_size × \(hk)")),
            ("bert.embeddings.position_embeddings.weight",
             try t.take("embeddings.position_embeddings.weight", [c.maxPositions, H],
                        sizes: "max_position_embeddings × \(hk)")),
            ("bert.embeddings.token_type_embeddings.weight",
             try t.take("embeddings.token_type_embeddings.weight", [c.typeVocabSize, H],
                        sizes: "type_vocab_size × \(hk)")),
        ] + (try t.linear("embeddings.LayerNorm", into: "bert.embeddings.LayerNorm", [H], hk, H, hk))
    }

    /// cls.predictions: the transform, the bias, and the decoder when it is not tied to the word
    /// embeddings (a tied decoder's saved copy is left unread, as transformers does).
    static func maskedLMState(_ c: PretrainedConfig, _ t: CheckpointTensors, untied: Bool) throws
        -> [(String, Tensor)] {
        let H = c.hiddenSize, hk = c.keys.hidden, p = "cls.predictions."
        var state = try t.linear(p + "transform.dense", into: p + "transform.dense", [H, H], "\(hk) × \(hk)", H, hk,
                                 base: false)
        state += try t.linear(p + "transform.LayerNorm", into: p + "transform.LayerNorm", [H], hk, H, hk, base: false)
        state.append((p + "bias", try t.take(p + "bias", [c.vocabSize], sizes: "vocab_size", base: false)))
        if untied {
            state.append((p + "decoder.weight", try t.take(p + "decoder.weight", [c.vocabSize, H],
                                                           sizes: "vocab_size × \(hk)", base: false)))
        } else {
            t.markTied(p + "decoder.weight")
        }
        t.markTied(p + "decoder.bias")
        return state
    }
}
