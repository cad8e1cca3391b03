import Tensors

/// Rows of a table picked by token ids (nn.Embedding); N(0, 1) init, the padding row zero
/// and never updated.
public final class Embedding: Layer {
    public let weight: Parameter
    public let paddingIndex: Int?
    public init(_ count: Int, _ dim: Int, paddingIndex: Int? = nil) throws {
        guard count > 0, dim > 0 else {
            throw TensorError(.value, "Embedding needs positive sizes, found \(count) × \(dim)")
        }
        if let p = paddingIndex, p < 0 || p >= count {
            throw TensorError(.index, "padding index \(p) is outside 0..<\(count)")
        }
        var w = try Init.normal([count, dim])
        if let p = paddingIndex { try w.assign(at: Array((p * dim)..<((p + 1) * dim)), from: Tensor.zeros([dim])) }
        weight = try Parameter(w)
        self.paddingIndex = paddingIndex
        super.init()
        register("weight", weight)
    }
    public override var details: String {
        "\(weight.value.shape[0]) × \(weight.value.shape[1])" + (paddingIndex.map { ", padding \($0)" } ?? "")
    }
    public override func forward(_ ids: Tensor) throws -> Tensor {
        try Tensor.embedding(ids, weight.value, paddingIndex: paddingIndex)
    }
}

/// nn.EmbeddingBag over a padded batch of bags [B, L]: the sum or mean of each bag's
/// vectors; entries equal to the padding index are left out (and not counted in the mean).
public final class EmbeddingBag: Layer {
    public let weight: Parameter
    public let mean: Bool
    public let paddingIndex: Int?
    public init(_ count: Int, _ dim: Int, mode: String = "mean", paddingIndex: Int? = nil) throws {
        guard mode == "mean" || mode == "sum" else {
            throw TensorError(.value, "EmbeddingBag mode must be \"mean\" or \"sum\", found \"\(mode)\"")
        }
        guard count > 0, dim > 0 else {
            throw TensorError(.value, "EmbeddingBag needs positive sizes, found \(count) × \(dim)")
        }
        weight = try Parameter(Init.normal([count, dim]))
        self.mean = mode == "mean"
        self.paddingIndex = paddingIndex
        super.init()
        register("weight", weight)
    }
    public override var details: String {
        "\(weight.value.shape[0]) × \(weight.value.shape[1]), \(mean ? "mean" : "sum")"
    }
    public override func forward(_ ids: Tensor) throws -> Tensor {
        guard ids.rank == 2 else {
            throw TensorError.shape("EmbeddingBag takes bags of ids [batch, length], found \(ids.shape)")
        }
        let vectors = try Tensor.embedding(ids, weight.value)                       // [B, L, D]
        let keep = try Tensor(shape: ids.shape + [1], floats: ids.ints.map { Int($0) == paddingIndex ? 0 : 1 })
        let sum = try vectors.mul(keep).sum(dim: 1)
        guard mean else { return sum }
        return try sum.div(keep.sum(dim: 1).clamp(min: 1))
    }
}
