import Layers
import Tensors

/// Checks of what a pretrained encoder is given, and the pass through its layers with padding
/// keys ignored (transformers' attention_mask from row lengths).
enum EncoderInput {
    /// Throws unless `embedded` is [B, T, hidden] with 1 ≤ T ≤ maxLength, `lengths` has one
    /// length in 1...T per row, and `tokenTypes` (when given) is [B, T] of ids.
    static func check(_ embedded: Tensor, lengths: [Int], tokenTypes: Tensor?, hidden: Int, maxLength: Int,
                      model: String) throws {
        guard embedded.rank == 3, embedded.shape[2] == hidden, embedded.dtype == .float32 else {
            throw TensorError.shape("\(model) takes embeddings [batch, time, \(hidden)], found "
                                    + "\(embedded.dtype) \(Shape.format(embedded.shape))")
        }
        let B = embedded.shape[0], T = embedded.shape[1]
        guard T >= 1, T <= maxLength else {
            throw TensorError.shape("\(model) takes 1 to \(maxLength) tokens per row "
                                    + "(max_position_embeddings), found \(T)")
        }
        guard lengths.count == B else {
            throw TensorError.shape("\(model) needs one length per row: \(B) rows, found \(lengths.count) lengths")
        }
        if let bad = lengths.first(where: { $0 < 1 || $0 > T }) {
            throw TensorError.value("\(model): every length must be between 1 and \(T) (the padded width), "
                                    + "found \(bad)")
        }
        if let types = tokenTypes {
            guard types.shape == [B, T], types.dtype != .float32 else {
                throw TensorError.shape("\(model) takes token types of ids [\(B), \(T)], found "
                                        + "\(types.dtype) \(Shape.format(types.shape))")
            }
        }
    }

    /// Throws unless `ids` is [B, T] of token ids.
    static func checkIds(_ ids: Tensor, model: String) throws {
        guard ids.rank == 2, ids.dtype != .float32 else {
            throw TensorError.shape("\(model) takes token ids [batch, time], found \(ids.dtype) "
                                    + "\(Shape.format(ids.shape))")
        }
    }

    /// The key padding mask [B, T] (true = padding) of rows of `lengths`, or nil without padding.
    static func paddingMask(lengths: [Int], steps T: Int) throws -> Tensor? {
        guard lengths.contains(where: { $0 < T }) else { return nil }
        var pad = [Bool](repeating: false, count: lengths.count * T)
        for (b, l) in lengths.enumerated() { for t in l..<T { pad[b * T + t] = true } }
        return try Tensor(shape: [lengths.count, T], bools: pad)
    }

    /// `h` through every layer (each called through its hooks), padding keys ignored.
    static func run(_ layers: ModuleList<TransformerEncoderLayer>, _ h: Tensor, lengths: [Int]) throws -> Tensor {
        let mask = try paddingMask(lengths: lengths, steps: h.shape[1])
        var x = h
        for layer in layers.items { x = try layer.hooked(x) { try layer.forward($0, keyPaddingMask: mask) } }
        return x
    }

    /// An activation by the encoder layers' name: "gelu" (exact), "gelu_tanh" or "relu".
    static func activate(_ name: String, _ x: Tensor) -> Tensor {
        switch name {
        case "gelu": return x.gelu()
        case "gelu_tanh": return x.gelu(approximate: true)
        default: return x.relu()
        }
    }
}
