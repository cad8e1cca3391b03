import Foundation
import Tensors

/// y = x·Wᵀ + b (nn.Linear). Weight and bias U(−1/√in, 1/√in).
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let inFeatures: Int, outFeatures: Int
    /// Wᵀ laid out for the product kernels, kept while the weight is unchanged.
    let packedWeight = PackedWeight()
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) throws {
        guard inFeatures > 0, outFeatures > 0 else {
            throw TensorError(.value, "Linear needs positive sizes, found \(inFeatures) → \(outFeatures)")
        }
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
    public override var details: String {
        "\(inFeatures) → \(outFeatures)" + (bias == nil ? ", no bias" : "") + (int8 != nil ? ", int8" : "")
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        if let q = int8 { return try Tensor.int8Linear(x, q, bias?.value) }
        let w = weight.value
        return try Tensor.linear(x, w, bias?.value, packed: packedWeight.transposed(weight, w))
    }
}

/// Wᵀ of a weight matrix laid out once for the product kernels (Kernels.Packed) and kept while
/// the weight (its Parameter's version) and the kernel path stay the same: inference and
/// explanations run many forward passes with unchanged weights, and laying the weight out
/// for each product took longer than the product itself with few rows. The results are the
/// same bits. The price is memory: one more copy of the weight (its columns padded to whole
/// kernel panels) per layer, made at the first forward pass without training.
/// A weight being trained (it requires gradients and they are recorded) changes at every
/// step: its products lay it out themselves, as they always did, and no copy is kept.
public final class PackedWeight {
    private var packed: Kernels.Packed?
    private var version = 0
    private var rows: Range<Int>?
    private let lock = NSLock()
    /// How many times the weight was laid out (for tests of when the layout is made anew).
    private(set) var layouts = 0
    public init() {}
    /// The layout kept now.
    var current: Kernels.Packed? { lock.withLock { packed } }

    /// Wᵀ of `value` (the parameter's current value), or of its rows `rows`; laid out anew
    /// when the parameter has changed since, the kernel path has, or the rows differ.
    public func transposed(_ parameter: Parameter, _ value: Tensor, rows: Range<Int>? = nil) -> Kernels.Packed? {
        guard value.rank == 2, value.dtype == .float32 else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if GradMode.enabled && value.requiresGrad {
            packed = nil
            return nil
        }
        if let packed, version == parameter.version, self.rows == rows, packed.path == Kernels.path {
            return packed
        }
        // Dropped first, so that its memory can go before the new copy is made.
        packed = nil
        var part = value
        if let rows {
            guard let slice = try? value.slice(dim: 0, start: rows.lowerBound, end: rows.upperBound) else { return nil }
            part = slice
        }
        let fresh = Kernels.Packed(transposing: part)
        (packed, version, self.rows) = (fresh, parameter.version, rows)
        layouts += 1
        return fresh
    }
}
