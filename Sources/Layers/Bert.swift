import Tensors

/// A small BERT: a bidirectional Transformer encoder (every token sees every other token,
/// padding ignored) with two heads on the same encoder:
/// - a masked-language-model head (Linear → GELU → LayerNorm → Linear to the vocabulary, as
///   BERT's) that predicts hidden tokens from both sides, for pre-training;
/// - a classification head on the mean of the valid positions, for fine-tuning.
/// BERT pools its [CLS] token, which its next-sentence objective trains; without that
/// objective [CLS] learns nothing in pre-training, so this model pools the mean instead.
public final class Bert: Module, TextClassifier {
    public let embedding: Embedding
    public let positions: Embedding
    public let embeddingNorm: LayerNorm
    public let layers: ModuleList<TransformerEncoderLayer>
    public let mlmTransform: Linear
    public let mlmNorm: LayerNorm
    public let mlmDecoder: Linear
    public let head: Linear
    public let maxLength: Int
    /// The id of the [MASK] token in the model's vocabulary.
    public let maskId: Int

    public init(vocab: Int, maskId: Int, dModel: Int, heads: Int, layers n: Int, feedforward: Int? = nil,
                classes: Int = 2, maxLength: Int = 64, dropout: Float = 0.1) throws {
        guard dModel > 0, heads > 0, dModel % heads == 0 else {
            throw TensorError.value("d_model must be a positive multiple of heads, found \(dModel) and \(heads)")
        }
        guard n >= 1, classes >= 1, maxLength >= 1 else {
            throw TensorError.value("layers, classes and max_length must be positive")
        }
        guard maskId > 1, maskId < vocab else {
            throw TensorError.value("the [MASK] id must be a token of the vocabulary (2..<\(vocab)), found \(maskId)")
        }
        embedding = try Embedding(vocab, dModel, paddingIndex: 0)
        positions = try Embedding(maxLength, dModel)
        embeddingNorm = try LayerNorm(dModel)
        layers = ModuleList(try (0..<n).map { _ in
            try TransformerEncoderLayer(dModel: dModel, heads: heads, feedforward: feedforward ?? 4 * dModel,
                                        dropout: dropout, activation: "gelu")
        })
        mlmTransform = try Linear(dModel, dModel)
        mlmNorm = try LayerNorm(dModel)
        mlmDecoder = try Linear(dModel, vocab)
        head = try Linear(dModel, classes == 2 ? 1 : classes)
        self.maxLength = maxLength
        self.maskId = maskId
        super.init()
        register(children: ("embedding", embedding), ("positions", positions), ("embedding_norm", embeddingNorm),
                           ("layers", layers), ("mlm_transform", mlmTransform), ("mlm_norm", mlmNorm),
                           ("mlm_decoder", mlmDecoder), ("head", head))
    }

    public override var typeName: String { "BERT" }
    public var vocabularySize: Int { mlmDecoder.outFeatures }

    /// Contextual vectors [B, T, d] from token embeddings [B, T, d] and row lengths.
    public func encode(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        let T = try encoderSteps(embedded, lengths: lengths, maxLength: maxLength, model: "BERT")
        var h = try embeddingNorm(embedded.add(positions(Tensor.arange(0, Double(T), dtype: .int64))))
        h = try dropoutLayer(h)
        let padding = try paddingMasks(lengths: lengths, steps: T).padding
        for layer in layers.items { h = try layer.hooked(h) { try layer.forward($0, keyPaddingMask: padding) } }
        return h
    }

    private func dropoutLayer(_ h: Tensor) throws -> Tensor {
        guard training, let p = layers.items.first?.dropout, p > 0 else { return h }
        return try h.dropout(p: p)
    }

    /// Classification logits ([B] for two classes, else [B, C]) from the mean of the valid positions.
    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        let h = try encode(embedded: embedded, lengths: lengths)
        let out = try head(try h.mul(paddingMasks(lengths: lengths, steps: h.shape[1]).mean).sum(dim: 1))
        return out.shape[1] == 1 ? try out.squeeze(1) : out
    }

    /// Vocabulary logits [N, vocab] at the flat positions `rows` (b·T + t) of encoder output
    /// [B, T, d]: only the positions that are asked about go through the wide decoder.
    public func maskedLMLogits(hidden: Tensor, rows: [Int]) throws -> Tensor {
        let d = hidden.shape[2]
        let picked = try hidden.reshape([hidden.shape[0] * hidden.shape[1], d])
            .indexSelect(dim: 0, index: Tensor(shape: [rows.count], ints: rows.map(Int64.init)))
        return try mlmDecoder.forward(mlmNorm.forward(mlmTransform.forward(picked).gelu()))
    }
}
