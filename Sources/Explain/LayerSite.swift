import Layers
import Tensors

/// Where a layer attribution is taken: the output (or the input) of a named sub-layer, read
/// and replaced through the layer's hooks while the model computes its output. For a text
/// model, the output of its embedding is the explained input itself (explainers vary the
/// token embeddings), so there the site is the input space and needs no hook.
public struct LayerSite {
    /// The dotted name, as `Module.modules()` gives it ("conv", "0", "rnn", "layers.1.linear2").
    public let name: String
    /// The sub-layer, or nil when the site is the explainee's input space.
    public let module: Module?
    /// Whether the layer's input, rather than its output, is attributed.
    public let input: Bool

    /// The explainee's own input space, seen as a layer.
    init(inputSpace name: String) {
        self.name = name; module = nil; input = false
    }

    /// The sub-layer of `model` called `name`; the error lists the layers there are.
    public init(_ model: Module, _ name: String, input: Bool = false) throws {
        let named = model.modules().filter { !$0.0.isEmpty }
        guard let found = named.first(where: { $0.0 == name }) else {
            let list = named.map { "\($0.0) (\($0.1.typeName))" }.joined(separator: ", ")
            throw TensorError.value("\(model.typeName) has no layer \"\(name)\"; "
                                    + (list.isEmpty ? "it has no sub-layers" : "its layers: \(list)"))
        }
        self.name = name; module = found.1; self.input = input
    }

    /// The site for an explainee: a text model's embedding output is its input space.
    public init(_ s: Explainee, _ name: String, input: Bool = false) throws {
        let site = try LayerSite(s.model.module, name, input: input)
        guard s.kind == .text, let tm = s.textModel, site.module === tm.embedding else { self = site; return }
        guard !input else {
            throw TensorError.value("the input of \"\(name)\" is token ids: attribute to its output instead")
        }
        self.init(inputSpace: name)
    }

    /// "conv", or "fc (input)".
    public var label: String { input ? "\(name) (input)" : name }

    /// What one pass through the model saw at the site: the scores [N], the value there
    /// [N, …] and the gradient of the summed scores with respect to it (zeros when the scores
    /// do not depend on it; nil when gradients were not asked for).
    struct Pass {
        let scores: Tensor
        let value: Tensor
        let grad: Tensor?
    }

    /// Scores `points` (a batch in the explainee's input space) with the site's value cut from
    /// the graph below it, replaced by `replacement` when given, and its gradient when asked.
    func pass(_ points: Tensor, replacing replacement: Tensor? = nil, gradients: Bool,
              model: Module, score: (Tensor) throws -> Tensor) throws -> Pass {
        var seen: [Tensor] = []
        let tap: (Tensor) throws -> Tensor = { v in
            let leaf = try self.leaf(v, replacement, gradients: gradients)
            seen.append(leaf)
            return leaf
        }
        let run = { () throws -> Tensor in
            let s = try self.tapped(tap) { try score(self.module == nil ? tap(points) : points) }
            try self.checkReached(seen.count, model)
            if gradients, s.requiresGrad { try s.sum().backward() }
            return s
        }
        let s = gradients ? try Explainee.differentiating(model, run) : try Tensor.withoutGrad(run)
        let value = seen[0]
        let grad = gradients ? try value.grad ?? Tensor.zeros(value.shape) : nil
        return Pass(scores: s.detach(), value: value.detach(), grad: grad)
    }

    /// The value the model goes on with: `v` (or its replacement) as a new leaf.
    private func leaf(_ v: Tensor, _ replacement: Tensor?, gradients: Bool) throws -> Tensor {
        guard v.dtype == .float32 else {
            throw TensorError.value("\"\(label)\" holds integers (\(Shape.format(v.shape))), such as token ids: "
                                    + "nothing can be attributed to them")
        }
        if let r = replacement, r.shape != v.shape {
            throw TensorError.shape("\"\(label)\" is \(Shape.format(v.shape)) here, "
                                    + "but the replacement is \(Shape.format(r.shape))")
        }
        return try (replacement ?? v).detach().requiringGrad(gradients)
    }

    /// Runs `body` with `tap` after the layer's own hook on its input or output.
    private func tapped<T>(_ tap: @escaping (Tensor) throws -> Tensor, _ body: () throws -> T) throws -> T {
        guard let m = module else { return try body() }
        if input {
            let own = m.inputHook
            m.inputHook = { x in try tap(own.map { try $0(x) } ?? x) }
            defer { m.inputHook = own }
            return try body()
        }
        let own = m.outputHook
        m.outputHook = { y in try tap(own.map { try $0(y) } ?? y) }
        defer { m.outputHook = own }
        return try body()
    }

    /// The layer must be called exactly once per pass, through its hooks.
    private func checkReached(_ calls: Int, _ model: Module) throws {
        guard calls != 1 else { return }
        let type = module?.typeName ?? "layer"
        guard calls == 0 else {
            throw TensorError.value("\"\(name)\" (\(type)) is called \(calls) times when \(model.typeName) "
                                    + "computes its output; layer attribution needs a layer called once")
        }
        throw TensorError.value("\"\(name)\" (\(type)) was not reached when \(model.typeName) computed its "
                                + "output: only a layer the model calls as layer(x) can be attributed")
    }
}
