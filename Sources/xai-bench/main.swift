// xai-bench: benchmark programs that print figures (run in release mode).
//   xai-bench matmul        GFLOP/s of square float32 products (256…2048) and PyTorch's matmul workload
//   xai-bench shapes        GFLOP/s of the products of a TinyGPT step, on 1 worker and on all
//   xai-bench steps         time of 1,000 small elementwise + backward steps
//   xai-bench sentiment     one SentimentNet epoch over sentiment.tsv (the peer's sentiment_epoch)
//   xai-bench user_model    the same epoch with the model written in the language, against the built-in
//   xai-bench pretrained DIR  a MiniLM-sized BERT checkpoint: sentence embedding and IG (bench/hf_peer.py's peers)
//   xai-bench global [--rows N --background N --samples N --weights FILE]  shap_summary, permutation_importance,
//                           partial_dependence and anchors of the breast-cancer MLP (bench/global_peer.py's
//                           and bench/anchors_peer.py's peers); each of the four also runs alone by its name
// Figures only; no assertion here. Compare with ../shared/bench/peer_workloads.py in the same run.
import Explain
import Foundation
import Layers
import Tensors
import Training

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
}

func benchMatmul() throws {
    var g = RandomGenerator(seed: 0)
    for n in [256, 512, 1024, 2048] {
        let a = try Tensor.randn([n, n], using: &g), b = try Tensor.randn([n, n], using: &g)
        _ = try a.matmul(b)
        let reps = max(3, Int(2e10 / Double(2 * n * n * n)))
        var best = Double.infinity
        for _ in 0..<3 {
            let t = try seconds { for _ in 0..<reps { _ = try a.matmul(b) } }
            best = min(best, t / Double(reps))
        }
        print(String(format: "matmul %4d×%-4d  %7.1f GFLOP/s  (%.2f ms per product, best of 3 × %d)",
                     n, n, 2 * pow(Double(n), 3) / best / 1e9, best * 1e3, reps))
    }
    // The peer workload: twenty 1024×1024 products.
    let a = try Tensor.randn([1024, 1024], using: &g), b = try Tensor.randn([1024, 1024], using: &g)
    _ = try a.matmul(b)
    let t = try seconds { for _ in 0..<20 { _ = try a.matmul(b) } }
    print(String(format: "matmul seconds=%.4f gflop=%.1f  (peer workload: 20 × 1024² products, %.1f GFLOP/s)",
                 t, 20 * 2 * pow(1024, 3) / 1e9, 20 * 2 * pow(1024, 3) / t / 1e9))
}

/// The products of one TinyGPT training step (batch 16 × 64, d_model 128, feed-forward 512)
/// as linear layers and their two backward products, on 1 worker and on all of them.
func benchShapes() throws {
    var g = RandomGenerator(seed: 0)
    let rows = 1024
    let layers = [(128, 384), (128, 128), (128, 512), (512, 128)]
    var operands: [(Tensor, Tensor, Tensor)] = []
    for (inF, outF) in layers {
        operands.append((try Tensor.randn([rows, inF], using: &g).requiringGrad(),
                         try Tensor.randn([outF, inF], using: &g).requiringGrad(),
                         try Tensor.randn([rows, outF], using: &g)))
    }
    let flops = layers.reduce(0.0) { $0 + 3 * 2 * Double(rows * $1.0 * $1.1) }
    let all = Kernels.threads
    for workers in Array(Set([1, all])).sorted() {
        Kernels.threads = workers
        var best = Double.infinity
        for _ in 0..<5 {
            let t = try seconds {
                for _ in 0..<10 {
                    for (x, w, dy) in operands {
                        // y = x·Wᵀ, then dx = dy·W and dW = dyᵀ·x, as training runs them.
                        try Tensor.linear(x, w).backward(dy)
                    }
                }
            }
            best = min(best, t / 10)
        }
        // Each layer's three products, then the whole step.
        for (x, w, dy) in operands {
            var layerBest = Double.infinity
            for _ in 0..<5 {
                let t = try seconds { for _ in 0..<20 { try Tensor.linear(x, w).backward(dy) } }
                layerBest = min(layerBest, t / 20)
            }
            print(String(format: "shapes  %d worker%@  %7.1f GFLOP/s  "
                         + "(x %@ · Wᵀ, W %@, and its two backward products)",
                         workers,
                         workers == 1 ? " " : "s", 6 * Double(x.shape[0] * x.shape[1] * w.shape[0]) / layerBest / 1e9,
                         "\(x.shape)", "\(w.shape)"))
        }
        print(String(format: "shapes  %d worker%@  %7.1f GFLOP/s  (%.2f ms for one GPT step's linear products)",
                     workers, workers == 1 ? "" : "s", flops / best / 1e9, best * 1e3))
    }
    Kernels.threads = all
}

func benchSteps() throws {
    var g = RandomGenerator(seed: 0)
    let x = try Tensor.randn([32, 16], using: &g)
    var w = try Tensor.randn([16], using: &g).requiringGrad()
    _ = x
    let t = try seconds {
        for _ in 0..<1000 {
            let y = try (x * w).tanh().mul(x).sigmoid().sum()
            try y.backward()
            let grad = w.grad ?? Tensor(scalar: 0)
            w = try (w.detach() - grad * 0.01).requiringGrad()
        }
    }
    print(String(format: "steps seconds=%.4f  (1,000 steps of [32,16]·w → tanh → ·x → sigmoid → sum → "
                 + "backward → update; %.1f µs per step)",
                 t, t * 1e3))
}

/// The peer workloads' untrained SentimentNet (embed 64, hidden 64, 1 layer) from seed 0, with
/// the sentiment dataset and its vocabulary over all sentences, as the peer builds it.
func untrainedSentimentNet() throws -> (data: Dataset, vocab: Vocabulary, net: SentimentNet, model: Model) {
    Random.seed(0)
    let data = try Datasets.load("sentiment")
    let vocab = try data.vocabulary()
    let net = try SentimentNet(vocab: vocab.count, embed: 64, hidden: 64, layers: 1)
    return (data, vocab, net, Model(net, vocabulary: vocab))
}

/// The peer's sentiment_epoch: SentimentNet(emb 64, hidden 64, 1 layer), all 3,000 sentences in
/// file order, batch 32, Adam lr 0.005; vocabulary over all sentences as the peer builds it.
func benchSentiment() throws {
    let (data, vocab, net, model) = try untrainedSentimentNet()
    let opt = try Adam(net.parameters, lr: 0.005)
    let batches = try data.batches(size: 32, vocabulary: vocab)
    net.train()
    let t = try seconds {
        for b in batches {
            opt.zeroGrad()
            try Tensor.bceWithLogits(model.logits(b), b.y.toFloat()).backward()
            try opt.step()
        }
    }
    let e = try evaluate(model, data)
    print(String(format: "sentiment_epoch seconds=%.4f  (94 batches; training accuracy after one epoch %.3f)",
                 t, e.accuracy))
}

/// The ig_text peer workload: Layer Integrated Gradients (50 Gauss–Legendre steps, pad
/// baseline) on the untrained embed-64/hidden-64 SentimentNet, 100 sentences one at a time.
func benchIGText() throws {
    let (data, _, net, model) = try untrainedSentimentNet()
    net.eval()
    let texts = Array((data.texts ?? []).prefix(100))
    var req = ExplainRequest(method: "integrated_gradients")
    req.target = 1
    var total = 0.0
    let t = try seconds {
        for s in texts {
            let e = try Explainer.explain(Explainer.subject(model, .text(s), req), req)
            total += abs(e.check("convergence delta") ?? 0)
        }
    }
    print(String(format: "ig_text seconds=%.4f  (100 sentences × 50 steps; mean |delta| %.2e)", t, total / 100))
}

/// The kernel_shap peer workload: KernelSHAP with 2,048 samples on an untrained
/// 13-16-3 tanh MLP's softmax over standardised wine rows, background = the first 20 rows,
/// rows 100..<110 explained, every class (shap explains all outputs).
func benchKernelShap() throws {
    Random.seed(0)
    let wine = try Datasets.load("wine")
    guard let raw = wine.features else { return }
    let x = try raw.sub(raw.mean(dim: 0)).div(raw.variance(dim: 0, correction: 0).sqrt())
    let net = try Sequential([Linear(13, 16), Activation("tanh"), Linear(16, 3)])
    let model = Model(net)
    let bg = try x.slice(dim: 0, start: 0, end: 20)
    var gap = 0.0
    let t = try seconds {
        for r in 100..<110 {
            for target in 0..<3 {
                var req = ExplainRequest(method: "kernel_shap")
                req.background = bg
                req.samples = 2048
                req.target = target
                req.output = .probability
                let e = try Explainer.explain(Explainer.subject(model, .row(x.select(dim: 0, index: r)), req), req)
                gap = max(gap, abs(e.check("efficiency gap") ?? 0))
            }
        }
    }
    print(String(format: "kernel_shap seconds=%.4f  (10 rows × 3 classes × 2,048 coalitions × 20 background rows; "
                 + "max efficiency gap %.1e)", t, gap))
}

/// The lime_text peer workload: LIME with 5,000 samples on 10 sentences, untrained
/// embed-64/hidden-64 SentimentNet.
func benchLimeText() throws {
    let (data, _, net, model) = try untrainedSentimentNet()
    net.eval()
    var req = ExplainRequest(method: "lime")
    req.target = 1
    var r2 = 0.0
    let t = try seconds {
        for s in (data.texts ?? []).prefix(10) {
            let e = try Explainer.explain(Explainer.subject(model, .text(s), req), req)
            r2 += e.check("local fit R²") ?? 0
        }
    }
    print(String(format: "lime_text seconds=%.4f  (10 sentences × 5,000 samples; mean local R² %.3f)", t, r2 / 10))
}

/// The gpt_steps peer workload: 20 AdamW steps (lr 3e-4) of a 4-layer, d_model 128, 4-head,
/// context 64 character GPT on the first 200,000 characters of tiny Shakespeare, batch 16.
func benchGPT() throws {
    Random.seed(0)
    let text = Array(try Datasets.corpus("shakespeare"))
    let chars = Array(Set(text)).sorted()
    let index = Dictionary(uniqueKeysWithValues: chars.enumerated().map { ($1, Int64($0)) })
    let data = text.prefix(200_000).map { index[$0] ?? 0 }
    let net = try TinyGPT(vocab: chars.count, dModel: 128, heads: 4, layers: 4, context: 64)
    let opt = try Adam(net.parameters, lr: 3e-4, weightDecay: 0.01, decoupled: true)   // torch.optim.AdamW defaults
    var g = RandomGenerator(seed: 0)
    var last = 0.0
    let t = try seconds {
        for _ in 0..<20 {
            var x = [Int64](), y = [Int64]()
            for _ in 0..<16 {
                let i = Int(g.below(UInt64(data.count - 65)))
                x += data[i..<i + 64]
                y += data[i + 1..<i + 65]
            }
            opt.zeroGrad()
            let logits = try net.forward(ids: Tensor(shape: [16, 64], ints: x))
            let loss = try Tensor.crossEntropy(logits.reshape([16 * 64, chars.count]),
                                               Tensor(shape: [16 * 64], ints: y))
            try loss.backward()
            try opt.step()
            last = Double(try loss.item())
        }
    }
    print(String(format: "gpt_steps seconds=%.4f tokens=%d  (20 AdamW steps, batch 16 × 64; last loss %.6f)",
                 t, 20 * 16 * 64, last))
}

do { try Kernels.configure() } catch { print("error: \(error)"); exit(2) }
Memory.configure()
print("xai-bench · \(Kernels.path.description) kernels · \(Kernels.threads) threads")
let which = CommandLine.arguments.dropFirst().first ?? "all"
do {
    switch which {
    case "matmul": try benchMatmul()
    case "shapes": try benchShapes()
    case "steps": try benchSteps()
    case "sentiment": try benchSentiment()
    case "ig_text": try benchIGText()
    case "kernel_shap": try benchKernelShap()
    case "lime_text": try benchLimeText()
    case "gpt_steps": try benchGPT()
    case "user_model": try benchUserModel()
    case "pretrained":
        guard let folder = CommandLine.arguments.dropFirst(2).first else {
            print("xai-bench pretrained DIR: DIR is a checkpoint folder (python3 bench/hf_peer.py make DIR)")
            exit(2)
        }
        try benchPretrained(folder)
    case "explain": try benchIGText(); try benchKernelShap(); try benchLimeText()
    case "shap_summary", "permutation_importance", "partial_dependence", "anchors", "global": try benchGlobal(which)
    case "all":
        try benchMatmul(); try benchSteps(); try benchSentiment()
        try benchIGText(); try benchKernelShap(); try benchLimeText(); try benchGPT()
    default:
        print("unknown benchmark \(which); expected matmul, shapes, steps, sentiment, ig_text, kernel_shap, lime_text, "
              + "explain, gpt_steps, user_model, pretrained DIR, shap_summary, "
              + "permutation_importance, partial_dependence, anchors, global or all")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
