import Tensors

/// One view (modality) of each example: a named block of columns of its feature row.
public struct FeatureView: Equatable {
    public let name: String
    public let columns: Range<Int>
    public init(_ name: String, _ columns: Range<Int>) { self.name = name; self.columns = columns }
    public var width: Int { columns.count }

    /// This view's columns of rows [N, F].
    public func take(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[1] >= columns.upperBound else {
            throw TensorError.shape("view '\(name)' takes columns \(columns.lowerBound)..<\(columns.upperBound) of "
                                    + "rows [N, F], found \(x.shape)")
        }
        return try x.slice(dim: 1, start: columns.lowerBound, end: columns.upperBound)
    }

    static func check(_ views: [FeatureView], _ n: Int, _ what: String) throws {
        guard !views.isEmpty, views.count == n else {
            throw TensorError.value("\(what) needs one model per view: \(views.count) views, \(n) models")
        }
    }
}

/// Feature-level (early/intermediate) fusion: an encoder per view turns its columns into
/// features, the features are concatenated, and one head decides from all of them — so the
/// head can learn interactions between views.
public final class FeatureFusion: Layer {
    public let views: [FeatureView]
    public let encoders: ModuleList<Layer>
    public let head: Layer

    public init(views: [FeatureView], encoders: [Layer], head: Layer) throws {
        try FeatureView.check(views, encoders.count, "FeatureFusion")
        self.views = views
        self.encoders = ModuleList(encoders)
        self.head = head
        super.init()
        register("encoders", self.encoders)
        register("head", head)
    }

    public override var details: String { views.map { "\($0.name) \($0.width)" }.joined(separator: " + ") }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let features = try zip(views, encoders.items).map { v, e -> Tensor in
            let f = try e(v.take(x))
            guard f.rank == 2 else {
                throw TensorError.shape("the encoder of view '\(v.name)' must give features [N, k], gave \(f.shape)")
            }
            return f
        }
        return try head(Tensor.cat(features, dim: 1))
    }
}

/// Decision-level (late) fusion: one complete model per view, each deciding alone; their
/// logits are combined as Σ wᵥ·logitᵥ + b. Fixed weights are a vote; learned weights (the
/// models frozen, only w and b trained) say how far to trust each view.
public final class DecisionFusion: Layer {
    public let views: [FeatureView]
    public let models: ModuleList<Layer>
    public let weights: Parameter
    public let bias: Parameter

    public init(views: [FeatureView], models: [Layer], weights: [Float]? = nil) throws {
        try FeatureView.check(views, models.count, "DecisionFusion")
        if let weights, weights.count != views.count {
            throw TensorError.value(
                "DecisionFusion needs one weight per view: \(views.count) views, \(weights.count) weights")
        }
        self.views = views
        self.models = ModuleList(models)
        let initial = weights ?? [Float](repeating: 1 / Float(views.count), count: views.count)
        self.weights = try Parameter(Tensor(shape: [views.count], floats: initial))
        bias = try Parameter(Tensor.zeros([1]))
        super.init()
        register("models", self.models)
        register("weights", self.weights)
        register("bias", bias)
        if weights != nil {
            // Fixed weights: nothing in the fusion itself trains.
            self.weights.frozen = true
            bias.frozen = true
        } else {
            // Learned weights: the view models keep what they learned alone.
            self.models.freeze()
        }
    }

    public var learned: Bool { !weights.frozen }
    public override var details: String {
        views.map(\.name).joined(separator: " + ") + (learned ? ", learned weights" : ", fixed weights")
    }

    /// Each view model's logits for rows [N, F] (the same shape for every model).
    public func viewLogits(_ x: Tensor) throws -> [Tensor] {
        let outs = try zip(views, models.items).map { v, m in try m(v.take(x)) }
        guard let first = outs.first, outs.allSatisfy({ $0.shape == first.shape }) else {
            throw TensorError.shape("the view models must give logits of one shape, gave \(outs.map(\.shape))")
        }
        return outs
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var total: Tensor?
        for (i, l) in try viewLogits(x).enumerated() {
            let term = try l.mul(weights.value.select(dim: 0, index: i))
            total = try total.map { try $0.add(term) } ?? term
        }
        guard let total else { throw TensorError.value("DecisionFusion has no views") }
        return try total.add(bias.value)
    }
}
