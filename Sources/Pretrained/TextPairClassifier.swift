import Layers
import Tensors

/// A classifier of a pair of texts (premise and hypothesis, question and answer) as one input:
/// `[CLS] a [SEP] b [SEP]` with token types 0 for the first text and 1 for the second, which
/// stay fixed while explanations vary the embeddings of both texts' words.
public final class TextPairClassifier: Module, TextClassifier {
    public let encoder: PretrainedEncoder
    /// The token type of each position of the pair's encoding.
    public let tokenTypes: [Int]

    public init(encoder: PretrainedEncoder, tokenTypes: [Int]) {
        self.encoder = encoder
        self.tokenTypes = tokenTypes
        super.init()
        register("encoder", encoder)
    }

    public override var typeName: String { "\(encoder.typeName) (text pair)" }
    public var embedding: Embedding { encoder.embedding }

    /// Class logits [B, classes] for embeddings [B, T, H] of the pair's tokens (T ≤ its length).
    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        guard embedded.rank == 3, embedded.shape[1] <= tokenTypes.count else {
            throw TensorError.shape("a text pair of \(tokenTypes.count) tokens takes embeddings [batch, ≤ "
                                    + "\(tokenTypes.count), width], found \(embedded.shape)")
        }
        let (B, T) = (embedded.shape[0], embedded.shape[1])
        var types = [Int64](repeating: 0, count: B * T)
        for b in 0..<B { for t in 0..<T { types[b * T + t] = Int64(tokenTypes[t]) } }
        let h = try encoder.hiddenStates(embedded: embedded, lengths: lengths,
                                         tokenTypes: Tensor(shape: [B, T], ints: types))
        return try encoder.classLogits(hidden: h)
    }
}
