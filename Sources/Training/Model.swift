import Layers
import Tensors

/// A module with what training needs to feed it: how a batch becomes logits, and the
/// vocabulary that turns raw text into ids (for text models).
public final class Model {
    public let module: Module
    public var vocabulary: Vocabulary?
    /// A pretrained model's own tokenizer (WordPiece, byte-level BPE), used instead of a vocabulary.
    public var tokenizer: SubwordTokenizer?

    public init(_ module: Module, vocabulary: Vocabulary? = nil, tokenizer: SubwordTokenizer? = nil) {
        self.module = module
        self.vocabulary = vocabulary
        self.tokenizer = tokenizer
    }

    /// Logits for a batch: [B] for one-logit models, [B, C] for classifiers.
    public func logits(_ batch: Batch) throws -> Tensor {
        switch module {
        case let m as Layer where batch.lengths == nil:
            // A model written in the language may read text and rows alike: rows go to forward.
            return try m.forward(batch.x)
        case let m as TextClassifier:
            guard let lengths = batch.lengths else {
                throw TensorError.value("\(m.typeName) needs token ids with lengths (a text dataset)")
            }
            return try m.logits(ids: batch.x, lengths: lengths)
        case let m as Layer:
            return try m.forward(batch.x)
        default:
            throw TensorError.value("\(module.typeName) cannot be trained with fit(); it takes other inputs")
        }
    }
}
