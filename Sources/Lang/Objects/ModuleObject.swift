import Foundation
import Pictures
import Layers
import Tensors
import Training

/// A model or layer in the language: callable (`model(x)`), with its children and
/// parameters as properties (`model.fc.weight`) and the vocabulary of a text model.
public final class ModuleObject: HostObject, Callable {
    public let model: Model
    public var module: Module { model.module }
    public init(_ module: Module, vocabulary: Vocabulary? = nil) { model = Model(module, vocabulary: vocabulary) }

    public var typeName: String { "Module" }
    public var name: String { module.typeName }
    public var summary: String { "\(module.typeName) · \(module.parameterCount) parameters" + (model.vocabulary.map { " · vocabulary of \($0.count)" } ?? "") }
    public var display: String { module.summary() }
    public var propertyNames: [String] {
        module.children.map(\.name) + module.ownParameters.map(\.name) + ["training", "vocab", "state_dict", "type"]
    }

    public func property(_ name: String) throws -> Value? {
        if let c = module.children.first(where: { $0.name == name }) { return .object(ModuleObject(c.module, vocabulary: model.vocabulary)) }
        if let p = module.ownParameters.first(where: { $0.name == name }) { return .tensor(p.parameter.value) }
        switch name {
        case "training": return .bool(module.training)
        case "vocab": return model.vocabulary.map { .object(VocabObject($0)) } ?? Value.none
        case "type": return .string(module.typeName)
        case "state_dict":
            let d = DictBox()
            for (k, t) in module.stateDict() { d[k] = .tensor(t) }
            return .dict(d)
        default: return nil
        }
    }

    public func setProperty(_ name: String, _ value: Value) throws {
        switch (name, value) {
        case ("vocab", .object(let v as VocabObject)): model.vocabulary = v.vocabulary
        case ("vocab", .none): model.vocabulary = nil
        default:
            if let p = module.ownParameters.first(where: { $0.name == name })?.parameter {
                let t = try Convert.tensor(value, what: "\(name)")
                guard t.shape == p.value.shape else { throw RuntimeError("\(name) must keep its shape \(p.value.shape), found \(t.shape)") }
                p.value = try t.toFloat().detach().requiringGrad(!p.frozen)
                return
            }
            throw RuntimeError("\(module.typeName) has no settable property '\(name)'")
        }
    }

    /// Ids for raw text (a string or a list of strings) through the model's vocabulary.
    func encode(_ v: Value) throws -> (Tensor, [Int])? {
        var texts: [String]?
        if case .string(let s) = v { texts = [s] }
        if case .list(let l) = v, !l.items.isEmpty, l.items.allSatisfy({ if case .string = $0 { return true }; return false }) {
            texts = l.items.map(\.display)
        }
        guard let texts else { return nil }
        guard let vocab = model.vocabulary else {
            throw RuntimeError("\(module.typeName) has no vocabulary to read text; build it with vocab: data.vocab() or set model.vocab")
        }
        let (ids, lengths) = try vocab.batch(texts)
        return (ids, lengths)
    }

    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        let named = Dictionary(args.labelled, uniquingKeysWith: { a, _ in a })
        guard let first = args.positional.first else { throw RuntimeError("\(module.typeName) needs an input, e.g. model(x)") }
        func tensorArg(_ k: String) throws -> Tensor? { try named[k].map { try Convert.tensor($0, what: k) } }
        switch module {
        case let m as SentimentNet:
            var ids: Tensor, lengths: [Int]
            if let enc = try encode(first) { (ids, lengths) = enc } else {
                ids = try Convert.tensor(first, what: "ids")
                guard let l = named["lengths"] ?? (args.positional.count > 1 ? args.positional[1] : nil) else {
                    throw RuntimeError("SentimentNet needs text, or ids with lengths: model(ids, lengths)")
                }
                lengths = try Convert.tensor(l, what: "lengths").intValues.map { Int($0) }
            }
            let r = try m.forward(ids: ids, lengths: lengths)
            return .list([.tensor(r.logit), .tensor(r.attention)])
        case let m as TextClassifier:
            var ids: Tensor, lengths: [Int]
            if let enc = try encode(first) { (ids, lengths) = enc } else {
                ids = try Convert.tensor(first, what: "ids")
                guard let l = named["lengths"] ?? (args.positional.count > 1 ? args.positional[1] : nil) else {
                    throw RuntimeError("\(m.typeName) needs text, or ids with lengths: model(ids, lengths)")
                }
                lengths = try Convert.tensor(l, what: "lengths").intValues.map { Int($0) }
            }
            return .tensor(try m.logits(ids: ids, lengths: lengths))
        case let m as TinyGPT:
            return .tensor(try m.forward(ids: Convert.tensor(first, what: "ids")))
        case let m as Recurrent:
            let lengths = try tensorArg("lengths").map { $0.intValues.map { Int($0) } }
            let r = try m.run(try Convert.tensor(first, what: "x"), lengths: lengths, h0: try tensorArg("h0"), c0: try tensorArg("c0"))
            return .list([.tensor(r.output), .tensor(r.h)] + (r.c.map { [Value.tensor($0)] } ?? []))
        case let m as MultiheadAttention:
            let q = try Convert.tensor(first, what: "query")
            let r = try m.attend(query: q, key: try tensorArg("key"), value: try tensorArg("value"), keyPaddingMask: try tensorArg("key_padding_mask"),
                                 attentionMask: try tensorArg("attn_mask"), causal: named["causal"].map { (try? $0.truthy()) ?? false } ?? false)
            return .list([.tensor(r.output), .tensor(r.weights), .tensor(try r.averageWeights)])
        case let m as TransformerEncoderLayer:
            return .tensor(try m.forward(try Convert.tensor(first, what: "x"), keyPaddingMask: try tensorArg("key_padding_mask"),
                                         mask: try tensorArg("mask"), causal: named["causal"].map { (try? $0.truthy()) ?? false } ?? false))
        case let m as Layer:
            return .tensor(try m.forward(try Convert.tensor(first, what: "x")))
        default:
            throw RuntimeError("\(module.typeName) cannot be called directly")
        }
    }
}

public final class VocabObject: HostObject {
    public let vocabulary: Vocabulary
    init(_ v: Vocabulary) { vocabulary = v }
    public var typeName: String { "Vocabulary" }
    public var summary: String { "vocabulary of \(vocabulary.count) tokens (<pad> = 0, <unk> = 1): " + vocabulary.tokens.dropFirst(2).prefix(8).joined(separator: ", ") + ", …" }
    public var propertyNames: [String] { ["length", "tokens"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "length": return .int(vocabulary.count)
        case "tokens": return .list(vocabulary.tokens.map { .string($0) })
        default: return nil
        }
    }
}

public final class DatasetObject: HostObject {
    public let dataset: Dataset
    init(_ d: Dataset) { dataset = d }
    public var typeName: String { "Dataset" }
    public var summary: String { dataset.summary }
    public var propertyNames: [String] { ["length", "labels", "features", "texts", "feature_names", "classes", "name", "views"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "length": return .int(dataset.count)
        case "labels": return .tensor(dataset.labels)
        case "features": return dataset.features.map { .tensor($0) } ?? Value.none
        case "texts": return dataset.texts.map { .list($0.map { .string($0) }) } ?? Value.none
        case "feature_names": return .list(dataset.featureNames.map { .string($0) })
        case "classes": return .list(dataset.classNames.map { .string($0) })
        case "name": return .string(dataset.name)
        case "views": return .list(dataset.views.map { .string($0.name) })
        case "__getitem__":
            return .function(NativeFunction(name: "Dataset[]") { [dataset] _, args in
                let i = try Convert.int(args.positional.first ?? .none, what: "dataset index")
                let k = i < 0 ? i + dataset.count : i
                guard k >= 0, k < dataset.count else { throw RuntimeError("index \(i) is out of range for \(dataset.count) rows") }
                let x: Value
                switch dataset.inputs {
                case .features(let f): x = .tensor(try f.select(dim: 0, index: k))
                case .text(let t): x = .string(t[k])
                }
                return .list([x, .int(Int(dataset.labels.ints[k]))])
            })
        default: return nil
        }
    }
}

/// A closure callable from the language (for objects' computed members).
public final class NativeFunction: Callable {
    public let name: String
    let body: (Interpreter, Arguments) throws -> Value
    public init(name: String, _ body: @escaping (Interpreter, Arguments) throws -> Value) { self.name = name; self.body = body }
    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value { try body(interp, args) }
}

/// An optimizer as the user wrote it (`Adam(lr: 0.005)`): made concrete for a model's
/// parameters when training starts, or at once when given them.
public final class OptimizerObject: HostObject {
    public let kind: String
    public let settings: [String: Double]
    public let flags: [String: Bool]
    public var bound: Optimizer?
    init(kind: String, settings: [String: Double], flags: [String: Bool]) { self.kind = kind; self.settings = settings; self.flags = flags }
    public var typeName: String { "Optimizer" }
    public var summary: String { bound?.summary ?? "\(kind)(" + settings.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")" }
    public var propertyNames: [String] { ["lr"] }
    public func property(_ name: String) throws -> Value? { name == "lr" ? .float(bound?.lr ?? settings["lr"] ?? 0) : nil }

    func make(_ params: [Parameter]) throws -> Optimizer {
        let lr = settings["lr"] ?? (kind == "SGD" ? 0.01 : 1e-3)
        switch kind {
        case "SGD": return try SGD(params, lr: lr, momentum: settings["momentum"] ?? 0, dampening: settings["dampening"] ?? 0,
                                   weightDecay: settings["weight_decay"] ?? 0, nesterov: flags["nesterov"] ?? false)
        case "AdamW": return try Adam(params, lr: lr, betas: (settings["beta1"] ?? 0.9, settings["beta2"] ?? 0.999), eps: settings["eps"] ?? 1e-8,
                                      weightDecay: settings["weight_decay"] ?? 0.01, decoupled: true)
        default: return try Adam(params, lr: lr, betas: (settings["beta1"] ?? 0.9, settings["beta2"] ?? 0.999), eps: settings["eps"] ?? 1e-8,
                                 weightDecay: settings["weight_decay"] ?? 0)
        }
    }
}

public final class HistoryObject: HostObject {
    public let history: History
    init(_ h: History) { history = h }
    public var typeName: String { "History" }
    public var summary: String { "training history · \(history.epochs.count) epochs" + (history.stopped != nil ? " (stopped early)" : "") }
    public var display: String {
        var lines = ["epoch  loss    acc" + (history.epochs.first?.validationAccuracy != nil ? "     val_loss  val_acc" : "")]
        for e in history.epochs {
            var l = String(format: "%5d  %.4f  %.3f", e.epoch, e.loss, e.accuracy)
            if let vl = e.validationLoss, let va = e.validationAccuracy { l += String(format: "   %.4f    %.3f", vl, va) }
            lines.append(l)
        }
        return lines.joined(separator: "\n")
    }
    public var propertyNames: [String] { ["loss", "accuracy", "val_loss", "val_accuracy", "epochs", "stopped"] }
    public func property(_ name: String) throws -> Value? {
        let e = history.epochs
        switch name {
        case "loss": return .list(e.map { .float($0.loss) })
        case "accuracy": return .list(e.map { .float($0.accuracy) })
        case "val_loss": return .list(e.map { $0.validationLoss.map { .float($0) } ?? Value.none })
        case "val_accuracy": return .list(e.map { $0.validationAccuracy.map { .float($0) } ?? Value.none })
        case "epochs": return .int(e.count)
        case "stopped": return .bool(history.stopped != nil)
        default: return nil
        }
    }
}

public final class EvaluationObject: HostObject {
    public let evaluation: Evaluation
    let classNames: [String]
    init(_ e: Evaluation, classNames: [String]) { evaluation = e; self.classNames = classNames }
    public var typeName: String { "Evaluation" }
    public var summary: String {
        let e = evaluation
        return String(format: "accuracy %.3f · precision %.3f · recall %.3f · f1 %.3f", e.accuracy, e.precision, e.recall, e.f1)
            + (e.rocAUC.map { String(format: " · roc_auc %.3f", $0) } ?? "") + " · \(e.rows) rows"
    }
    public var display: String {
        let c = evaluation.confusion
        let names = (0..<c.count).map { $0 < classNames.count ? classNames[$0] : String($0) }
        let w = max(8, (names.map(TextWidth.of).max() ?? 0) + 1)
        var lines = [summary, "confusion (rows: true, columns: predicted)", String(repeating: " ", count: w) + names.map { TextWidth.pad($0, to: w) }.joined()]
        for (i, row) in c.enumerated() {
            lines.append(TextWidth.pad(names[i], to: w) + row.map { TextWidth.pad(String($0), to: w) }.joined())
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }
    public var propertyNames: [String] { ["accuracy", "precision", "recall", "f1", "roc_auc", "loss", "confusion", "rows"] }
    public func property(_ name: String) throws -> Value? {
        let e = evaluation
        switch name {
        case "accuracy": return .float(e.accuracy)
        case "precision": return .float(e.precision)
        case "recall": return .float(e.recall)
        case "f1": return .float(e.f1)
        case "roc_auc": return e.rocAUC.map { .float($0) } ?? Value.none
        case "loss": return .float(e.loss)
        case "rows": return .int(e.rows)
        case "confusion": return .list(e.confusion.map { .list($0.map { .int($0) }) })
        default: return nil
        }
    }
}
