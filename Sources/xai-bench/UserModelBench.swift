import Foundation
import Lang
import Layers
import Tensors
import Training

/// The LSTM + attention sentiment classifier written in the language, as scripts/own_model.xai
/// writes it (vocabulary size instead of the vocabulary, embed 64, hidden 64).
let userSentimentSource = """
model SentimentClassifier(vocab_size, embed = 64, hidden = 64) {
    self.embedding = Embedding(vocab_size, embed, padding_idx: 0)
    self.rnn = LSTM(embed, hidden)
    self.attn = Linear(hidden, 1, bias: false)
    self.fc = Linear(hidden, 1)
    fn forward(ids, lengths) {
        states = self.rnn(self.embedding(ids), lengths: lengths)[0]
        scores = self.attn(states).squeeze(-1)
        valid = arange(ids.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        weights = softmax(scores.masked_fill(valid == false, float("-inf")), dim: 1)
        [self.fc((weights.unsqueeze(-1) * states).sum(1)).squeeze(-1), weights]
    }
}
"""

/// One epoch of the built-in SentimentNet against the same model written in the language
/// (same data, batches, seed and optimizer), alternating, five rounds: the cost of running a
/// forward written in the language.
func benchUserModel() throws {
    let (data, vocab, _, _) = try untrainedSentimentNet()
    let batches = try data.batches(size: 32, vocabulary: vocab)
    let interp = Interpreter()
    interp.output = { _, _ in }
    try interp.run(userSentimentSource)
    func epoch(_ model: Model) throws -> Double {
        let opt = try Adam(model.module.parameters, lr: 0.005)
        model.module.train()
        return try seconds {
            for b in batches {
                opt.zeroGrad()
                try Tensor.bceWithLogits(model.logits(b), b.y.toFloat()).backward()
                try opt.step()
            }
        }
    }
    var builtIn: [Double] = [], written: [Double] = []
    for _ in 0..<5 {
        Random.seed(0)
        builtIn.append(try epoch(Model(try SentimentNet(vocab: vocab.count, embed: 64, hidden: 64, layers: 1))))
        Random.seed(0)
        try interp.run("net = SentimentClassifier(\(vocab.count))")
        guard case .object(let o as ModuleObject)? = interp.global("net") else { throw TensorError.value("no model") }
        written.append(try epoch(o.model))
    }
    let a = builtIn.sorted()[2], b = written.sorted()[2]
    print(String(format: "user_model built-in SentimentNet epoch %.4f s · written in the language %.4f s · "
                 + "ratio %.3f  (medians of 5 alternating epochs, 94 batches each)", a, b, b / a))
}
