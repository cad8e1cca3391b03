import Tensors

/// Fixed sinusoidal position encodings (Vaswani et al. 2017), added to [B, T, d] inputs.
public final class SinusoidalPositions: Layer {
    public let table: Tensor
    public init(dim: Int, maxLength: Int = 512) throws {
        var v = [Float](repeating: 0, count: maxLength * dim)
        for p in 0..<maxLength {
            for i in stride(from: 0, to: dim, by: 2) {
                let angle = Double(p) / FastMath.pow(10000, Double(i) / Double(dim))
                v[p * dim + i] = Float(FastMath.sin(angle))
                if i + 1 < dim { v[p * dim + i + 1] = Float(FastMath.cos(angle)) }
            }
        }
        table = try Tensor(shape: [maxLength, dim], floats: v)
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3, x.shape[1] <= table.shape[0], x.shape[2] == table.shape[1] else {
            throw TensorError.shape("sinusoidal positions for up to \(table.shape[0]) steps of \(table.shape[1]) "
                                    + "features, found input \(x.shape)")
        }
        return try x.add(table.slice(dim: 0, start: 0, end: x.shape[1]))
    }
}

/// Learned position embeddings (a table of `maxLength` rows), added to [B, T, d] inputs.
public final class LearnedPositions: Layer {
    public let embedding: Embedding
    public init(dim: Int, maxLength: Int) throws {
        embedding = try Embedding(maxLength, dim)
        super.init()
        register("weight", embedding.weight)
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let T = x.shape.count == 3 ? x.shape[1] : 0
        guard T <= embedding.weight.value.shape[0] else {
            throw TensorError.shape("learned positions cover \(embedding.weight.value.shape[0]) steps, input has \(T)")
        }
        return try x.add(embedding.forward(Tensor.arange(0, Double(T), dtype: .int64)))
    }
}
