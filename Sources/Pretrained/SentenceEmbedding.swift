import Layers
import Tensors

/// Sentence embeddings as sentence-transformers makes them: the mean of the last hidden state
/// over each row's tokens (padding left out), then scaled to length 1.
public enum SentenceEmbedding {
    /// [B, H] from a hidden state [B, T, H] and row lengths; `normalize` divides by the norm
    /// (at least 1e-12, as torch.nn.functional.normalize).
    public static func meanPooled(_ hidden: Tensor, lengths: [Int], normalize: Bool = true) throws -> Tensor {
        guard hidden.rank == 3, hidden.shape[0] == lengths.count else {
            throw TensorError.shape("mean pooling needs a hidden state [batch, tokens, width] and one length per "
                                    + "row, found \(hidden.shape) and \(lengths.count)")
        }
        let pooled = try hidden.mul(paddingMasks(lengths: lengths, steps: hidden.shape[1]).mean).sum(dim: 1)
        guard normalize else { return pooled }
        let norm = try pooled.mul(pooled).sum(dim: 1, keepdim: true).sqrt().clamp(min: 1e-12)
        return try pooled.div(norm)
    }
}

/// The cosine similarity of a text to a fixed reference embedding, as a one-output model of
/// the text's word embeddings: explaining it says which words make the text close to the
/// reference sentence.
public final class SimilarityScore: Module, TextClassifier {
    public let encoder: PretrainedEncoder
    /// The reference sentence's embedding [H], of length 1.
    public let reference: Tensor

    public init(encoder: PretrainedEncoder, reference: Tensor) {
        self.encoder = encoder
        self.reference = reference
        super.init()
        register("encoder", encoder)
    }

    public override var typeName: String { "\(encoder.typeName) sentence embedding" }
    public var embedding: Embedding { encoder.embedding }

    /// [B]: the cosine of each row's embedding with the reference.
    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        let h = try encoder.hiddenStates(embedded: embedded, lengths: lengths, tokenTypes: nil)
        let e = try SentenceEmbedding.meanPooled(h, lengths: lengths)
        return try e.matmul(reference.reshape([reference.count, 1])).squeeze(1)
    }
}
