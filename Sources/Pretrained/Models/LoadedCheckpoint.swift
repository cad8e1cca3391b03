import Foundation
import Layers

/// A model loaded from a checkpoint folder, with what it was loaded from.
public struct LoadedCheckpoint {
    /// PretrainedBert, PretrainedDistilBert or (GPT-2) TinyGPT, in evaluation mode.
    public let module: Module
    public let config: PretrainedConfig
    public let folder: URL
    /// Tensors of the file that the model does not use (another head's weights), as transformers
    /// warns of them.
    public let unusedTensors: [String]
    /// Values read from the file into the model's parameters.
    public let checkpointValues: Int
    /// Values of parameters that share another's (GPT-2's head is its token embeddings).
    public let tiedValues: Int
    /// Values computed rather than read (DistilBERT's sinusoidal positions when not saved).
    public let generatedValues: Int

    /// The model class loaded, e.g. "BertForSequenceClassification".
    public var architecture: String { config.architecture }
    /// The classifier's labels in id order; none for a model without a classifier.
    public var labels: [String] {
        switch module {
        case let m as PretrainedBert: return m.labels
        case let m as PretrainedDistilBert: return m.labels
        default: return []
        }
    }
}
