import Layers
import Training

/// A language model: it predicts the next token of a text. explain() asks of it why the
/// token after the last position is what it is, so it is explained as a classifier of its
/// context, through the classifier it gives.
public protocol NextTokenPredictor: Module {
    /// The most tokens it reads at once.
    var context: Int { get }
    /// The same network as a text classifier of its context: the logits of the token that
    /// follows each row's last position (attributions go to the context's token embeddings).
    func nextTokenClassifier() -> Module & TextClassifier
}

extension TinyGPT: NextTokenPredictor {
    public func nextTokenClassifier() -> Module & TextClassifier { NextTokenModel(self) }
}

extension Explainer {
    /// What explain() explains for `model`: a next-token predictor becomes the classifier of
    /// its context (with the same vocabulary); any other model is explained as it is.
    public static func explainable(_ model: Model) -> Model {
        guard let lm = model.module as? NextTokenPredictor else { return model }
        return Model(lm.nextTokenClassifier(), vocabulary: model.vocabulary, tokenizer: model.tokenizer)
    }
}
