import Explain
import Foundation
import Lang
import Layers
import Tensors
import Training

/// The breast-cancer MLP as scripts/explain_tabular.xai trains it (same seed, split,
/// standardisation, epochs and optimizer), run through the language so the weights are the same.
let globalTrainingSource = """
seed(0)
data = dataset("breast_cancer")
train, test = data.split(0.8)
train = train.standardize()
test = test.standardize(like: train)
mlp = Sequential(Linear(30, 16), ReLU(), Linear(16, 2))
history = fit(mlp, train, epochs: 20, batch: 32, optimizer: Adam(lr: 0.01))
"""

/// What the global workloads share with bench/global_peer.py: the model, the test rows and
/// their labels, and the background rows (the first training rows).
struct GlobalWorkload {
    let model: Model
    let test: Dataset
    let x: Tensor
    let background: Tensor
    /// The standardised training rows (anchors cut features at their quartiles).
    let train: Tensor

    /// Trains the MLP; with `weights`, writes the weights, test rows, labels, background and training rows
    /// to that safetensors file for the peer.
    init(backgroundRows: Int, rows: Int?, weights: String?) throws {
        let interp = Interpreter()
        interp.output = { _, _ in }
        try interp.run(globalTrainingSource)
        guard case .object(let m as ModuleObject)? = interp.global("mlp"),
              case .object(let te as DatasetObject)? = interp.global("test"),
              case .object(let tr as DatasetObject)? = interp.global("train"),
              let trainX = tr.dataset.features, let testX = te.dataset.features else {
            throw TensorError.value("the training script did not leave mlp, train and test")
        }
        m.module.eval()
        let n = min(rows ?? testX.shape[0], testX.shape[0])
        model = m.model
        test = try te.dataset.subset(Array(0..<n))
        x = try testX.slice(dim: 0, start: 0, end: n)
        background = try trainX.slice(dim: 0, start: 0, end: backgroundRows)
        train = trainX
        if let weights {
            let labels = test.labels.toFloat()
            try SafeTensors.write(m.module.stateDict() + [("x_test", x), ("y_test", labels),
                                                          ("background", background), ("x_train", trainX)],
                                  to: URL(fileURLWithPath: weights))
        }
    }
}

/// Arguments after the workload's name: `--rows N`, `--background N`, `--samples N`,
/// `--weights FILE` (for the peer).
func globalOption(_ name: String) -> String? {
    let args = Array(CommandLine.arguments.dropFirst(2))
    guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

/// shap_summary over the test rows: KernelSHAP (samples coalitions) and permutation SHAP
/// (10 antithetic permutations), background = the first training rows, class-1 logit.
func benchShapSummary(_ w: GlobalWorkload, samples: Int) throws {
    for method in ["kernel_shap", "permutation_shap"] {
        var req = ExplainRequest(method: method)
        req.background = w.background
        req.samples = samples
        req.permutations = 10
        req.target = 1
        var s: AttributionSummary?
        let t = try seconds {
            s = try GlobalAttribution.summary(model: w.model, rows: w.x, request: req, names: w.test.featureNames)
        }
        let top = s.map { $0.featureNames[$0.order[0]] } ?? "?"
        print(String(format: "shap_summary_%@ seconds=%.4f  (%d rows × %@, background %d; top feature %@)",
                     method == "kernel_shap" ? "kernel" : "permutation", t, w.x.shape[0],
                     method == "kernel_shap" ? "\(samples) coalitions" : "10 permutations", w.background.shape[0],
                     top))
    }
}

/// sklearn's permutation_importance: 5 repeats, accuracy, over the test rows.
func benchPermutationImportance(_ w: GlobalWorkload) throws {
    var pi: PermutationImportance?
    let t = try seconds {
        pi = try PermutationImportance(model: w.model, rows: w.x, labels: w.test.labels.intValues.map { Int($0) },
                                       metric: .accuracy, repeats: 5, seed: 0, names: w.test.featureNames)
    }
    let top = pi.map { $0.featureNames[$0.order[0]] } ?? "?"
    print(String(format: "permutation_importance seconds=%.4f  (%d rows × 30 features × 5 repeats; baseline "
                 + "accuracy %.4f; top feature %@)", t, w.x.shape[0], pi?.baseline ?? .nan, top))
}

/// sklearn's partial_dependence with kind "both", grid 20, for every feature in turn.
func benchPartialDependence(_ w: GlobalWorkload) throws {
    var spread = 0.0
    let t = try seconds {
        for j in 0..<w.x.shape[1] {
            let pd = try PartialDependence(model: w.model, rows: w.x, features: [j], grid: 20, target: 1,
                                           output: .probability)
            spread = max(spread, (pd.average.max() ?? 0) - (pd.average.min() ?? 0))
        }
    }
    print(String(format: "partial_dependence seconds=%.4f  (30 features × 20 grid values × %d rows, with ICE; "
                 + "largest PD range %.4f)", t, w.x.shape[0], spread))
}

/// The global workloads named by `which` ("shap_summary", "permutation_importance",
/// "partial_dependence" or "global" for all three).
func benchGlobal(_ which: String) throws {
    let rows = globalOption("rows").flatMap(Int.init)
    let w = try GlobalWorkload(backgroundRows: globalOption("background").flatMap(Int.init) ?? 20, rows: rows,
                               weights: globalOption("weights"))
    let samples = globalOption("samples").flatMap(Int.init) ?? 500
    if which == "shap_summary" || which == "global" { try benchShapSummary(w, samples: samples) }
    if which == "permutation_importance" || which == "global" { try benchPermutationImportance(w) }
    if which == "partial_dependence" || which == "global" { try benchPartialDependence(w) }
    if which == "anchors" || which == "global" { try benchAnchors(w) }
}

/// Anchors (threshold 0.95, beam 1, 100 samples per draw: alibi's defaults) of the first
/// test rows, features cut at the training rows' quartiles, as alibi's AnchorTabular with
/// disc_perc (25, 50, 75).
func benchAnchors(_ w: GlobalWorkload) throws {
    let n = min(10, w.x.shape[0])
    var precision = 0.0, coverage = 0.0, conditions = 0, draws = 0
    let t = try seconds {
        for i in 0..<n {
            let a = try Anchors.tabular(model: w.model, row: try w.x.select(dim: 0, index: i), data: w.train,
                                        names: w.test.featureNames, settings: AnchorSettings(), seed: 0)
            precision += a.precision
            coverage += a.coverage
            conditions += a.conditions.count
            draws += a.samples
        }
    }
    print(String(format: "anchors seconds=%.4f  (%d rows, threshold 0.95; mean precision %.3f, coverage %.3f, "
                 + "%.1f conditions, %d model rows)", t, n, precision / Double(n), coverage / Double(n),
                 Double(conditions) / Double(n), draws))
}
