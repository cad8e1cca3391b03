import Explain
import Foundation
import Layers
import Tensors
import Training

/// explain() and the functions that judge explanations.
enum ExplainBuiltins {
    static let options = "method: string = \"integrated_gradients\", target: any = nil, output: string? = nil, "
        + "baseline: tensor? = nil, background: any = nil, names: list? = nil, steps: int = 50, "
        + "rule: string = \"gausslegendre\", batch: int? = nil, samples: int? = nil, stdev: float? = nil, "
        + "base: string = \"saliency\", seed: int = 0, features: int = 10, kernel_width: float? = nil, "
        + "permutations: int = 10, window: int = 2, stride: int = 1, patch: int = 1, abs: bool = true, "
        + "layer: string? = nil, layer_input: bool = false, relu: bool = false, upsample: string = \"nearest\", "
        + "pieces: bool = false, similar_to: string? = nil, pair: string? = nil, chained: bool = false"

    static func explanation(_ v: Value?, _ what: String) throws -> Explanation {
        guard case .object(let o as ExplanationObject)? = v else {
            throw RuntimeError("\(what) must be an explanation (from explain()), found \(v?.typeName ?? "nil")")
        }
        return o.explanation
    }

    /// The input as explainers take it: text, a feature row [F], or an image [C, H, W].
    static func rawInput(_ v: Value?, _ fn: String = "explain") throws -> RawInput {
        switch v {
        case .string(let s)?: return .text(s)
        case let v?:
            let t = try Convert.tensor(v, what: "\(fn): input").toFloat()
            switch t.rank {
            case 1: return .row(t)
            case 2: return .image(try t.unsqueeze(0))
            case 3: return .image(t)
            case 4 where t.shape[0] == 1: return .image(try t.squeeze(0))
            default:
                throw RuntimeError("\(fn): the input must be a text, a feature row [features] or one image "
                    + "[channels, height, width], found a tensor of shape \(t.shape)")
            }
        case nil: throw RuntimeError("\(fn) needs an input: a text, a feature row or an image")
        }
    }

    /// explain()'s target: a class number, or for a character language model the next character itself ("e").
    static func target(_ c: Call, vocabulary: Vocabulary?) throws -> Int? {
        guard case .string(let t)? = c.value("target") else { return try c.optionalInt("target") }
        guard let v = vocabulary, v.tokenizer == .characters, t.count == 1 else {
            throw RuntimeError("explain: target must be a class number, or one character for a character "
                + "language model; found \"\(t)\"")
        }
        return v.id(t)
    }

    /// explain()'s reference inputs: a baseline, or background rows (a dataset, whose feature names it returns).
    static func references(_ c: Call, into r: inout ExplainRequest) throws -> [String] {
        r.baseline = try c.optionalTensor("baseline")?.toFloat()
        switch c.value("background") {
        case nil: return []
        case .object(let o as DatasetObject)?:
            guard let x = o.dataset.features, x.rank == 2 else {
                throw RuntimeError("explain: background must hold feature rows; "
                    + "\(o.dataset.name) holds texts or images")
            }
            r.background = x
            return o.dataset.featureNames
        case let v?:
            r.background = try Convert.tensor(v, what: "explain: background").toFloat()
            return []
        }
    }

    /// Layer attribution: the sub-layer (by its dotted name), its input or output, Grad-CAM's
    /// ReLU and how its map is stretched onto an image.
    static func layerOptions(_ c: Call, into r: inout ExplainRequest) throws {
        r.layer = try c.optionalString("layer")
        r.layerInput = try c.bool("layer_input")
        r.relu = try c.bool("relu")
        let upsample = try c.string("upsample")
        guard let u = Upsampling(rawValue: upsample) else {
            let names = Upsampling.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            throw RuntimeError("explain: upsample must be \(names), found \"\(upsample)\"")
        }
        r.upsample = u
    }

    /// Reads explain()'s options into a request, and the feature names if any were given.
    static func request(_ c: Call, vocabulary: Vocabulary? = nil) throws -> (ExplainRequest, [String]) {
        var r = ExplainRequest(method: try ExplainRequest.canonical(c.string("method")))
        r.target = try target(c, vocabulary: vocabulary)
        if let o = try c.optionalString("output") {
            guard let k = OutputKind(rawValue: o) else {
                throw RuntimeError("explain: output must be \"logit\" or \"probability\", found \"\(o)\"")
            }
            r.output = k
        }
        var names = try references(c, into: &r)
        if let n = c.value("names") { names = try c.interp.iterate(n).map(\.display) }
        r.steps = try c.int("steps")
        let rule = try c.string("rule")
        guard let ir = IntegrationRule(rawValue: rule) else {
            throw RuntimeError("explain: rule must be one of "
                + IntegrationRule.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + ", found \"\(rule)\"")
        }
        r.rule = ir
        r.batch = try c.optionalInt("batch")
        r.samples = try c.optionalInt("samples")
        r.stdev = try c.optionalDouble("stdev")
        r.base = try c.string("base")
        r.seed = try ModelArguments.seed(c, "explain")
        r.features = try c.int("features")
        r.kernelWidth = try c.optionalDouble("kernel_width")
        r.permutations = try c.int("permutations")
        r.window = try c.int("window")
        r.stride = try c.int("stride")
        r.patch = try c.int("patch")
        r.absolute = try c.bool("abs")
        r.pieces = try c.bool("pieces")
        r.pair = try c.optionalString("pair")
        r.chained = try c.bool("chained")
        try layerOptions(c, into: &r)
        if r.steps < 1 || r.steps > 100_000 {
            throw RuntimeError("explain: steps must be between 1 and 100000, found \(r.steps)")
        }
        if let s = r.samples, s < 2 || s > 10_000_000 {
            throw RuntimeError("explain: samples must be between 2 and 10000000, found \(s)")
        }
        if r.permutations > 100_000 {
            throw RuntimeError("explain: permutations must be at most 100000, found \(r.permutations)")
        }
        return (r, names)
    }

    /// Where explanation metrics are logged: log_dir: if given, else the log of the last
    /// fit(log_dir:) in this session, else nowhere.
    static func metricsLog(_ c: Call) throws -> EventWriter? {
        if let dir = try c.optionalString("log_dir") { return try EventWriter.shared(c.interp.resolve(dir)) }
        return c.interp.trainingLog
    }

    static func register(_ r: Registry) {
        registerExplain(r)
        registerComparison(r)
        registerPerturbationChecks(r)
        registerSanityCheck(r)
        registerSurrogates(r)
        registerExplanationMethods(r)
        registerExplanationFiles(r)
    }

    /// explain()'s help: its methods and their settings.
    static let explainDetails = """
    input: a text (token models), a feature row [F], or an image [C, H, W] / [H, W].
    method: saliency, input_x_gradient, smoothgrad, integrated_gradients (default), occlusion / \
    feature_ablation,
      lime, kernel_shap, exact_shapley, permutation_shap, shap (exact up to 16 features, else \
    KernelSHAP),
      attention, attention_rollout, deeplift, deeplift_shap, gradient_shap (expected_gradients), \
    guided_backprop, deconvolution;
      at a layer: gradient_x_activation, grad_cam.
    target: the class explained (default: the predicted one). output: "logit" (default) or \
    "probability" (LIME's default).
    Text is explained at the embedding layer; removed tokens become <pad>. Tables: baseline: \
    (default zeros) or
    background: rows/dataset (SHAP averages over them; LIME learns feature distributions from them).
    IG: steps:, rule: gausslegendre | riemann_left | riemann_right | riemann_middle | \
    riemann_trapezoid, batch:.
    SmoothGrad: samples: (5), stdev: (1.0), base:. LIME: samples: (5000), features: (10), kernel_width:.
    DeepLIFT (rescale rule, as Captum 0.9: ReLU, Tanh, Sigmoid, Softplus and max pooling get its \
    rule, other ops their gradient) reports a convergence delta;
      deeplift_shap averages it over background: rows [R, F] or images [R, C, H, W] (default: the \
    baseline).
      chained: true gives the rule to each of adjacent nonlinearities too (ReLU then max pooling), \
    so the delta is 0 for any reference; Captum 0.9 does not.
    gradient_shap: samples: (5), stdev: (0.0, noise on the input), seed:, background: as deeplift_shap.
    guided_backprop and deconvolution change ReLU's gradient (rows and images; not text).
    KernelSHAP: samples: (2·M + 2048). permutation_shap: permutations:. Images: window:, \
    stride: (occlusion), patch: (units for SHAP/LIME).
    Seeded methods use seed: (default 0), so the same call gives the same numbers.
    layer: a sub-layer's name ("conv", "rnn", "0", "blocks.1.attn"): integrated_gradients and \
    gradient_x_activation attribute
      its output (its input with layer_input: true), as Captum's Layer* methods do; grad_cam \
    weighs a conv layer's maps
      by their mean gradient (relu: true keeps the positive part) and stretches the map onto the \
    image (upsample: "nearest" or "bilinear").
    A pretrained model (load_pretrained) is explained per word, the sum of its pieces \
    (pieces: true scores each piece);
      [CLS] and [SEP] stay in place and removed pieces become [PAD].
    similar_to: "another text" explains the cosine similarity of the two texts' embeddings: which \
    words of the input make it close. pair: "second text" explains a classifier of a text pair \
    ([SEP] between, token types 0 and 1): the words of both.
    """

    static func registerExplain(_ r: Registry) {
        r.function("explain", "model: Module, input: any, " + options, returns: "Explanation",
                   """
                   Explains one prediction: which tokens, features or pixels drove the model's output for the target \
                   class.
                   """,
                   details: explainDetails,
                   example: """
                   net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                   e = explain(net, tensor([1.0, -0.5, 2.0]), method: "integrated_gradients", target: 1)
                   e.units
                   explain(net, tensor([1.0, -0.5, 2.0]), method: "deeplift", target: 1).checks
                   """) { c in
            let m = try c.model("model")
            let input = try rawInput(c.value("input"))
            var (req, names) = try request(c, vocabulary: m.model.vocabulary)
            m.module.eval()
            // A language model is explained through its next-token prediction, a similarity through its cosine.
            var model = Explainer.explainable(m.model)
            if let other = try c.optionalString("similar_to") {
                model = try PretrainedBuiltins.similarityModel(m.model, to: other)
                req.target = 1
            }
            if let pair = req.pair { model = try PretrainedBuiltins.pairModel(m.model, c.string("input"), pair) }
            let subject = try Explainer.subject(model, input, req, names: names)
            return .object(ExplanationObject(try Explainer.explain(subject, req)))
        }
    }

    static func registerComparison(_ r: Registry) {
        r.function("compare", "a: Explanation, b: Explanation, k: int = 5", returns: "dict",
                   """
                   How far two explanations of the same input agree: Spearman rank correlation of the scores and the \
                   overlap of their top-k units (by |score|).
                   """,
                   example: """
                   net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                   x = tensor([1.0, -0.5, 2.0])
                   compare(explain(net, x, method: "saliency"), explain(net, x, method: "integrated_gradients"), k: 2)
                   """) { c in
            let a = try explanation(c.value("a"), "compare: a"), b = try explanation(c.value("b"), "compare: b")
            let k = try c.int("k")
            guard k >= 1 else { throw RuntimeError("compare: k must be positive, found \(k)") }
            let r = try ExplanationMetrics.compare(a, b, k: k)
            return .dict(DictBox([("spearman", .float(r.spearman)), ("top_k_overlap", .float(r.topK)),
                                  ("k", .int(r.k))]))
        }
    }

    static func registerPerturbationChecks(_ r: Registry) {
        for (name, insertion) in [("deletion", false), ("insertion", true)] {
            r.function(name, "explanation: Explanation, steps: int? = nil, log_dir: string? = nil", returns: "Curve",
                       insertion
                           ? "The insertion curve: the score as the top-ranked units are added to the baseline, "
                               + "with its AUC (higher is better)."
                           : "The deletion curve: the score as the top-ranked units are removed (set to the "
                               + "baseline), with its AUC (lower is better).",
                       example: """
                       net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                       \(name)(explain(net, tensor([1.0, -0.5, 2.0]))).auc
                       """) { c in
                let e = try explanation(c.value("explanation"), name)
                let curve = try ExplanationMetrics.curve(e, insertion: insertion, steps: try c.optionalInt("steps"))
                try metricsLog(c)?.metrics([("\(e.method)/\(name)_auc", curve.auc)])
                return .object(CurveObject(curve))
            }
        }
        r.function("faithfulness", "explanation: Explanation, fractions: list? = nil, log_dir: string? = nil",
                   returns: "Faithfulness",
                   """
                   ERASER's comprehensiveness (score drop without the top units: high is good) and sufficiency (drop \
                   with only them: low is good) at 1, 5, 10, 20 and 50% of units, and their AOPC means.
                   """,
                   example: """
                   net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                   faithfulness(explain(net, tensor([1.0, -0.5, 2.0])))["aopc_comprehensiveness"]
                   """) { c in
            let e = try explanation(c.value("explanation"), "faithfulness")
            let fr = try c.value("fractions").map {
                try c.interp.iterate($0).map { try Convert.double($0, what: "faithfulness: fraction") }
            } ?? [0.01, 0.05, 0.1, 0.2, 0.5]
            let f = try ExplanationMetrics.faithfulness(e, fractions: fr)
            try metricsLog(c)?.metrics([("\(e.method)/aopc_comprehensiveness", f.aopcComprehensiveness),
                                        ("\(e.method)/aopc_sufficiency", f.aopcSufficiency)])
            return .object(FaithfulnessObject(f, method: e.method))
        }
    }

    static func registerSanityCheck(_ r: Registry) {
        r.function("sanity_check", "model: Module, input: any, " + options + ", log_dir: string? = nil",
                   returns: "SanityCheck",
                   """
                   Adebayo et al.'s model-parameter randomisation check: re-initialises layers from the output back, \
                   one more at a time, re-explains, and reports the rank correlation with the original explanation. \
                   The model is restored afterwards.
                   """,
                   example: """
                   net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                   sanity_check(net, tensor([1.0, -0.5, 2.0]), method: "saliency").layers
                   """) { c in
            let m = try c.model("model")
            let input = try rawInput(c.value("input"))
            let (req, names) = try request(c)
            m.module.eval()
            let r = try ExplanationMetrics.randomization(m.model, input: input, request: req, names: names,
                                                         seed: req.seed)
            if let last = r.steps.last {
                try metricsLog(c)?.metrics([("\(r.original.method)/sanity_spearman", last.spearman)])
            }
            return .object(SanityObject(r.original, r.steps))
        }
    }

    /// A global surrogate's inputs: data's feature rows and the model's predictions on them.
    static func surrogateInputs(_ c: Call) throws -> (data: Dataset, rows: Tensor, predictions: Tensor) {
        let m = try c.model("model")
        let d = try c.dataset("data")
        guard let x = d.features, x.rank == 2 else {
            throw RuntimeError("\(c.fn) needs feature rows; \(d.name) holds texts or images")
        }
        return (d, x, try predict(m.model, d))
    }

    static func registerSurrogates(_ r: Registry) {
        r.function("surrogate_tree", "model: Module, data: Dataset, depth: int = 3, min_leaf: int = 5",
                   returns: "SurrogateTree",
                   """
                   A global surrogate: a CART decision tree fitted to the model's predicted classes on data's rows, \
                   printed as rules, with its fidelity (agreement with the model).
                   """,
                   example: """
                   net = Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
                   surrogate_tree(net, dataset("iris"), depth: 2).fidelity > 0
                   """) { c in
            let (d, x, p) = try surrogateInputs(c)
            let classes = p.rank == 1 ? p.floats.map { $0 > 0.5 ? 1 : 0 } : try p.argmax(dim: 1).ints.map { Int($0) }
            return .object(TreeObject(try SurrogateTree(x: x, predictions: classes, featureNames: d.featureNames,
                                                        classNames: d.classNames, maxDepth: c.int("depth"),
                                                        minLeaf: c.int("min_leaf"))))
        }
        r.function("linear_surrogate", "model: Module, data: Dataset, target: int = 1", returns: "LinearSurrogate",
                   """
                   A global linear surrogate: ridge regression of the model's target-class probability on data's rows, \
                   with R² (how linear the model is).
                   """,
                   example: """
                   net = Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
                   linear_surrogate(net, dataset("iris")).r2 <= 1
                   """) { c in
            let (d, x, p) = try surrogateInputs(c)
            let t = try c.int("target")
            let scores: [Double]
            if p.rank == 1 { scores = p.floats.map { t == 0 ? 1 - Double($0) : Double($0) } } else {
                guard t >= 0, t < p.shape[1] else {
                    throw RuntimeError("linear_surrogate: target must be in 0..<\(p.shape[1]), found \(t)")
                }
                scores = (0..<p.shape[0]).map { Double(p.floats[$0 * p.shape[1] + t]) }
            }
            return .object(LinearSurrogateObject(try LinearSurrogate(x: x, scores: scores,
                                                                     featureNames: d.featureNames)))
        }
    }

    static func expl(_ c: Call) throws -> Explanation { try c.receiverObject(ExplanationObject.self).explanation }

    static func registerExplanationMethods(_ r: Registry) {
        r.method("Explanation", "top", "k: int = 5", returns: "list",
                 "The k units with the largest |score|, as [name, score] pairs.",
                 example: """
                 net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                 explain(net, tensor([1.0, -0.5, 2.0])).top(2)
                 """) { c in
            let k = try c.int("k")
            guard k >= 0 else { throw RuntimeError("top: k must not be negative, found \(k)") }
            return .list(try expl(c).top(k).map { .list([.string($0.0), .float($0.1)]) })
        }
        r.method("Explanation", "json", "", returns: "string",
                 "The explanation as JSON (method, settings, target, every unit's score, checks).",
                 example: """
                 net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                 len(explain(net, tensor([1.0, -0.5, 2.0])).json()) > 0
                 """) { c in
            .string(Export.json(try expl(c)))
        }
        r.method("Explanation", "html", "", returns: "string",
                 "The explanation as a self-contained HTML figure with inline SVG.",
                 example: """
                 net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                 explain(net, tensor([1.0, -0.5, 2.0])).html().startswith("<figure")
                 """) { c in
            .string(Export.html(try expl(c)))
        }
    }

    /// A standalone HTML page around an explanation's figure, light or dark as the reader prefers.
    static func htmlPage(_ e: Explanation) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>\(e.method)</title>\n"
            + "<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fff}"
            + "@media (prefers-color-scheme:dark){body{color:#ddd;background:#1e1e1e}}"
            + "figcaption{margin-top:.5em;font-size:.9em}</style></head>\n<body>\n"
            + Export.html(e) + "</body>\n</html>\n"
    }

    static func registerExplanationFiles(_ r: Registry) {
        r.method("Explanation", "save", "path: string", returns: "nil",
                 "Writes the explanation (atomically) as JSON (.json) or as an HTML page (.html).",
                 example: """
                 net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                 explain(net, tensor([1.0, -0.5, 2.0])).save("/tmp/e.json")
                 """) { c in
            let e = try expl(c)
            let path = try c.string("path")
            let url = try c.interp.resolve(path)
            let text: String
            switch url.pathExtension.lowercased() {
            case "json": text = Export.json(e)
            case "html", "htm": text = htmlPage(e)
            default: throw RuntimeError("save: the file name must end in .json or .html, found \"\(path)\"")
            }
            do { try SafeFile.write(Data(text.utf8), to: url) } catch {
                throw RuntimeError("save: \(error)")
            }
            return .none
        }
    }
}
