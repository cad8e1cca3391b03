import Layers
import Tensors

/// A pretrained bidirectional encoder (BERT, DistilBERT): contextual vectors for every token,
/// computed from the word embeddings so that explanations can attribute at that layer with
/// the position (and token-type) embeddings kept, as Captum's BERT tutorial does.
public protocol PretrainedEncoder: TextClassifier {
    /// The most tokens it reads at once (max_position_embeddings).
    var maxLength: Int { get }
    /// Class names in id order (id2label), empty when the checkpoint has no classifier.
    var labels: [String] { get }
    /// The last hidden state [B, T, H] from word embeddings [B, T, H]; padding (past each row's
    /// length) is masked out of attention. `tokenTypes` [B, T] (nil: all 0).
    func hiddenStates(embedded: Tensor, lengths: [Int], tokenTypes: Tensor?) throws -> Tensor
    /// Vocabulary logits [B, T, vocab] from the last hidden state, or nil without a masked-LM head.
    func maskedLMLogits(hidden: Tensor) throws -> Tensor?
    /// Class logits [B, classes] from the last hidden state (an error without a classifier).
    func classLogits(hidden: Tensor) throws -> Tensor
}

extension PretrainedEncoder {
    /// The last hidden state from token ids [B, T].
    public func hiddenStates(ids: Tensor, lengths: [Int], tokenTypes: Tensor? = nil) throws -> Tensor {
        try hiddenStates(embedded: embedding(ids), lengths: lengths, tokenTypes: tokenTypes)
    }
}
