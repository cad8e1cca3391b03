import Foundation
import Tensors

/// Modules that map one tensor to one tensor implement `forward`, so `Sequential` can chain them.
open class Layer: Module {
    open func forward(_ x: Tensor) throws -> Tensor { x }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try forward(x) }
}

/// y = x·Wᵀ + b (nn.Linear). Weight and bias U(−1/√in, 1/√in).
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let inFeatures: Int, outFeatures: Int
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) throws {
        guard inFeatures > 0, outFeatures > 0 else { throw TensorError(.value, "Linear needs positive sizes, found \(inFeatures) → \(outFeatures)") }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try Parameter(Init.kaiming([outFeatures, inFeatures], fanIn: inFeatures))
        self.bias = bias ? try Parameter(Init.kaiming([outFeatures], fanIn: inFeatures)) : nil
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }
    /// Set by quantizeInt8(): the layer then computes with int8 weights and activations.
    public var int8: Int8Matrix?
    public override var details: String { "\(inFeatures) → \(outFeatures)" + (bias == nil ? ", no bias" : "") + (int8 != nil ? ", int8" : "") }
    public override func forward(_ x: Tensor) throws -> Tensor {
        if let q = int8 { return try Tensor.int8Linear(x, q, bias?.value) }
        return try Tensor.linear(x, weight.value, bias?.value)
    }
}

/// Rows of a table picked by token ids (nn.Embedding); N(0, 1) init, the padding row zero
/// and never updated.
public final class Embedding: Layer {
    public let weight: Parameter
    public let paddingIndex: Int?
    public init(_ count: Int, _ dim: Int, paddingIndex: Int? = nil) throws {
        guard count > 0, dim > 0 else { throw TensorError(.value, "Embedding needs positive sizes, found \(count) × \(dim)") }
        if let p = paddingIndex, p < 0 || p >= count { throw TensorError(.index, "padding index \(p) is outside 0..<\(count)") }
        var w = try Tensor.randn([count, dim], using: &Random.shared)
        if let p = paddingIndex { try w.assign(at: Array((p * dim)..<((p + 1) * dim)), from: Tensor.zeros([dim])) }
        weight = try Parameter(w)
        self.paddingIndex = paddingIndex
        super.init()
        register("weight", weight)
    }
    public override var details: String { "\(weight.value.shape[0]) × \(weight.value.shape[1])" + (paddingIndex.map { ", padding \($0)" } ?? "") }
    public override func forward(_ ids: Tensor) throws -> Tensor { try Tensor.embedding(ids, weight.value, paddingIndex: paddingIndex) }
}

public final class LayerNorm: Layer {
    public let weight: Parameter, bias: Parameter
    public let eps: Float
    public init(_ dim: Int, eps: Float = 1e-5) throws {
        weight = try Parameter(Tensor.ones([dim]))
        bias = try Parameter(Tensor.zeros([dim]))
        self.eps = eps
        super.init()
        register("weight", weight)
        register("bias", bias)
    }
    public override var details: String { "\(weight.value.count)" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.layerNorm(x, normalizedShape: weight.value.shape, weight: weight.value, bias: bias.value, eps: eps)
    }
}

public final class Dropout: Layer {
    public let p: Float
    public init(_ p: Float = 0.5) throws {
        guard p >= 0, p < 1 else { throw TensorError(.value, "dropout probability must be in [0, 1), found \(p)") }
        self.p = p
    }
    public override var details: String { "p=\(p)" }
    public override func forward(_ x: Tensor) throws -> Tensor { training && p > 0 ? try x.dropout(p: p) : x }
}

/// An elementwise activation by name: relu, gelu, tanh, sigmoid, softmax (last dim).
public final class Activation: Layer {
    public let kind: String
    public init(_ kind: String) throws {
        guard ["relu", "gelu", "tanh", "sigmoid", "softmax"].contains(kind) else {
            throw TensorError(.value, "unknown activation \(kind); expected relu, gelu, tanh, sigmoid or softmax")
        }
        self.kind = kind
    }
    public override var typeName: String { ["relu": "ReLU", "gelu": "GELU", "tanh": "Tanh", "sigmoid": "Sigmoid", "softmax": "Softmax"][kind] ?? kind }
    public override func forward(_ x: Tensor) throws -> Tensor {
        switch kind {
        case "relu": return x.relu()
        case "gelu": return x.gelu()
        case "tanh": return x.tanh()
        case "sigmoid": return x.sigmoid()
        default: return try x.softmax(dim: -1)
        }
    }
}

public final class Flatten: Layer {
    public let startDim: Int
    public init(startDim: Int = 1) { self.startDim = startDim }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.flatten(from: startDim) }
}

/// nn.Conv2d (groups 1). Weight and bias U(−1/√(in·k·k), …).
public final class Conv2d: Layer {
    public let weight: Parameter, bias: Parameter?
    public let stride: Int, padding: Int
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true) throws {
        guard inChannels > 0, outChannels > 0, kernel > 0 else { throw TensorError(.value, "Conv2d needs positive sizes") }
        let fanIn = inChannels * kernel * kernel
        weight = try Parameter(Init.kaiming([outChannels, inChannels, kernel, kernel], fanIn: fanIn))
        self.bias = bias ? try Parameter(Init.kaiming([outChannels], fanIn: fanIn)) : nil
        self.stride = stride
        self.padding = padding
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }
    public override var details: String { let s = weight.value.shape; return "\(s[1]) → \(s[0]), kernel \(s[2]), stride \(stride), padding \(padding)" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.conv2d(x, weight.value, bias: bias?.value, stride: stride, padding: padding)
    }
}

public final class Pool2d: Layer {
    public let max: Bool, kernel: Int, stride: Int?
    public init(max: Bool, kernel: Int, stride: Int? = nil) { self.max = max; self.kernel = kernel; self.stride = stride }
    public override var typeName: String { max ? "MaxPool2d" : "AvgPool2d" }
    public override var details: String { "kernel \(kernel)" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        max ? try x.maxPool2d(kernel: kernel, stride: stride) : try x.avgPool2d(kernel: kernel, stride: stride)
    }
}

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
        for l in layers { h = try l.forward(h) }
        return h
    }
}

/// nn.EmbeddingBag over a padded batch of bags [B, L]: the sum or mean of each bag's
/// vectors; entries equal to the padding index are left out (and not counted in the mean).
public final class EmbeddingBag: Layer {
    public let weight: Parameter
    public let mean: Bool
    public let paddingIndex: Int?
    public init(_ count: Int, _ dim: Int, mode: String = "mean", paddingIndex: Int? = nil) throws {
        guard mode == "mean" || mode == "sum" else { throw TensorError(.value, "EmbeddingBag mode must be \"mean\" or \"sum\", found \"\(mode)\"") }
        guard count > 0, dim > 0 else { throw TensorError(.value, "EmbeddingBag needs positive sizes, found \(count) × \(dim)") }
        weight = try Parameter(Tensor.randn([count, dim], using: &Random.shared))
        self.mean = mode == "mean"
        self.paddingIndex = paddingIndex
        super.init()
        register("weight", weight)
    }
    public override var details: String { "\(weight.value.shape[0]) × \(weight.value.shape[1]), \(mean ? "mean" : "sum")" }
    public override func forward(_ ids: Tensor) throws -> Tensor {
        guard ids.rank == 2 else { throw TensorError.shape("EmbeddingBag takes bags of ids [batch, length], found \(ids.shape)") }
        let vectors = try Tensor.embedding(ids, weight.value)                       // [B, L, D]
        let keep = try Tensor(shape: ids.shape + [1], floats: ids.ints.map { Int($0) == paddingIndex ? 0 : 1 })
        let sum = try vectors.mul(keep).sum(dim: 1)
        guard mean else { return sum }
        return try sum.div(keep.sum(dim: 1).clamp(min: 1))
    }
}
