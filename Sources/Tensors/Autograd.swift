/// Define-by-run reverse-mode autodiff.
///
/// An op whose inputs require gradients records a `GradFn` holding the inputs' metadata and
/// a pullback closure (output gradients → input gradients). `backward()` orders the recorded
/// functions topologically and runs the pullbacks from the output back, summing gradients
/// that reach a tensor along several edges; leaves accumulate into `grad` (PyTorch's rule).

/// Autodiff state of one tensor, shared by all copies of that tensor value.
public final class AutogradMeta {
    public var requiresGrad: Bool
    /// Accumulated gradient of a leaf.
    public var grad: Tensor?
    /// The op that produced this tensor, nil for leaves.
    var gradFn: GradFn?
    /// Which output of `gradFn` this is.
    let outputIndex: Int

    init(requiresGrad: Bool, gradFn: GradFn? = nil, outputIndex: Int = 0) {
        self.requiresGrad = requiresGrad
        self.gradFn = gradFn
        self.outputIndex = outputIndex
    }
}

/// One recorded op. Pullbacks receive one gradient per output (nil for outputs that got
/// none) and return one gradient per input (nil where the input needs none).
final class GradFn {
    let name: String
    var inputs: [AutogradMeta?]
    let outputCount: Int
    var pullback: ([Tensor?]) throws -> [Tensor?]
    /// Whether the op passes back by DeepLIFT's rule rather than its derivative (BackwardRule).
    var rescales = false

    init(name: String, inputs: [AutogradMeta?], outputCount: Int,
         pullback: @escaping ([Tensor?]) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.outputCount = outputCount
        self.pullback = pullback
    }

    /// Releases the graph behind this node iteratively: the default recursive release of a
    /// graph built by a long loop (tens of thousands of nodes deep) would overflow the stack.
    deinit {
        pullback = GradFn.released
        var stack = inputs.compactMap { $0 }
        inputs = []
        while var m = stack.popLast() {
            guard isKnownUniquelyReferenced(&m), var f = m.gradFn else { continue }
            m.gradFn = nil
            if isKnownUniquelyReferenced(&f) {
                f.pullback = GradFn.released  // drops tensors the closure captured
                stack.append(contentsOf: f.inputs.compactMap { $0 })
                f.inputs = []
            }
        }
    }

    static let released: ([Tensor?]) throws -> [Tensor?] = { _ in [] }

    /// The graph behind `root` in post-order, each function after every function it reaches
    /// (an iterative DFS: graphs of long loops are deep).
    static func postOrder(from root: GradFn) -> [GradFn] {
        var order: [GradFn] = []
        var seen = Set<ObjectIdentifier>()
        var stack: [(GradFn, Int)] = [(root, 0)]
        seen.insert(ObjectIdentifier(root))
        while let (fn, next) = stack.popLast() {
            if next < fn.inputs.count {
                stack.append((fn, next + 1))
                if let child = fn.inputs[next]?.gradFn, seen.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(fn)
            }
        }
        return order
    }
}

/// A hook for tests: the names of the ops recorded on the tape while `recordedNames(during:)`
/// runs its body (the derivative index's completeness test uses it). Off otherwise: recording
/// an op then costs one nil check.
public enum Tape {
    nonisolated(unsafe) static var names: Set<String>?

    /// The names of the ops that `body` recorded on the tape (calls may nest).
    public static func recordedNames(during body: () throws -> Void) rethrows -> Set<String> {
        let outer = names
        names = []
        defer {
            let inner = names ?? []
            names = outer.map { $0.union(inner) }
        }
        try body()
        return names ?? []
    }
}

/// Whether ops record gradients (off inside `Tensor.withoutGrad`, and while pullbacks run).
public enum GradMode {
    nonisolated(unsafe) public static var enabled = true
}

extension Tensor {
    public var requiresGrad: Bool { meta?.requiresGrad ?? false }
    /// True for tensors that no op produced (parameters, inputs).
    public var isLeaf: Bool { meta?.gradFn == nil }
    /// Name of the op that produced this tensor, if it is part of a graph.
    public var gradFnName: String? { meta?.gradFn?.name }

    /// The accumulated gradient of a leaf that requires grad.
    public var grad: Tensor? {
        get { meta?.grad }
        nonmutating set { meta?.grad = newValue }
    }

    /// Marks a leaf as requiring gradients (a fresh identity: copies made before do not share it).
    public mutating func setRequiresGrad(_ flag: Bool = true) throws {
        if let m = meta, m.gradFn != nil {
            guard flag else {
                throw TensorError(.autograd, "requires_grad can only be changed on leaf tensors; use detach()")
            }
            return
        }
        if flag { try requireFloat("requires_grad") }
        if let m = meta { m.requiresGrad = flag } else if flag { meta = AutogradMeta(requiresGrad: true) }
    }
    public func requiringGrad(_ flag: Bool = true) throws -> Tensor {
        var t = self
        if flag { t.meta = nil }
        try t.setRequiresGrad(flag)
        return t
    }

    /// The same values cut from the graph.
    public func detach() -> Tensor {
        var t = self
        t.meta = nil
        return t
    }

    public func zeroGrad() { meta?.grad = nil }

    /// Runs `body` without recording any graph.
    public static func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
        let saved = GradMode.enabled
        GradMode.enabled = false
        defer { GradMode.enabled = saved }
        return try body()
    }

    /// Attaches a single-output op to the graph when any input requires gradients.
    /// `pullback` maps the output gradient to one gradient per input.
    func recorded(_ name: String, _ inputs: [Tensor], _ pullback: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        guard GradMode.enabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        Tape.names?.insert(name)
        let fn = GradFn(name: name, inputs: inputs.map { $0.requiresGrad ? $0.meta : nil }, outputCount: 1) { gs in
            guard let g = gs[0] else { return [] }
            return try pullback(g)
        }
        var out = self
        out.meta = AutogradMeta(requiresGrad: true, gradFn: fn, outputIndex: 0)
        return out
    }

    /// Multi-output version: outputs that receive no gradient get zeros of their shape.
    static func recorded(_ name: String, _ inputs: [Tensor], outputs: [Tensor],
                         _ pullback: @escaping ([Tensor]) throws -> [Tensor?]) -> [Tensor] {
        guard GradMode.enabled, inputs.contains(where: { $0.requiresGrad }) else { return outputs }
        Tape.names?.insert(name)
        let shapes = outputs.map(\.shape)
        let metas = inputs.map { $0.requiresGrad ? $0.meta : nil }
        let fn = GradFn(name: name, inputs: metas, outputCount: outputs.count) { gs in
            let filled = try gs.enumerated().map { k, g in try g ?? Tensor.zeros(shapes[k]) }
            return try pullback(filled)
        }
        return outputs.enumerated().map { k, o in
            var t = o
            t.meta = AutogradMeta(requiresGrad: true, gradFn: fn, outputIndex: k)
            return t
        }
    }

    /// Backpropagates from this tensor. A one-element tensor may omit `gradient` (it is 1);
    /// otherwise `gradient` must have this tensor's shape.
    public func backward(_ gradient: Tensor? = nil) throws {
        guard let root = meta, root.requiresGrad else {
            throw TensorError(.autograd, "backward() needs a tensor that requires grad; this one is not part of a "
                              + "graph (no input had requires_grad)")
        }
        let seed: Tensor
        if let g = gradient {
            guard g.shape == shape else {
                throw TensorError.shape("backward(gradient) needs a gradient of shape \(Shape.format(shape)), "
                                        + "found \(Shape.format(g.shape))")
            }
            seed = g.toFloat().detach()
        } else {
            guard count == 1 else {
                throw TensorError.shape("backward() without a gradient needs a one-element output, found shape "
                                        + "\(Shape.format(shape)); pass backward(gradient)")
            }
            seed = try Tensor.ones(shape)
        }
        try Tensor.withoutGrad {
            guard let rootFn = root.gradFn else {
                try Tensor.accumulate(seed, into: root)
                return
            }
            let order = GradFn.postOrder(from: rootFn)
            var pending: [ObjectIdentifier: [Tensor?]] = [:]
            var rootGrads = [Tensor?](repeating: nil, count: rootFn.outputCount)
            rootGrads[root.outputIndex] = seed
            pending[ObjectIdentifier(rootFn)] = rootGrads
            for fn in order.reversed() {
                guard let outs = pending.removeValue(forKey: ObjectIdentifier(fn)) else { continue }
                let ins = try fn.pullback(outs)
                for (k, m) in fn.inputs.enumerated() {
                    guard let m, k < ins.count, let g = ins[k] else { continue }
                    if let f = m.gradFn {
                        let key = ObjectIdentifier(f)
                        // Taken out of the dictionary and the slot, the gradient so far is held
                        // once, so the next edge's gradient adds into its storage without a copy.
                        var slot = pending.removeValue(forKey: key) ?? [Tensor?](repeating: nil, count: f.outputCount)
                        if var sum = slot[m.outputIndex].take() {
                            try sum.add(inPlace: g)
                            slot[m.outputIndex] = sum
                        } else {
                            slot[m.outputIndex] = g
                        }
                        pending[key] = slot
                    } else if m.requiresGrad {
                        try Tensor.accumulate(g, into: m)
                    }
                }
            }
        }
    }

    static func accumulate(_ g: Tensor, into m: AutogradMeta) throws {
        let g = g.detach()
        // Taken out of m, the gradient so far is held once and adds in place; put back even
        // when the shapes disagree.
        guard var sum = m.grad.take() else { m.grad = g; return }
        defer { m.grad = sum }
        try sum.add(inPlace: g)
    }

    /// self += other elementwise, as a value without a graph; in place when nothing else
    /// holds self's storage.
    mutating func add(inPlace other: Tensor) throws {
        guard shape == other.shape else {
            throw TensorError.shape(
                "gradient of shape \(Shape.format(other.shape)) cannot accumulate into \(Shape.format(shape))")
        }
        meta = nil
        floats.withUnsafeMutableBufferPointer { d in
            other.floats.withUnsafeBufferPointer { s in
                for i in 0..<d.count { d[i] += s[i] }
            }
        }
    }
}
