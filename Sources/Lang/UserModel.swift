import Foundation
import Layers
import Syntax
import Tensors
import Training
import Explain

/// `model Name(params) { body }`: a model type written in the language. Calling it builds a
/// model: the body runs as its constructor with `self` bound to the new model; the layers,
/// `Parameter(…)`s and `Buffer(…)`s it assigns to `self.name` are the model's, named as PyTorch
/// names an nn.Module's attributes; the functions it defines are the model's methods, and
/// `forward` is what calling the model runs.
public final class ModelType: Callable {
    let decl: FunctionDecl
    let closure: Scope
    let file: String
    public var name: String { decl.name ?? "<model>" }

    init(decl: FunctionDecl, closure: Scope, file: String) {
        self.decl = decl; self.closure = closure; self.file = file
    }

    public var signature: String { decl.signature(keyword: "model") }

    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        if let first = interp.modelsUnderConstruction.firstIndex(of: name) {
            let path = (interp.modelsUnderConstruction[first...] + [name]).joined(separator: " → ")
            throw RuntimeError("model \(name) contains itself (\(path)): a model cannot hold a model that builds it")
        }
        interp.modelsUnderConstruction.append(name)
        defer { interp.modelsUnderConstruction.removeLast() }
        let module = UserModule(type: self, interpreter: interp)
        let scope = try UserFunction.bind(args, to: decl, closure: closure, name: "model \(name)", interp: interp)
        scope.vars["self"] = .object(ModuleObject(module))
        defer { scope.vars["self"] = nil }   // the methods get `self` when called, not from here
        _ = try interp.inFile(file) {
            try UserFunction.bindDefaults(decl, scope, name: "model \(name)", interp: interp)
            return try interp.callBody(decl.body, scope, name: name)
        }
        for stmt in decl.body {
            guard case .function(let f) = stmt.kind, let n = f.name,
                  case .function(let method as UserFunction)? = scope.vars[n] else { continue }
            guard module.member(n) == nil else {
                throw RuntimeError("model \(name) has two things named '\(n)': a method and a layer or attribute")
            }
            module.methods[n] = method
            scope.vars[n] = nil
        }
        guard module.methods["forward"] != nil else {
            throw RuntimeError("model \(name) has no forward: define 'fn forward(x) { … }' in its body, "
                + "the computation that calling the model runs")
        }
        return .object(ModuleObject(module))
    }
}

/// A model built by a `model` type: its layers are children, its `Parameter`s parameters and
/// its `Buffer`s buffers of the engine's Module, so training, saving, compression and the
/// explainers treat it as they treat a built-in model.
public final class UserModule: Layer {
    let type: ModelType
    weak var interpreter: Interpreter?
    /// The functions its body defined, by name (`forward`, and helpers).
    var methods: [String: UserFunction] = [:]
    /// Other values it keeps (sizes, settings, tensors that are not parameters), in order.
    var attributes: [(name: String, value: Value)] = []
    /// The vocabulary that reads raw text for it (`self.vocab = vocab`).
    var vocabulary: Vocabulary?

    init(type: ModelType, interpreter: Interpreter) {
        self.type = type
        self.interpreter = interpreter
        super.init()
    }

    public override var typeName: String { type.name }

    /// What `self.name` reads: a layer, a parameter or buffer's tensor, an attribute, a method.
    func member(_ name: String) -> Value? {
        if let c = children.first(where: { $0.name == name }) {
            if let list = c.module as? ModuleList<Module> {
                return .list(list.items.map { .object(ModuleObject($0, vocabulary: vocabulary)) })
            }
            return .object(ModuleObject(c.module, vocabulary: vocabulary))
        }
        if let p = ownParameters.first(where: { $0.name == name }) { return .tensor(p.parameter.value) }
        if let b = ownBuffers.first(where: { $0.name == name }) { return .tensor(b.tensor) }
        if let a = attributes.first(where: { $0.name == name }) { return a.value }
        if let m = methods[name] { return .function(BoundUserMethod(module: self, method: m)) }
        return nil
    }

    var memberNames: [String] {
        children.map(\.name) + ownParameters.map(\.name) + ownBuffers.map(\.name) + attributes.map(\.name)
            + methods.keys.sorted()
    }

    /// `self.name = value`: a layer (or a list of layers) becomes a child, `Parameter(t)` a
    /// parameter, `Buffer(t)` a buffer, anything else an attribute.
    func setMember(_ name: String, _ value: Value) throws {
        guard methods[name] == nil else { throw RuntimeError("\(typeName).\(name) is a method; it cannot be replaced") }
        let kind = memberKind(name)
        switch value {
        case .object(let m as ModuleObject):
            try expect(kind, in: [nil, "layer"], name, found: "a layer")
            setChild(name, m.module)
        case .list(let l) where !l.items.isEmpty && l.items.allSatisfy({ UserModule.layer($0) != nil }):
            try expect(kind, in: [nil, "layer"], name, found: "a list of layers")
            setChild(name, ModuleList<Module>(l.items.compactMap(UserModule.layer)))
        case .object(let p as ModelTensorObject) where p.role == .parameter:
            try expect(kind, in: [nil, "parameter"], name, found: "a Parameter")
            try setParameter(name, p.tensor)
        case .object(let b as ModelTensorObject):
            try expect(kind, in: [nil, "buffer"], name, found: "a Buffer")
            setBuffer(name, b.tensor)
        case .tensor(let t) where kind == "parameter":
            try setParameter(name, t)
        case .tensor(let t) where kind == "buffer":
            guard let old = ownBuffers.first(where: { $0.name == name }), old.tensor.shape == t.shape else {
                throw RuntimeError("\(typeName).\(name) is a buffer of another shape; found \(t.shape)")
            }
            setBuffer(name, t)
        default:
            if case .object(let v as VocabObject) = value { vocabulary = v.vocabulary }
            try expect(kind, in: [nil, "attribute"], name, found: value.typeName)
            if let i = attributes.firstIndex(where: { $0.name == name }) {
                attributes[i].value = value
            } else {
                attributes.append((name, value))
            }
        }
    }

    static func layer(_ v: Value) -> Module? {
        if case .object(let m as ModuleObject) = v { return m.module }
        return nil
    }

    func memberKind(_ name: String) -> String? {
        if children.contains(where: { $0.name == name }) { return "layer" }
        if ownParameters.contains(where: { $0.name == name }) { return "parameter" }
        if ownBuffers.contains(where: { $0.name == name }) { return "buffer" }
        if attributes.contains(where: { $0.name == name }) { return "attribute" }
        return nil
    }

    func expect(_ kind: String?, in allowed: [String?], _ name: String, found: String) throws {
        guard !allowed.contains(kind), let kind else { return }
        let article = kind == "attribute" ? "an" : "a"
        throw RuntimeError("\(typeName).\(name) is already \(article) \(kind); it cannot also be \(found) "
            + "(give each layer, parameter and attribute its own name)")
    }

    /// A parameter keeps its shape once made: reassigning another shape is a mistake.
    func setParameter(_ name: String, _ t: Tensor) throws {
        let value = t.toFloat().detach()
        if let p = ownParameters.first(where: { $0.name == name })?.parameter {
            guard p.value.shape == value.shape else {
                throw RuntimeError("\(typeName).\(name) is a parameter of shape \(p.value.shape); "
                    + "found a tensor of shape \(value.shape)")
            }
            p.value = try value.requiringGrad(!p.frozen)
            return
        }
        register(name, try Parameter(value))
    }

    /// Runs `forward` on the language's values.
    func run(_ args: Arguments) throws -> Value {
        guard let interp = interpreter, let forward = methods["forward"] else {
            throw RuntimeError("\(typeName) can no longer run: the session that defined it has ended")
        }
        return try forward.call(interp, args, receiver: .object(ModuleObject(self, vocabulary: vocabulary)))
    }

    /// The model's output for one tensor: forward's value, or the first of the values it
    /// returns (the rest are extra outputs, such as attention weights).
    public override func forward(_ x: Tensor) throws -> Tensor {
        try UserModule.output(try run(Arguments([.tensor(x)])), of: typeName)
    }

    static func output(_ v: Value, of name: String) throws -> Tensor {
        switch v {
        case .tensor(let t): return t
        case .list(let l):
            if case .tensor(let t)? = l.items.first { return t }
            throw RuntimeError("\(name).forward must return a tensor (or a list whose first item is the output "
                + "tensor), found a list starting with \(l.items.first?.typeName ?? "nothing")")
        default:
            throw RuntimeError("\(name).forward must return a tensor, found \(v.typeName)")
        }
    }
}

/// A method of a user model bound to it (`model.helper` before it is called).
final class BoundUserMethod: Callable {
    let module: UserModule
    let method: UserFunction
    var name: String { "\(module.typeName).\(method.name)" }
    init(module: UserModule, method: UserFunction) { self.module = module; self.method = method }
    func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        try method.call(interp, args, receiver: .object(ModuleObject(module, vocabulary: module.vocabulary)))
    }
}

/// A model whose forward takes token ids and lengths reads text: it is trained on text datasets
/// and explained at its first Embedding (the embeddings it computes are replaced, through the
/// Embedding's forward hook, by the ones an explanation asks about).
extension UserModule: TextClassifier {
    /// The first Embedding among its layers, depth first in the order they were assigned.
    var textEmbedding: Embedding? {
        modules().lazy.compactMap { $0.1 as? Embedding }.first
    }

    /// Only a model with an Embedding reads text; explanations ask `readsText` first.
    public var readsText: Bool { textEmbedding != nil }

    public var embedding: Embedding {
        if let e = textEmbedding { return e }
        // Never reached through explain() (readsText is false); any other use of it is an error
        // about ids. Made without drawing from the session's random numbers.
        return Init.withoutRandomDraws { try! Embedding(1, 1) }   // 1 × 1 is always a valid size
    }

    public func logits(ids: Tensor, lengths: [Int]) throws -> Tensor {
        let lens = try Tensor(shape: [lengths.count], ints: lengths.map(Int64.init))
        return try UserModule.output(run(Arguments([.tensor(ids), .tensor(lens)])), of: typeName)
    }

    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        guard let e = textEmbedding else {
            throw RuntimeError("\(typeName) reads no text: it has no Embedding layer to explain at")
        }
        guard embedded.rank == 3 else {
            throw RuntimeError("\(typeName): embeddings must be [batch, tokens, dim], found \(embedded.shape)")
        }
        let ids = try Tensor.zeros([embedded.shape[0], embedded.shape[1]]).toInt()
        let outer = e.outputHook
        e.outputHook = { _ in embedded }
        defer { e.outputHook = outer }
        return try logits(ids: ids, lengths: lengths)
    }
}

/// A model written in the language reports attention as its forward's second output
/// ([output, weights]); `explain(method: "attention")` shows those weights.
extension UserModule: PoolingAttention {
    public func poolingWeights(embedded: Tensor, lengths: [Int]) throws -> Tensor? {
        guard let e = textEmbedding else { return nil }
        let ids = try Tensor.zeros([embedded.shape[0], embedded.shape[1]]).toInt()
        let lens = try Tensor(shape: [lengths.count], ints: lengths.map(Int64.init))
        let outer = e.outputHook
        e.outputHook = { _ in embedded }
        defer { e.outputHook = outer }
        guard case .list(let outputs) = try run(Arguments([.tensor(ids), .tensor(lens)])),
              outputs.items.count >= 2, case .tensor(let w) = outputs.items[1] else { return nil }
        return w
    }
}
