import Layers
import Tensors

extension PretrainedBert: PretrainedEncoder {
    public func hiddenStates(embedded: Tensor, lengths: [Int], tokenTypes: Tensor?) throws -> Tensor {
        try encode(embedded: embedded, lengths: lengths, tokenTypes: tokenTypes)
    }

    public func maskedLMLogits(hidden: Tensor) throws -> Tensor? {
        hasMaskedLMHead ? try maskedLMLogits(hidden) : nil
    }

    public func classLogits(hidden: Tensor) throws -> Tensor { try classifierLogits(hidden) }
}

extension PretrainedDistilBert: PretrainedEncoder {
    /// DistilBERT has no token types: a pair is told apart by its [SEP] alone.
    public func hiddenStates(embedded: Tensor, lengths: [Int], tokenTypes: Tensor?) throws -> Tensor {
        try encode(embedded: embedded, lengths: lengths)
    }

    public func maskedLMLogits(hidden: Tensor) throws -> Tensor? { nil }

    public func classLogits(hidden: Tensor) throws -> Tensor { try classifierLogits(hidden) }
}

extension PretrainedBert: BoundedTextModel {
    public var maxTokens: Int { maxLength }
}

extension PretrainedDistilBert: BoundedTextModel {
    public var maxTokens: Int { maxLength }
}

extension TextPairClassifier: BoundedTextModel {
    public var maxTokens: Int { encoder.maxLength }
}

extension TextPairClassifier: NamedClasses {
    public var classNames: [String] { encoder.labels }
}

extension SimilarityScore: BoundedTextModel {
    public var maxTokens: Int { encoder.maxLength }
}

extension PretrainedBert: NamedClasses {
    public var classNames: [String] { labels }
}

extension PretrainedDistilBert: NamedClasses {
    public var classNames: [String] { labels }
}

/// Its one output is the similarity itself (target 1 of a one-logit model).
extension SimilarityScore: NamedClasses {
    public var classNames: [String] { ["dissimilarity", "cosine similarity"] }
}
