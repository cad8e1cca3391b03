import Tensors

/// Layers applied in order; children are named 0, 1, 2… as in nn.Sequential.
public final class Sequential: Layer {
    public let layers: [Layer]
    public init(_ layers: [Layer]) {
        self.layers = layers
        super.init()
        for (i, l) in layers.enumerated() { register(String(i), l) }
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        var h = x
        for l in layers { h = try l(h) }
        return h
    }
}

/// Modules kept in a list, named 0, 1, 2… (nn.ModuleList).
public final class ModuleList<M: Module>: Module {
    public let items: [M]
    public override var typeName: String { "ModuleList" }
    public init(_ items: [M]) {
        self.items = items
        super.init()
        for (i, m) in items.enumerated() { register(String(i), m) }
    }
}
