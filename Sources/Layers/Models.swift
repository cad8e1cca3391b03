import Tensors

/// A classifier of token sequences that explanations can open at the embedding layer:
/// gradients flow to the embeddings, and perturbations change ids.
public protocol TextClassifier: Module {
    var embedding: Embedding { get }
    /// Logits ([B] for one logit, [B, C] otherwise) from embeddings [B, T, E] and row lengths.
    func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor
    /// Logits from token ids [B, T] and row lengths (by default: embed, then the above).
    func logits(ids: Tensor, lengths: [Int]) throws -> Tensor
    /// Whether it reads token ids through `embedding` (a model written in the language may not).
    var readsText: Bool { get }
}

extension TextClassifier {
    public var readsText: Bool { true }

    public func logits(ids: Tensor, lengths: [Int]) throws -> Tensor {
        try logits(embedded: embedding(ids), lengths: lengths)
    }
}

/// The LSTM + attention sentiment classifier: Embedding (padding 0) → LSTM → additive
/// attention over valid steps → Linear to one logit.
public final class SentimentNet: Module, TextClassifier {
    public let embedding: Embedding
    public let rnn: Recurrent
    public let attn: Linear
    public let fc: Linear

    public init(vocab: Int, embed: Int, hidden: Int, layers: Int = 1) throws {
        embedding = try Embedding(vocab, embed, paddingIndex: 0)
        rnn = try Recurrent(.lstm, inputSize: embed, hiddenSize: hidden, numLayers: layers)
        attn = try Linear(hidden, 1, bias: false)
        fc = try Linear(hidden, 1)
        super.init()
        register(children: ("embedding", embedding), ("rnn", rnn), ("attn", attn), ("fc", fc))
    }

    /// Logits [B] and attention weights [B, T] for ids [B, T] with per-row lengths.
    public func forward(ids: Tensor, lengths: [Int]) throws -> (logit: Tensor, attention: Tensor) {
        try forward(embedded: embedding(ids), lengths: lengths)
    }

    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        try forward(embedded: embedded, lengths: lengths).logit
    }

    /// The same from embeddings [B, T, E] (explanations attribute at this layer).
    public func forward(embedded: Tensor, lengths: [Int]) throws -> (logit: Tensor, attention: Tensor) {
        let T = embedded.shape[1]
        let h = try rnn.hooked(embedded) { try rnn.run($0, lengths: lengths).output }
        let scores = try attn(h).squeeze(-1)
        var invalid = [Bool](repeating: false, count: lengths.count * T)
        for (b, l) in lengths.enumerated() { for t in l..<max(l, T) { invalid[b * T + t] = true } }
        let w = try scores.maskedFill(Tensor(shape: [lengths.count, T], bools: invalid), -.infinity).softmax(dim: 1)
        let pooled = try w.unsqueeze(-1).mul(h).sum(dim: 1)
        return (try fc(pooled).squeeze(-1), w)
    }
}

/// A small decoder-only Transformer (GPT): token + learned position
/// embeddings, pre-norm GELU blocks with a causal mask, final LayerNorm, linear head.
/// GPT-2 is one of these with `activation: "gelu_tanh"` and a head without bias (its weight
/// is the token embeddings').
public final class TinyGPT: Module {
    public let tokEmb: Embedding, posEmb: Embedding
    public let blocks: ModuleList<TransformerEncoderLayer>
    public let lnF: LayerNorm
    public let head: Linear
    public let context: Int

    /// `feedforward` defaults to 4 × dModel; `eps` is every LayerNorm's.
    public init(vocab: Int, dModel: Int, heads: Int, layers: Int, context: Int, dropout: Float = 0,
                feedforward: Int? = nil, activation: String = "gelu", eps: Float = 1e-5,
                headBias: Bool = true) throws {
        tokEmb = try Embedding(vocab, dModel)
        posEmb = try Embedding(context, dModel)
        blocks = ModuleList(try (0..<layers).map { _ in
            try TransformerEncoderLayer(dModel: dModel, heads: heads, feedforward: feedforward ?? 4 * dModel,
                                        dropout: dropout, activation: activation, normFirst: true, eps: eps)
        })
        lnF = try LayerNorm(dModel, eps: eps)
        head = try Linear(dModel, vocab, bias: headBias)
        self.context = context
        super.init()
        register(children: ("tok_emb", tokEmb), ("pos_emb", posEmb), ("blocks", blocks), ("ln_f", lnF),
                           ("head", head))
    }

    /// Next-token logits [B, T, vocab] for ids [B, T] (T ≤ context).
    public func forward(ids: Tensor) throws -> Tensor {
        guard ids.rank == 2, ids.shape[1] <= context else {
            throw TensorError.shape("TinyGPT takes ids [batch, time ≤ \(context)], found \(ids.shape)")
        }
        return try forward(embedded: tokEmb(ids))
    }

    /// The same from token embeddings [B, T, d] (explanations attribute at this layer).
    public func forward(embedded: Tensor) throws -> Tensor {
        guard embedded.rank == 3, embedded.shape[1] <= context else {
            throw TensorError.shape("TinyGPT takes embeddings [batch, time ≤ \(context), d], found \(embedded.shape)")
        }
        let T = embedded.shape[1]
        var x = try embedded.add(posEmb(Tensor.arange(0, Double(T), dtype: .int64)))
        for b in blocks.items { x = try b.hooked(x) { try b.forward($0, causal: true) } }
        return try head(lnF(x))
    }
}

/// A language model seen as a classifier of its context: the logits of the token that
/// follows the last position. Explanations of "why this next character" attribute to the
/// context's token embeddings through it.
public final class NextTokenModel: Module, TextClassifier {
    public let gpt: TinyGPT
    public var embedding: Embedding { gpt.tokEmb }
    public init(_ gpt: TinyGPT) {
        self.gpt = gpt
        super.init()
        register("gpt", gpt)
    }
    public override var typeName: String { "TinyGPT" }

    /// Logits [B, vocab] of the next token after each row's last position.
    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        let all = try gpt.forward(embedded: embedded)
        return try all.select(dim: 1, index: all.shape[1] - 1)
    }
}

/// Conv2d(1, 4, 3, padding 1) → ReLU → MaxPool2d(2) → flatten → Linear(64, 10), the
/// reference CNN for 8×8 digits.
public final class SmallCNN: Layer {
    public let conv: Conv2d
    public let fc: Linear
    public init(channels: Int = 4, classes: Int = 10) throws {
        conv = try Conv2d(1, channels, kernel: 3, padding: 1)
        fc = try Linear(channels * 16, classes)
        super.init()
        register("conv", conv)
        register("fc", fc)
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try fc(conv(x).relu().maxPool2d(kernel: 2).flatten(from: 1))
    }
}

/// A Transformer encoder that classifies token sequences: token embeddings (padding 0) plus
/// learned positions, `layers` post-norm encoder layers that ignore padding, the mean of the
/// valid positions, and a linear head (one logit for two classes, else one per class).
public final class TransformerClassifier: Module, TextClassifier {
    public let embedding: Embedding
    public let positions: Embedding
    public let layers: ModuleList<TransformerEncoderLayer>
    public let head: Linear
    public let maxLength: Int

    public init(vocab: Int, dModel: Int, heads: Int, layers n: Int, feedforward: Int? = nil, classes: Int = 1,
                maxLength: Int = 64, dropout: Float = 0.1) throws {
        guard dModel > 0, heads > 0, dModel % heads == 0 else {
            throw TensorError.value("d_model must be a positive multiple of heads, found \(dModel) and \(heads)")
        }
        guard n >= 1, classes >= 1, maxLength >= 1 else {
            throw TensorError.value("layers, classes and max_length must be positive")
        }
        embedding = try Embedding(vocab, dModel, paddingIndex: 0)
        positions = try Embedding(maxLength, dModel)
        layers = ModuleList(try (0..<n).map { _ in
            try TransformerEncoderLayer(dModel: dModel, heads: heads, feedforward: feedforward ?? 4 * dModel,
                                        dropout: dropout)
        })
        head = try Linear(dModel, classes == 2 ? 1 : classes)
        self.maxLength = maxLength
        super.init()
        register(children: ("embedding", embedding), ("positions", positions), ("layers", layers), ("head", head))
    }

    public func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        let T = try encoderSteps(embedded, lengths: lengths, maxLength: maxLength, model: "TransformerClassifier")
        var h = try embedded.add(positions(Tensor.arange(0, Double(T), dtype: .int64)))
        let masks = try paddingMasks(lengths: lengths, steps: T)
        for layer in layers.items { h = try layer.hooked(h) { try layer.forward($0, keyPaddingMask: masks.padding) } }
        let pooled = try h.mul(masks.mean).sum(dim: 1)
        let out = try head(pooled)
        return out.shape[1] == 1 ? try out.squeeze(1) : out
    }
}

/// The steps T of embeddings [B, T, d] given to an encoder that takes one length per row and
/// at most `maxLength` steps (`model` names it in errors).
func encoderSteps(_ embedded: Tensor, lengths: [Int], maxLength: Int, model: String) throws -> Int {
    guard embedded.rank == 3, embedded.shape[0] == lengths.count else {
        throw TensorError.shape("\(model) takes embeddings [batch, time, d] and one length per row, found "
                                + "\(embedded.shape) and \(lengths.count)")
    }
    let T = embedded.shape[1]
    guard T <= maxLength else {
        throw TensorError.shape("sequences of \(T) tokens are longer than max_length \(maxLength)")
    }
    return T
}

/// For rows of `lengths` padded to T steps (a row of length 0 keeps its first step): the key
/// padding mask [B, T] (true = padding) and the weights of the mean over valid steps
/// [B, T, 1] (1/length on them, 0 on padding).
public func paddingMasks(lengths: [Int], steps T: Int) throws -> (padding: Tensor, mean: Tensor) {
    let B = lengths.count
    var pad = [Bool](repeating: false, count: B * T), keep = [Float](repeating: 0, count: B * T)
    for (b, l) in lengths.enumerated() {
        for t in 0..<T {
            if t < max(1, l) { keep[b * T + t] = 1 / Float(max(1, min(l, T))) } else { pad[b * T + t] = true }
        }
    }
    return (try Tensor(shape: [B, T], bools: pad), try Tensor(shape: [B, T, 1], floats: keep))
}
