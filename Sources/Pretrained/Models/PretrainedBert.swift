import Layers
import Tensors

/// A BERT checkpoint (BertModel, BertForSequenceClassification, BertForMaskedLM; a MiniLM is
/// one too), computing what transformers computes: embeddings, post-norm encoder layers that
/// ignore padding keys, and the heads the checkpoint has: the pooler (dense + tanh on the
/// first token) and classifier, or the masked-LM head (dense → activation → LayerNorm → the
/// word embeddings as decoder, plus a bias). Dotted names are transformers' (`bert.embeddings.word_embeddings`,
/// `bert.encoder.layer.0`, `classifier`, `cls.predictions.transform.dense`), except inside an
/// encoder layer, which is nn.TransformerEncoderLayer's (`self_attn`, `linear1`, `norm1`, …).
public final class PretrainedBert: Module, TextClassifier {
    public let config: PretrainedConfig
    public let embeddings: TextEmbeddings
    public let layers: ModuleList<TransformerEncoderLayer>
    /// `bert.pooler.dense`, when the checkpoint has a pooler.
    public let pooler: Linear?
    public let classifier: Linear?
    /// The masked-LM head: `cls.predictions.transform.dense`, its `LayerNorm`, and `cls.predictions.bias`.
    public let mlmTransform: Linear?
    public let mlmNorm: LayerNorm?
    public let mlmBias: Parameter?
    /// `cls.predictions.decoder` when its weight is not the word embeddings (tie_word_embeddings false).
    public let mlmDecoder: Linear?

    /// The parts to build besides the encoder.
    struct Heads { var pooler = false, classifier = false, maskedLM = false, untiedDecoder = false }

    init(_ c: PretrainedConfig, heads: Heads) throws {
        config = c
        embeddings = try TextEmbeddings(c)
        layers = ModuleList(try (0..<c.layerCount).map { _ in
            try TransformerEncoderLayer(dModel: c.hiddenSize, heads: c.headCount, feedforward: c.intermediateSize,
                                        dropout: c.dropout, activation: c.activation, eps: c.layerNormEps)
        })
        let H = c.hiddenSize
        pooler = heads.pooler ? try Linear(H, H) : nil
        classifier = heads.classifier ? try Linear(H, c.numLabels) : nil
        mlmTransform = heads.maskedLM ? try Linear(H, H) : nil
        mlmNorm = heads.maskedLM ? try LayerNorm(H, eps: c.layerNormEps) : nil
        mlmBias = heads.maskedLM ? try Parameter(Tensor.zeros([c.vocabSize])) : nil
        mlmDecoder = heads.maskedLM && heads.untiedDecoder ? try Linear(H, c.vocabSize, bias: false) : nil
        super.init()
        var body: [(String, Module)] = [("embeddings", embeddings),
                                        ("encoder", ModuleGroup("BertEncoder", [("layer", layers)]))]
        if let pooler { body.append(("pooler", ModuleGroup("BertPooler", [("dense", pooler)]))) }
        register("bert", ModuleGroup("BertModel", body))
        if let classifier { register("classifier", classifier) }
        if let mlmTransform, let mlmNorm, let mlmBias {
            let transform = ModuleGroup("BertPredictionHeadTransform",
                                        [("dense", mlmTransform), ("LayerNorm", mlmNorm)])
            let decoder: [(String, Module)] = mlmDecoder.map { [("decoder", $0)] } ?? []
            let predictions = ModuleGroup("BertLMPredictionHead", [("transform", transform)] + decoder,
                                          parameters: [("bias", mlmBias)])
            register("cls", ModuleGroup("BertOnlyMLMHead", [("predictions", predictions)]))
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
    public var hasMaskedLMHead: Bool { mlmTransform != nil }
    /// The longest sequence (max_position_embeddings).
    public var maxLength: Int { config.maxPositions }

    /// The last hidden state [B, T, H] of token ids [B, T] padded after each row's length.
    public func encode(ids: Tensor, lengths: [Int], tokenTypes: Tensor? = nil) throws -> Tensor {
        try EncoderInput.checkIds(ids, model: typeName)
        return try encode(embedded: embedding(ids), lengths: lengths, tokenTypes: tokenTypes)
    }

    /// The same from word embeddings [B, T, H]; positions and token types (zeros when nil) are added inside.
    public func encode(embedded: Tensor, lengths: [Int], tokenTypes: Tensor? = nil) throws -> Tensor {
        try EncoderInput.check(embedded, lengths: lengths, tokenTypes: tokenTypes, hidden: config.hiddenSize,
                               maxLength: maxLength, model: typeName)
        return try EncoderInput.run(layers, embeddings.forward(embedded: embedded, tokenTypes: tokenTypes),
                                    lengths: lengths)
    }

    /// tanh(dense(first token)) [B, H] of a last hidden state [B, T, H].
    public func pooled(_ hidden: Tensor) throws -> Tensor {
        guard let pooler else {
            throw TensorError.value("this \(typeName) checkpoint has no pooler (bert.pooler.dense)")
        }
        return try pooler(hidden.select(dim: 1, index: 0)).tanh()
    }

    /// Classifier logits [B, num_labels] of a last hidden state [B, T, H].
    public func classifierLogits(_ hidden: Tensor) throws -> Tensor {
        guard let classifier else { throw noClassifier }
        var x = try pooled(hidden)
        if training && config.dropout > 0 { x = try x.dropout(p: config.dropout) }
        return try classifier(x)
    }

    /// Vocabulary logits [B, T, vocab] of a last hidden state [B, T, H].
    public func maskedLMLogits(_ hidden: Tensor) throws -> Tensor {
        guard let mlmTransform, let mlmNorm, let mlmBias else {
            throw TensorError.value("\(typeName) has no masked-LM head: load a BertForMaskedLM checkpoint to "
                                    + "predict masked tokens")
        }
        let x = try mlmNorm(EncoderInput.activate(config.activation, mlmTransform(hidden)))
        if let mlmDecoder { return try mlmDecoder(x).add(mlmBias.value) }
        let w = embedding.weight.value
        return try Tensor.linear(x, w, mlmBias.value, packed: tiedDecoderLayout.transposed(embedding.weight, w))
    }

    /// The tied decoder's weight (the word embeddings, vocabulary × width) laid out once for products.
    private let tiedDecoderLayout = PackedWeight()

    var noClassifier: TensorError {
        TensorError.value("\(typeName) has no classifier: load a BertForSequenceClassification checkpoint to classify")
    }

    /// Classifier logits [B, num_labels] from word embeddings [B, T, H] (token types zero).
    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        guard hasClassifier else { throw noClassifier }
        return try classifierLogits(encode(embedded: embedded, lengths: lengths))
    }
}
