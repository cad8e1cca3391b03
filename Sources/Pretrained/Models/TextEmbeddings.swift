import Layers
import Tensors

/// The input of a BERT-style encoder: LayerNorm(word + token type + position embeddings),
/// then dropout in training. DistilBERT has no token types. Children are named as in
/// transformers (`word_embeddings`, `position_embeddings`, `token_type_embeddings`, `LayerNorm`).
public final class TextEmbeddings: Module {
    public let wordEmbeddings: Embedding
    public let positionEmbeddings: Embedding
    public let tokenTypeEmbeddings: Embedding?
    public let layerNorm: LayerNorm
    public let dropout: Float

    init(_ c: PretrainedConfig) throws {
        wordEmbeddings = try Embedding(c.vocabSize, c.hiddenSize, paddingIndex: c.padTokenId)
        positionEmbeddings = try Embedding(c.maxPositions, c.hiddenSize)
        tokenTypeEmbeddings = c.typeVocabSize > 0 ? try Embedding(c.typeVocabSize, c.hiddenSize) : nil
        layerNorm = try LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        dropout = c.dropout
        super.init()
        register(children: ("word_embeddings", wordEmbeddings), ("position_embeddings", positionEmbeddings))
        if let tokenTypeEmbeddings { register("token_type_embeddings", tokenTypeEmbeddings) }
        register("LayerNorm", layerNorm)
    }

    public override var typeName: String { tokenTypeEmbeddings == nil ? "Embeddings" : "BertEmbeddings" }

    /// [B, T, H] from word embeddings [B, T, H] and token types [B, T] (zeros when nil), in
    /// transformers' order of additions: (word + token type) + position.
    public func forward(embedded: Tensor, tokenTypes: Tensor?) throws -> Tensor {
        let B = embedded.shape[0], T = embedded.shape[1]
        var h = embedded
        if let types = tokenTypeEmbeddings {
            h = try h.add(types(tokenTypes ?? Tensor.zeros([B, T], dtype: .int64)))
        }
        h = try h.add(positionEmbeddings(Tensor.arange(0, Double(T), dtype: .int64)))
        h = try layerNorm(h)
        return training && dropout > 0 ? try h.dropout(p: dropout) : h
    }
}
