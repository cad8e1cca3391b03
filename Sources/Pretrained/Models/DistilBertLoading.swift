import Foundation
import Tensors

extension PretrainedDistilBert {
    /// The DistilBERT of `c` with the checkpoint's tensors, each found and its shape checked
    /// before the model is built. With sinusoidal_pos_embds and no saved position table, the
    /// table is built as transformers builds it (`generatedValues` counts it).
    static func load(_ c: PretrainedConfig, _ t: CheckpointTensors) throws
        -> (model: PretrainedDistilBert, generatedValues: Int) {
        let H = c.hiddenSize, hk = c.keys.hidden, square = "\(hk) × \(hk)"
        let withClassifier = c.architecture == "DistilBertForSequenceClassification"
        var state: [(String, Tensor)] = [
            ("distilbert.embeddings.word_embeddings.weight",
             try t.take("embeddings.word_embeddings.weight", [c.vocabSize, H], sizes: "vocab_size × \(hk)")),
        ]
        var generated = 0
        let positions = "embeddings.position_embeddings.weight"
        if c.sinusoidalPositions && !t.has(positions) {
            let table = try sinusoidalTable(positions: c.maxPositions, dim: H)
            generated = table.count
            state.append(("distilbert." + positions, table))
        } else {
            state.append(("distilbert." + positions, try t.take(positions, [c.maxPositions, H],
                                                                sizes: "max_position_embeddings × \(hk)")))
        }
        state += try t.linear("embeddings.LayerNorm", into: "distilbert.embeddings.LayerNorm", [H], hk, H, hk)
        for i in 0..<c.layerCount {
            state += try t.encoderLayer("transformer.layer.\(i).", into: "distilbert.transformer.layer.\(i).",
                                        names: .distilBert, config: c)
        }
        if withClassifier {
            state += try t.linear("pre_classifier", into: "pre_classifier", [H, H], square, H, hk, base: false)
            state += try t.linear("classifier", into: "classifier", [c.numLabels, H], "num_labels × \(hk)",
                                  c.numLabels, "num_labels", base: false)
        }
        let model = try PretrainedDistilBert(c, classifier: withClassifier)
        try model.loadStateDict(Dictionary(state, uniquingKeysWith: { a, _ in a }))
        model.eval()
        return (model, generated)
    }

    /// transformers' sinusoidal position table [positions, dim]: angle pos / 10000^(2⌊j/2⌋/dim),
    /// sine in the even columns and cosine in the odd ones, computed in double precision.
    static func sinusoidalTable(positions: Int, dim: Int) throws -> Tensor {
        let (count, overflow) = positions.multipliedReportingOverflow(by: dim)
        guard !overflow, count <= 1 << 27 else {
            throw TensorError.value("a sinusoidal position table of \(positions) × \(dim) is too large "
                                    + "(expected at most \(1 << 27) values)")
        }
        var values = [Float](repeating: 0, count: count)
        for j in 0..<dim {
            let rate = Foundation.pow(10000.0, Double(2 * (j / 2)) / Double(dim))
            for p in 0..<positions {
                let angle = Double(p) / rate
                values[p * dim + j] = Float(j % 2 == 0 ? Foundation.sin(angle) : Foundation.cos(angle))
            }
        }
        return try Tensor(shape: [positions, dim], floats: values)
    }
}
