// xai-bench: benchmark programs that print figures (run in release mode).
//   xai-bench matmul        GFLOP/s of square float32 products (256…2048) and PyTorch's matmul workload
//   xai-bench steps         time of 1,000 small elementwise + backward steps
//   xai-bench sentiment     one SentimentNet epoch over sentiment.tsv (the peer's sentiment_epoch)
// Figures only; no assertion here. Compare with ../shared/bench/peer_workloads.py in the same run.
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
    print(String(format: "steps seconds=%.4f  (1,000 steps of [32,16]·w → tanh → ·x → sigmoid → sum → backward → update; %.1f µs per step)",
                 t, t * 1e3))
}

/// The peer's sentiment_epoch: SentimentNet(emb 64, hidden 64, 1 layer), all 3,000 sentences in
/// file order, batch 32, Adam lr 0.005; vocabulary over all sentences as the peer builds it.
func benchSentiment() throws {
    Random.seed(0)
    let data = try Datasets.load("sentiment")
    let vocab = try data.vocabulary()
    let net = try SentimentNet(vocab: vocab.count, embed: 64, hidden: 64, layers: 1)
    let model = Model(net, vocabulary: vocab)
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
    print(String(format: "sentiment_epoch seconds=%.4f  (94 batches; training accuracy after one epoch %.3f)", t, e.accuracy))
}

Blas.configure()
Memory.configure()
print("xai-bench · OpenBLAS \(Blas.coreName) kernel · \(Blas.threads) threads")
let which = CommandLine.arguments.dropFirst().first ?? "all"
do {
    switch which {
    case "matmul": try benchMatmul()
    case "steps": try benchSteps()
    case "sentiment": try benchSentiment()
    case "all": try benchMatmul(); try benchSteps(); try benchSentiment()
    default:
        print("unknown benchmark \(which); expected matmul, steps, sentiment or all")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
