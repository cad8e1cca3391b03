import Explain
import Foundation
import Pretrained
import Tensors
import Training

/// The sentence the pretrained workloads read: 32 tokens with [CLS] and [SEP] under the
/// checkpoint's vocabulary (bench/hf_peer.py reads the same).
let pretrainedSentence = "the food was not good at all , but the service was friendly and the prices were fair ; "
    + "i would still go back there again with my family today"

/// A MiniLM-sized BERT (bench/hf_peer.py make DIR writes it): a sentence embedding (mean
/// pooled, normalised) of a 32-token sentence, median of 50 after a warm-up, and Layer
/// Integrated Gradients at the word embeddings, 50 Gauss–Legendre steps, median of 5 —
/// bench/hf_peer.py's embed and ig workloads. Peak memory is the process's.
func benchPretrained(_ folder: String) throws {
    let url = URL(fileURLWithPath: folder)
    var loaded: LoadedCheckpoint?
    let load = try seconds { loaded = try Pretrained.loadModel(folder: url) }
    guard let checkpoint = loaded, let bert = checkpoint.module as? PretrainedEncoder else {
        print("error: \(folder) is not a BERT checkpoint"); exit(2)
    }
    let tokenizer = try Pretrained.loadTokenizer(folder: url)
    bert.eval()
    let ids = try tokenizer.encode(pretrainedSentence, pair: nil, specialTokens: true).ids
    let idT = try Tensor(shape: [1, ids.count], ints: ids.map(Int64.init))
    func embed() throws {
        _ = try Tensor.withoutGrad {
            try SentenceEmbedding.meanPooled(bert.hiddenStates(ids: idT, lengths: [ids.count]), lengths: [ids.count])
        }
    }
    try embed()
    let embedTimes = try (0..<50).map { _ in try seconds(embed) }.sorted()
    print(String(format: "pretrained embed seconds=%.5f  (%d tokens, median of 50; loading took %.3f s) · peak %.0f MB",
                 embedTimes[25], ids.count, load, peakMegabytes()))
    let model = Model(bert, tokenizer: tokenizer)
    var request = ExplainRequest(method: "integrated_gradients")
    request.target = 1
    request.pieces = true
    func ig() throws -> Explanation {
        try Explainer.explain(Explainer.subject(model, .text(pretrainedSentence), request), request)
    }
    var last: Explanation?
    _ = try ig()
    let igTimes = try (0..<5).map { _ in try seconds { last = try ig() } }.sorted()
    let delta = last?.checks.first { $0.name.contains("delta") }?.value ?? .nan
    print(String(format: "pretrained ig seconds=%.4f  (50 steps, %d tokens, median of 5; delta %.2e) · peak %.0f MB",
                 igTimes[2], ids.count, delta, peakMegabytes()))
}

/// The process's peak resident memory so far.
func peakMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
