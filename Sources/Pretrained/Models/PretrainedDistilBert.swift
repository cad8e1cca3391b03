import Layers
import Tensors

/// A DistilBERT checkpoint (DistilBertModel, DistilBertForSequenceClassification), computing
/// what transformers computes: word + position embeddings and LayerNorm (no token types),
/// post-norm encoder layers that ignore padding keys, and the classifier head on the first
/// token (pre_classifier → ReLU → classifier). Dotted names are transformers'
/// (`distilbert.embeddings.word_embeddings`, `distilbert.transformer.layer.0`, `pre_classifier`),
/// except inside an encoder layer, which is nn.TransformerEncoderLayer's.
public final class PretrainedDistilBert: Module, TextClassifier {
    public let config: PretrainedConfig
    public let embeddings: TextEmbeddings
    public let layers: ModuleList<TransformerEncoderLayer>
    public let preClassifier: Linear?
    public let classifier: Linear?

    init(_ c: PretrainedConfig, classifier withClassifier: Bool) throws {
        config = c
        embeddings = try TextEmbeddings(c)
        layers = ModuleList(try (0..<c.layerCount).map { _ in
            try TransformerEncoderLayer(dModel: c.hiddenSize, heads: c.headCount, feedforward: c.intermediateSize,
                                        dropout: c.dropout, activation: c.activation, eps: c.layerNormEps)
        })
        preClassifier = withClassifier ? try Linear(c.hiddenSize, c.hiddenSize) : nil
        classifier = withClassifier ? try Linear(c.hiddenSize, c.numLabels) : nil
        super.init()
        register("distilbert", ModuleGroup("DistilBertModel", [
            ("embeddings", embeddings), ("transformer", ModuleGroup("Transformer", [("layer", layers)])),
        ]))
        if let preClassifier, let classifier {
            register(children: ("pre_classifier", preClassifier), ("classifier", classifier))
        }
    }

    public override var typeName: String { config.architecture }
    public override var details: String {
        "\(config.hiddenSize), \(config.layerCount) layers, \(config.headCount) heads"
    }

    /// The word embeddings: explanations attribute to their output.
    public var embedding: Embedding { embeddings.wordEmbeddings }
    /// The classifier's labels in id order (none without a classifier).
    public var labels: [String] { classifier == nil ? [] : config.labels }
    public var hasClassifier: Bool { classifier != nil }
    /// DistilBERT has no masked-LM head here.
    public var hasMaskedLMHead: Bool { false }
    /// The longest sequence (max_position_embeddings).
    public var maxLength: Int { config.maxPositions }

    /// The last hidden state [B, T, H] of token ids [B, T] padded after each row's length.
    public func encode(ids: Tensor, lengths: [Int]) throws -> Tensor {
        try EncoderInput.checkIds(ids, model: typeName)
        return try encode(embedded: embedding(ids), lengths: lengths)
    }

    /// The same from word embeddings [B, T, H]; positions are added inside.
    public func encode(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        try EncoderInput.check(embedded, lengths: lengths, tokenTypes: nil, hidden: config.hiddenSize,
                               maxLength: maxLength, model: typeName)
        return try EncoderInput.run(layers, embeddings.forward(embedded: embedded, tokenTypes: nil),
                                    lengths: lengths)
    }

    /// Classifier logits [B, num_labels] of a last hidden state [B, T, H]: ReLU(pre_classifier(first
    /// token)) → dropout in training → classifier.
    public func classifierLogits(_ hidden: Tensor) throws -> Tensor {
        guard let preClassifier, let classifier else { throw noClassifier }
        var x = try preClassifier(hidden.select(dim: 1, index: 0)).relu()
        if training && config.dropout > 0 { x = try x.dropout(p: config.dropout) }
        return try classifier(x)
    }

    var noClassifier: TensorError {
        TensorError.value("\(typeName) has no classifier: load a DistilBertForSequenceClassification checkpoint "
                          + "to classify")
    }

    /// Classifier logits [B, num_labels] from word embeddings [B, T, H].
    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        guard hasClassifier else { throw noClassifier }
        return try classifierLogits(encode(embedded: embedded, lengths: lengths))
    }
}
