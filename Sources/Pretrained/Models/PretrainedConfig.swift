import Foundation
import Tensors

/// A checkpoint's config.json: which model class saved it and its sizes, read under the
/// names each family uses (BERT's hidden_size is DistilBERT's dim and GPT-2's n_embd). Absent
/// fields take transformers' defaults; every present one is checked (type, range, and that
/// the sizes fit together), and a failure names the field, what was expected and what was found.
public struct PretrainedConfig {
    public enum Family: String, CaseIterable, Sendable { case bert, distilbert, gpt2 }

    /// The model classes xai loads, each with its family (a MiniLM is a BERT).
    public static let supported: [(architecture: String, family: Family)] = [
        ("BertModel", .bert), ("BertForSequenceClassification", .bert), ("BertForMaskedLM", .bert),
        ("DistilBertModel", .distilbert), ("DistilBertForSequenceClassification", .distilbert),
        ("GPT2LMHeadModel", .gpt2),
    ]
    static var supportedList: String { supported.map(\.architecture).joined(separator: ", ") }

    /// config.json's `architectures`, and the one loaded (the first that xai supports).
    public let architectures: [String]
    public let architecture: String
    public let modelType: String
    public let family: Family
    public let vocabSize: Int
    /// hidden_size (BERT), dim (DistilBERT), n_embd (GPT-2).
    public let hiddenSize: Int
    /// num_hidden_layers, n_layers, n_layer.
    public let layerCount: Int
    /// num_attention_heads, n_heads, n_head.
    public let headCount: Int
    /// The feed-forward width: intermediate_size, hidden_dim, n_inner (4 × n_embd when null).
    public let intermediateSize: Int
    /// max_position_embeddings, or GPT-2's n_positions: the longest sequence.
    public let maxPositions: Int
    /// BERT's type_vocab_size (segment ids); 0 for the families without token types.
    public let typeVocabSize: Int
    /// layer_norm_eps (BERT), layer_norm_epsilon (GPT-2); DistilBERT's is fixed at 1e-12.
    public let layerNormEps: Float
    /// The activation as config.json names it (hidden_act, activation, activation_function)…
    public let activationName: String
    /// …and as the encoder layers take it: "gelu" (exact), "gelu_tanh" or "relu".
    public let activation: String
    /// The dropout of hidden states in training (hidden_dropout_prob, dropout, resid_pdrop).
    public let dropout: Float
    public let padTokenId: Int?
    /// The class labels in id order (id2label), for the classifier's logits.
    public let labels: [String]
    public var numLabels: Int { labels.count }
    public let tieWordEmbeddings: Bool
    /// DistilBERT's sinusoidal_pos_embds: fixed sine/cosine position vectors.
    public let sinusoidalPositions: Bool
    /// This family's names of the fields, for messages.
    let keys: Keys

    struct Keys {
        let hidden: String, layers: String, heads: String, intermediate: String, positions: String
    }

    /// Reads and checks `url` (config.json).
    public init(contentsOf url: URL) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= 16 << 20 else {
            throw TensorError(.file, "\(url.path) is \(size) bytes: expected a config of at most 16 MiB")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TensorError(.file, "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(data: data, source: url.path)
    }

    /// Parses and checks the JSON text of a config (`source` names it in messages).
    public init(data: Data, source: String = "config.json") throws {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw TensorError(.file, "\(source) is not valid JSON: \(error.localizedDescription)")
        }
        guard let json = object as? [String: Any] else {
            throw TensorError(.file, "\(source) must hold a JSON object, found \(ConfigReader.describe(object))")
        }
        try self.init(ConfigReader(json: json, source: source))
    }

    init(_ r: ConfigReader) throws {
        architectures = try r.stringList("architectures")
        (architecture, family) = try PretrainedConfig.resolveArchitecture(architectures, r)
        modelType = try r.string("model_type", family.rawValue)
        labels = try r.labels()
        tieWordEmbeddings = try r.bool("tie_word_embeddings", true)
        let f: Fields
        switch family {
        case .bert: f = try PretrainedConfig.bertFields(r)
        case .distilbert: f = try PretrainedConfig.distilBertFields(r)
        case .gpt2: f = try PretrainedConfig.gpt2Fields(r)
        }
        keys = f.keys
        (vocabSize, hiddenSize, layerCount, headCount) = (f.vocab, f.hidden, f.layers, f.heads)
        (intermediateSize, maxPositions, typeVocabSize) = (f.intermediate, f.positions, f.typeVocab)
        (layerNormEps, activationName, dropout, sinusoidalPositions) = (f.eps, f.activation, f.dropout, f.sinusoidal)
        padTokenId = try r.optionalInt("pad_token_id", min: 0, max: vocabSize - 1)
        activation = try PretrainedConfig.engineActivation(activationName, r, family: family)
        guard headCount <= hiddenSize, hiddenSize % headCount == 0 else {
            throw r.fail("\(keys.hidden) (\(hiddenSize)) must be a multiple of \(keys.heads) (\(headCount))")
        }
        _ = try PretrainedConfig.product(vocabSize, hiddenSize, "vocab_size × \(keys.hidden)", r)
        _ = try PretrainedConfig.product(intermediateSize, hiddenSize, "\(keys.intermediate) × \(keys.hidden)", r)
    }

    /// The first of `architectures` that xai supports, or the base class of model_type when
    /// the list is absent; its family must agree with model_type.
    static func resolveArchitecture(_ names: [String], _ r: ConfigReader) throws -> (String, Family) {
        let modelType = r.has("model_type") ? try r.string("model_type") : nil
        let chosen: (architecture: String, family: Family)
        if names.isEmpty {
            guard let t = modelType else {
                throw r.fail("has neither architectures nor model_type, so the model class is unknown "
                             + "(supported: \(supportedList))")
            }
            guard let family = Family(rawValue: t) else {
                throw r.fail("model_type \"\(t.prefix(40))\" is not supported (supported: "
                             + "\(Family.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            chosen = family == .gpt2 ? ("GPT2LMHeadModel", family)
                : (family == .bert ? "BertModel" : "DistilBertModel", family)
        } else {
            guard let found = names.lazy.compactMap({ n in supported.first { $0.architecture == n } }).first else {
                throw r.fail("architecture \(names.map { "\($0.prefix(60))" }.joined(separator: ", ")) is not "
                             + "supported (supported: \(supportedList))")
            }
            chosen = found
        }
        if let t = modelType, t != chosen.family.rawValue {
            throw r.fail("model_type \"\(t.prefix(40))\" does not match \(chosen.architecture), a "
                         + "\(chosen.family.rawValue) model (supported: \(supportedList))")
        }
        return chosen
    }

    /// The encoder layers' name of an activation.
    static func engineActivation(_ name: String, _ r: ConfigReader, family: Family) throws -> String {
        switch name {
        case "gelu": return "gelu"
        case "gelu_new", "gelu_pytorch_tanh": return "gelu_tanh"
        case "relu": return "relu"
        default:
            let key = family == .bert ? "hidden_act" : family == .gpt2 ? "activation_function" : "activation"
            throw r.fail("\(key) \"\(name.prefix(40))\" is not supported (expected gelu, gelu_new, "
                         + "gelu_pytorch_tanh or relu)")
        }
    }

    /// BERT options that change the arithmetic and that xai does not implement.
    static func refuseBertVariants(_ r: ConfigReader) throws {
        let positions = try r.string("position_embedding_type", "absolute")
        guard positions == "absolute" else {
            throw r.fail("position_embedding_type \"\(positions.prefix(40))\" is not supported (expected absolute)")
        }
        guard try !r.bool("is_decoder", false), try !r.bool("add_cross_attention", false) else {
            throw r.fail("is_decoder and add_cross_attention must be false: xai loads BERT as an encoder")
        }
    }

    /// GPT-2 options that change the arithmetic and that xai does not implement.
    static func refuseGPT2Variants(_ r: ConfigReader) throws {
        guard try r.bool("scale_attn_weights", true) else {
            throw r.fail("scale_attn_weights must be true (attention scaled by 1/√head size), found false")
        }
        guard try !r.bool("scale_attn_by_inverse_layer_idx", false) else {
            throw r.fail("scale_attn_by_inverse_layer_idx must be false, found true")
        }
        guard try !r.bool("add_cross_attention", false) else {
            throw r.fail("add_cross_attention must be false: xai loads GPT-2 as a decoder-only model")
        }
    }

    /// a × b, refused when it overflows or when the tensor it sizes would be absurd (over 2³⁴ values).
    static func product(_ a: Int, _ b: Int, _ what: String, _ r: ConfigReader) throws -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, p <= 1 << 34 else {
            throw r.fail("\(what) = \(a) × \(b) is too large for one tensor (expected at most \(1 << 34) values)")
        }
        return p
    }
}
