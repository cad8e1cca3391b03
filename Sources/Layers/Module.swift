import Foundation
import Tensors

/// A trainable tensor. `value` is a leaf that requires gradients unless the parameter is
/// frozen; optimizers change it in place so its gradient slot stays the same.
public final class Parameter {
    /// Every change of the values goes through this property (Tensor is a value type: an
    /// in-place update such as `value.updateValues` is a mutation of the property too), and
    /// each one moves `version` on.
    public var value: Tensor {
        didSet { version &+= 1 }
    }
    /// Moves on whenever `value` changes, so that what is derived from the values (a layer's
    /// weight laid out for the product kernels) knows when to derive it anew.
    public private(set) var version = 0
    public init(_ value: Tensor) throws {
        self.value = try value.requiringGrad()
    }
    public var grad: Tensor? { value.grad }
    /// Set by pruning: 0 where a weight was removed. Optimizers re-apply it after every step,
    /// so fine-tuning cannot bring removed weights back.
    public var mask: [Float]?
    /// Set by quantization: the values are int8 codes times one float scale per row.
    public var storedAsInt8 = false

    /// Bytes to store this parameter: 4 per float, or 1 per int8 code plus a 4-byte scale
    /// per row; a pruned matrix counts as compressed sparse rows (kept values, a 2-byte column
    /// index each while columns fit 16 bits, else 4, and one 4-byte offset per row) when
    /// that is smaller than dense.
    public var storedBytes: Int {
        let count = value.count
        let rows = value.rank >= 2 ? value.shape[0] : 1
        let valueBytes = storedAsInt8 ? 1 : 4
        let dense = count * valueBytes + (storedAsInt8 ? 4 * rows : 0)
        guard let mask, value.rank == 2 else { return dense }
        let kept = mask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        let indexBytes = value.shape[1] <= 65_536 ? 2 : 4
        return Swift.min(dense, kept * (valueBytes + indexBytes) + 4 * (rows + 1) + (storedAsInt8 ? 4 * rows : 0))
    }
    public var frozen: Bool {
        get { !value.requiresGrad }
        set {
            // Only whether gradients are recorded changes, never the values: the version stays
            // (explanations freeze and thaw every parameter around each gradient).
            let kept = version
            value = (try? value.requiringGrad(!newValue)) ?? value
            version = kept
        }
    }
}

/// A layer or a model: named parameters and named children, so every parameter has a
/// dotted name equal to its PyTorch `state_dict` key (`rnn.weight_ih_l0`, `blocks.0.norm1.bias`).
open class Module {
    public private(set) var ownParameters: [(name: String, parameter: Parameter)] = []
    /// Tensors a module keeps and saves but does not learn (nn.Module's persistent buffers).
    public private(set) var ownBuffers: [(name: String, tensor: Tensor)] = []
    public private(set) var children: [(name: String, module: Module)] = []
    public private(set) var training = true
    /// A forward hook: sees the layer's output each time it is called (`layer(x)`, or from the
    /// language) and returns the output to use, the same or a replacement. Explanations use it
    /// to read or set what a named sub-layer computes.
    public var outputHook: ((Tensor) throws -> Tensor)?
    /// A forward pre-hook: sees the layer's input each time it is called and returns the input
    /// to use, the same or a replacement (explanations attribute to a layer's input through it).
    public var inputHook: ((Tensor) throws -> Tensor)?

    public init() {}

    /// The PyTorch class name, shown by `summary()`.
    open var typeName: String { String(describing: type(of: self)) }
    /// Extra text for `summary()` (sizes and options).
    open var details: String { "" }

    public func register(_ name: String, _ p: Parameter) { ownParameters.append((name, p)) }
    public func register(_ name: String, _ m: Module) { children.append((name, m)) }
    /// Sets the child called `name`, replacing one of that name in its place (attribute assignment).
    public func setChild(_ name: String, _ m: Module) {
        if let i = children.firstIndex(where: { $0.name == name }) { children[i].module = m } else { register(name, m) }
    }
    /// Sets the buffer called `name`, replacing one of that name in its place.
    public func setBuffer(_ name: String, _ t: Tensor) {
        if let i = ownBuffers.firstIndex(where: { $0.name == name }) {
            ownBuffers[i].tensor = t
        } else {
            ownBuffers.append((name, t))
        }
    }
    /// Registers several children in order, each under its name.
    public func register(children named: (String, Module)...) { for (name, m) in named { register(name, m) } }

    /// Every parameter with its dotted name, in registration order (PyTorch's order).
    public func namedParameters(prefix: String = "") -> [(String, Parameter)] {
        var out = ownParameters.map { (prefix + $0.name, $0.parameter) }
        for (n, c) in children { out += c.namedParameters(prefix: prefix + n + ".") }
        return out
    }
    public var parameters: [Parameter] { namedParameters().map(\.1) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    public func modules(prefix: String = "") -> [(String, Module)] {
        var out = [(prefix.isEmpty ? "" : String(prefix.dropLast()), self)]
        for (n, c) in children { out += c.modules(prefix: prefix + n + ".") }
        return out
    }

    /// Training mode switches dropout on; evaluation mode off.
    public func train(_ on: Bool = true) {
        training = on
        for (_, c) in children { c.train(on) }
    }
    public func eval() { train(false) }

    public func freeze(_ on: Bool = true) { for p in parameters { p.frozen = on } }
    public func zeroGrad() { for p in parameters { p.value.zeroGrad() } }

    /// Every buffer with its dotted name, after each module's parameters (PyTorch's order).
    public func namedBuffers(prefix: String = "") -> [(String, Tensor)] {
        var out = ownBuffers.map { (prefix + $0.name, $0.tensor) }
        for (n, c) in children { out += c.namedBuffers(prefix: prefix + n + ".") }
        return out
    }

    /// Every tensor to save, by dotted name, in PyTorch's order: a module's parameters, then its
    /// buffers, then each child's.
    public func stateDict() -> [(String, Tensor)] { stateDict(prefix: "") }

    public func stateDict(prefix: String) -> [(String, Tensor)] {
        var out = ownParameters.map { (prefix + $0.name, $0.parameter.value.detach()) }
            + ownBuffers.map { (prefix + $0.name, $0.tensor) }
        for (n, c) in children { out += c.stateDict(prefix: prefix + n + ".") }
        return out
    }

    /// Loads parameters by name. Every key must match a parameter of the same shape; the
    /// error lists what is missing, unexpected or of the wrong shape.
    public func loadStateDict(_ tensors: [String: Tensor], strict: Bool = true) throws {
        let named = namedParameters()
        var problems: [String] = []
        for (name, p) in named {
            guard let t = tensors[name] else { if strict { problems.append("missing \(name)") }; continue }
            guard t.shape == p.value.shape else {
                problems.append("\(name): expected shape \(p.value.shape), found \(t.shape)")
                continue
            }
            guard t.dtype == .float32 else { problems.append("\(name): expected float32, found \(t.dtype)"); continue }
        }
        let buffers = namedBuffers()
        for (name, b) in buffers {
            guard let t = tensors[name] else { if strict { problems.append("missing \(name)") }; continue }
            if t.shape != b.shape { problems.append("\(name): expected shape \(b.shape), found \(t.shape)") }
        }
        let known = Set(named.map(\.0) + buffers.map(\.0))
        if strict { for k in tensors.keys.sorted() where !known.contains(k) { problems.append("unexpected \(k)") } }
        guard problems.isEmpty else {
            let more = problems.count > 12 ? "; … (\(problems.count) problems)" : ""
            throw TensorError(.value, "state dict does not fit \(typeName): "
                              + problems.prefix(12).joined(separator: "; ") + more)
        }
        for (name, p) in named {
            guard let t = tensors[name] else { continue }
            let frozen = p.frozen
            p.value = try t.detach().requiringGrad(!frozen)
        }
        for (name, m) in modules() {
            for (b, _) in m.ownBuffers {
                if let t = tensors[name.isEmpty ? b : name + "." + b] { m.setBuffer(b, t.detach()) }
            }
        }
    }

    /// Layers, shapes and parameter counts, one line per module.
    public func summary() -> String {
        var lines = ["\(typeName)\(details.isEmpty ? "" : "(\(details))")"]
        for (name, m) in modules() where !name.isEmpty {
            let depth = name.split(separator: ".").count
            let own = m.ownParameters.map { "\($0.name) \(Shape.format($0.parameter.value.shape))" }
                .joined(separator: ", ")
            lines.append(String(repeating: "  ", count: depth)
                         + "\(name.split(separator: ".").last ?? ""): \(m.typeName)"
                         + (m.details.isEmpty ? "" : "(\(m.details))") + (own.isEmpty ? "" : "  [\(own)]"))
        }
        let trainable = parameters.filter { !$0.frozen }.reduce(0) { $0 + $1.value.count }
        lines.append("parameters: \(parameterCount.formatted) (\(trainable.formatted) trainable)")
        return lines.joined(separator: "\n")
    }
}

extension Int {
    var formatted: String {
        let s = String(self)
        var out = ""
        for (i, c) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}

/// Modules that map one tensor to one tensor implement `forward`, so `Sequential` can chain them.
open class Layer: Module {
    open func forward(_ x: Tensor) throws -> Tensor { x }
    /// Runs the layer through its hooks, if it has any (see `Module.inputHook` and `Module.outputHook`).
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try hooked(x, forward) }
}

extension Module {
    /// Runs `body` (the module's computation, whatever its other arguments) on `x` through the
    /// module's hooks: the input hook sees `x`, the output hook what `body` returns. Models call
    /// their children this way so that explanations can read or replace what a child sees and gives.
    public func hooked(_ x: Tensor, _ body: (Tensor) throws -> Tensor) throws -> Tensor {
        let input = try inputHook.map { try $0(x) } ?? x
        let y = try body(input)
        return try outputHook.map { try $0(y) } ?? y
    }
}

/// PyTorch's default initialisations, drawn from the session's generator.
public enum Init {
    /// Above zero within `withoutRandomDraws`.
    nonisolated(unsafe) private static var undrawnDepth = 0

    /// Runs `body` with every initialisation giving zeros and leaving the session's generator
    /// as it is: for building a model whose values a checkpoint replaces at once, without
    /// drawing millions of numbers that nobody reads. Outside it, nothing changes.
    public static func withoutRandomDraws<T>(_ body: () throws -> T) rethrows -> T {
        undrawnDepth += 1
        defer { undrawnDepth -= 1 }
        return try body()
    }

    /// Whether initialisations draw from the generator (false within `withoutRandomDraws`).
    public static var drawsRandomly: Bool { undrawnDepth == 0 }

    /// U(−bound, bound).
    static func uniform(_ shape: [Int], bound: Float) throws -> Tensor {
        guard drawsRandomly else { return try Tensor.zeros(shape) }
        return try Tensor.uniform(shape, low: -bound, high: bound, using: &Random.shared)
    }
    /// N(0, 1) (nn.Embedding's default).
    static func normal(_ shape: [Int]) throws -> Tensor {
        guard drawsRandomly else { return try Tensor.zeros(shape) }
        return try Tensor.randn(shape, using: &Random.shared)
    }
    /// kaiming_uniform_(a=√5), PyTorch's Linear/Conv weight default: bound = 1/√fan_in.
    static func kaiming(_ shape: [Int], fanIn: Int) throws -> Tensor {
        try uniform(shape, bound: fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0)
    }
    /// xavier_uniform_: bound = √(6 / (fan_in + fan_out)).
    static func xavier(_ shape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        try uniform(shape, bound: (6 / Float(fanIn + fanOut)).squareRoot())
    }
}

extension Module {
    /// Runs `body` in evaluation mode, then switches training mode back on if it was on.
    public func evaluating<T>(_ body: () throws -> T) rethrows -> T {
        let wasTraining = training
        eval()
        defer { if wasTraining { train() } }
        return try body()
    }
}
