import Foundation
import Layers
import Tensors
import Training

/// A model or layer in the language: callable (`model(x)`), with its children and
/// parameters as properties (`model.fc.weight`) and the vocabulary of a text model.
public final class ModuleObject: HostObject, Callable {
    public let model: Model
    public var module: Module { model.module }
    public init(_ module: Module, vocabulary: Vocabulary? = nil, tokenizer: SubwordTokenizer? = nil) {
        model = Model(module, vocabulary: vocabulary ?? (module as? UserModule)?.vocabulary, tokenizer: tokenizer)
    }

    public var typeName: String { "Module" }
    public var name: String { module.typeName }
    public var summary: String {
        "\(module.typeName) · \(module.parameterCount) parameters"
            + (model.vocabulary.map { " · vocabulary of \($0.count)" } ?? "")
            + (model.tokenizer.map { " · \($0.kind) tokenizer of \($0.vocabularySize)" } ?? "")
    }
    public var display: String { module.summary() }
    public var propertyNames: [String] {
        ((module as? UserModule)?.memberNames ?? module.children.map(\.name) + module.ownParameters.map(\.name))
            + ["training", "vocab", "state_dict", "type"]
    }

    public func property(_ name: String) throws -> Value? {
        if let u = module as? UserModule, let v = u.member(name) { return v }
        if let c = module.children.first(where: { $0.name == name }) {
            return .object(ModuleObject(c.module, vocabulary: model.vocabulary, tokenizer: model.tokenizer))
        }
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
        case (_, _) where module is UserModule:
            try (module as? UserModule)?.setMember(name, value)
            if name == "vocab" { model.vocabulary = (module as? UserModule)?.vocabulary }
        case ("vocab", .object(let v as VocabObject)): model.vocabulary = v.vocabulary
        case ("vocab", .none): model.vocabulary = nil
        default:
            if let p = module.ownParameters.first(where: { $0.name == name })?.parameter {
                let t = try Convert.tensor(value, what: "\(name)")
                guard t.shape == p.value.shape else {
                    throw RuntimeError("\(name) must keep its shape \(p.value.shape), found \(t.shape)")
                }
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
        if case .list(let l) = v, !l.items.isEmpty,
           l.items.allSatisfy({ if case .string = $0 { return true }; return false }) {
            texts = l.items.map(\.display)
        }
        guard let texts else { return nil }
        if let tokenizer = model.tokenizer {
            return try PretrainedBuiltins.batch(texts, tokenizer, limit: (module as? BoundedTextModel)?.maxTokens)
        }
        guard let vocab = model.vocabulary else {
            throw RuntimeError("\(module.typeName) has no vocabulary to read text; "
                + "build it with vocab: data.vocab() or set model.vocab")
        }
        let (ids, lengths) = try vocab.batch(texts)
        return (ids, lengths)
    }

    /// A text model's input: raw text, or ids with lengths (`model(ids, lengths)` or `lengths:`).
    func textInput(_ args: Arguments, _ named: [String: Value]) throws -> (ids: Tensor, lengths: [Int]) {
        let first = args.positional[0]
        if let enc = try encode(first) { return enc }
        let ids = try Convert.tensor(first, what: "ids")
        guard let l = named["lengths"] ?? (args.positional.count > 1 ? args.positional[1] : nil) else {
            throw RuntimeError("\(module.typeName) needs text, or ids with lengths: model(ids, lengths)")
        }
        return (ids, try Convert.tensor(l, what: "lengths").intValues.map { Int($0) })
    }

    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        let named = Dictionary(args.labelled, uniquingKeysWith: { a, _ in a })
        guard let first = args.positional.first else {
            throw RuntimeError("\(module.typeName) needs an input, e.g. model(x)")
        }
        func tensorArg(_ k: String) throws -> Tensor? { try named[k].map { try Convert.tensor($0, what: k) } }
        func causal() -> Bool { named["causal"].map { (try? $0.truthy()) ?? false } ?? false }
        switch module {
        case let m as UserModule:
            guard let (ids, lengths) = try encode(first) else { return try m.run(args) }
            return try m.run(Arguments([.tensor(ids), .tensor(try Tensor(shape: [lengths.count],
                                                                         ints: lengths.map(Int64.init)))]))
        case let m as SentimentNet:
            let (ids, lengths) = try textInput(args, named)
            let r = try m.forward(ids: ids, lengths: lengths)
            return .list([.tensor(r.logit), .tensor(r.attention)])
        case let m as TextClassifier:
            let (ids, lengths) = try textInput(args, named)
            return .tensor(try m.logits(ids: ids, lengths: lengths))
        case let m as TinyGPT:
            return .tensor(try m.forward(ids: Convert.tensor(first, what: "ids")))
        case let m as Recurrent:
            let lengths = try tensorArg("lengths").map { $0.intValues.map { Int($0) } }
            let (h0, c0) = (try tensorArg("h0"), try tensorArg("c0"))
            // The hooks see the input sequence and the output sequence (the states of every step).
            var last: (h: Tensor, c: Tensor?)?
            let output = try m.hooked(try Convert.tensor(first, what: "x")) { x in
                let r = try m.run(x, lengths: lengths, h0: h0, c0: c0)
                last = (r.h, r.c)
                return r.output
            }
            guard let last else { throw RuntimeError("\(m.typeName) did not run") }
            return .list([.tensor(output), .tensor(last.h)] + (last.c.map { [Value.tensor($0)] } ?? []))
        case let m as MultiheadAttention:
            let q = try Convert.tensor(first, what: "query")
            let r = try m.attend(query: q, key: try tensorArg("key"), value: try tensorArg("value"),
                                 keyPaddingMask: try tensorArg("key_padding_mask"),
                                 attentionMask: try tensorArg("attn_mask"), causal: causal())
            return .list([.tensor(r.output), .tensor(r.weights), .tensor(try r.averageWeights)])
        case let m as TransformerEncoderLayer:
            return .tensor(try m.forward(try Convert.tensor(first, what: "x"),
                                         keyPaddingMask: try tensorArg("key_padding_mask"),
                                         mask: try tensorArg("mask"), causal: causal()))
        case let m as Layer:
            return .tensor(try m(try Convert.tensor(first, what: "x")))
        default:
            throw RuntimeError("\(module.typeName) cannot be called directly")
        }
    }
}
