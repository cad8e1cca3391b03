import Explain
import Foundation
import Layers
import Tensors
import Training

/// The builtins for adversarial inputs and counterfactuals: what would change the decision.
enum AdversarialBuiltins {
    static func register(_ r: Registry) {
        registerAttack(r)
        registerCounterfactual(r)
        registerExplanationShift(r)
        let net = "net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))"
        let fgsm = "attack(net, tensor([1.0, -0.5, 2.0]), method: \"fgsm\", eps: 0.1)"
        ResultExports.register(r, "Adversarial", setup: net, make: fgsm)
        ResultExports.register(r, "ExplanationShift", setup: net, make: fgsm + ".explain()")
        ResultExports.register(r, "WordAttack", setup: textSetup, make: "attack(net, \"a good film\", max_edits: 1)")
        ResultExports.register(r, "Counterfactual", setup: "data = dataset(\"iris\")\n" + irisNet,
                               make: "counterfactual(net, data[0][0], data: data, steps: 20)")
    }

    static let textSetup = "net = SentimentNet(vocab: dataset(\"sentiment\").vocab(), embed: 8, hidden: 8)"
    static let irisNet = "net = Sequential(Linear(4, 8), Tanh(), Linear(8, 3))"

    /// The input: a text, a feature row [F], or one image [C, H, W] (also [H, W] or [1, C, H, W]).
    static func input(_ c: Call) throws -> RawInput { try ExplainBuiltins.rawInput(c.value("input"), c.fn) }

    /// Class names: classes: if given, else the data's (data:), else the model's own.
    static func classNames(_ c: Call, _ model: Model, data: Dataset? = nil) throws -> ClassNames {
        if let v = c.value("classes") { return ClassNames(names: try c.interp.iterate(v).map(\.display)) }
        if let d = data, !d.classNames.isEmpty { return ClassNames(names: d.classNames) }
        return ClassNames(names: (model.module as? NamedClasses)?.classNames ?? [])
    }

    /// bounds: [lo, hi], two numbers with lo < hi; by default images stay in [0, 1] (widened to
    /// hold the image itself) and rows are unbounded.
    static func bounds(_ c: Call, _ x: Tensor, image: Bool) throws -> ClosedRange<Double>? {
        guard let v = c.value("bounds") else {
            guard image else { return nil }
            let f = x.floats
            return min(0, Double(f.min() ?? 0))...max(1, Double(f.max() ?? 1))
        }
        let items = try c.interp.iterate(v)
        guard items.count == 2 else {
            throw RuntimeError("\(c.fn): bounds must be [lower, upper], found \(items.count) values")
        }
        let lo = try Convert.double(items[0], what: "\(c.fn): bounds")
        let hi = try Convert.double(items[1], what: "\(c.fn): bounds")
        guard lo.isFinite, hi.isFinite, lo < hi else {
            throw RuntimeError("\(c.fn): bounds must be [lower, upper] with lower < upper, found [\(lo), \(hi)]")
        }
        return lo...hi
    }

    /// names: one per feature of a row, when given.
    static func featureNames(_ c: Call, count: Int) throws -> [String]? {
        guard let v = c.value("names") else { return nil }
        let names = try c.interp.iterate(v).map(\.display)
        guard names.count == count else {
            throw RuntimeError("\(c.fn): names must give one name for each of the \(count) features, found "
                + "\(names.count)")
        }
        return names
    }

    /// A size argument (eps, lambda, lr): positive, finite and small enough for 32-bit inputs.
    static func size(_ v: Double, _ name: String, _ fn: String) throws {
        do { try AttackSettings.checkSize(v, name) } catch let e as TensorError { throw RuntimeError("\(fn): \(e)") }
    }

    static func tensorOf(_ input: RawInput) -> (Tensor, InputKind)? {
        switch input {
        case .row(let x): return (x, .tabular)
        case .image(let x): return (x, .image)
        case .text: return nil
        }
    }

    static func registerAttack(_ r: Registry) {
        r.function("attack", "model: Module, input: any, method: string? = nil, eps: float? = nil, steps: int = 10, "
                   + "step_size: float? = nil, target: int? = nil, seed: int = 0, random_start: bool = true, "
                   + "bounds: list? = nil, max_edits: int = 3, classes: list? = nil, names: list? = nil, "
                   + "log_dir: string? = nil", returns: "Adversarial",
                   "An adversarial input: the smallest push (FGSM, PGD in an L∞ ball; word edits for text) that "
                   + "changes the model's decision.",
                   details: """
                   Rows and images: method "fgsm" (Goodfellow et al.: one step of eps·sign(∇ loss)) or "pgd" (Madry \
                   et al., the default: a seeded random start in the ball, then steps: steps of step_size, by default \
                   2.5·eps/steps, each projected back onto the ball and into bounds: [lo, hi]; images default to \
                   [0, 1], rows are unbounded). Untargeted by default (raise the cross-entropy of the predicted \
                   class); target: k lowers the cross-entropy of class k instead.
                   Text: method "words" (the default for text) edits at most max_edits words, greedy by the score \
                   drop of deleting each word, substitutes proposed by HotFlip's first-order estimate (Ebrahimi et \
                   al. 2018) over the vocabulary (whole-word pieces for a pretrained model), each round scored in \
                   one batch.
                   The result shows the prediction before and after, ‖δ‖∞ and ‖δ‖₂, and the original, \
                   perturbation and adversarial image side by side (or the changed features, or the word diff); \
                   .explain(method:) explains both inputs. classes: names the classes, names: the features. \
                   log_dir: writes ‖δ‖ and whether it flipped as TensorBoard scalars.
                   """,
                   example: """
                   net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                   a = attack(net, tensor([1.0, -0.5, 2.0]), method: "pgd", eps: 0.2)
                   a.linf <= 0.2
                   """) { c in
            let m = try c.model("model")
            m.module.eval()
            let input = try input(c)
            let classes = try classNames(c, m.model)
            guard let (x, kind) = tensorOf(input) else {
                return try wordAttack(c, m.model, input, classes: classes, counterfactual: false)
            }
            let method = try c.optionalString("method") ?? "pgd"
            guard let am = AttackMethod(rawValue: method.lowercased()) else {
                throw RuntimeError("attack: method must be \"fgsm\" or \"pgd\" for a feature row or an image, "
                    + "found \"\(method)\"" + (method == "words" ? " (\"words\" attacks a text)" : ""))
            }
            guard let eps = try c.optionalDouble("eps") else {
                throw RuntimeError("attack: \(method) needs eps: the largest change of any input value (L∞), "
                    + "e.g. eps: 0.1")
            }
            try size(eps, "eps", c.fn)
            var s = AttackSettings(method: am, eps: eps)
            s.steps = try c.int("steps")
            s.stepSize = try c.optionalDouble("step_size")
            s.target = try c.optionalInt("target")
            s.seed = try ModelArguments.seed(c, "attack")
            s.randomStart = try c.bool("random_start")
            s.bounds = try bounds(c, x, image: kind == .image)
            let ex = try GradientAttack.run(m.model, input: x, kind: kind, s)
            let names = kind == .tabular ? try featureNames(c, count: x.count) ?? [] : []
            try ExplainBuiltins.metricsLog(c)?.metrics([
                ("attack/\(method)_linf", ex.linf), ("attack/\(method)_l2", ex.l2),
                ("attack/\(method)_flipped", ex.flipped ? 1 : 0), ("attack/\(method)_loss", ex.lossAfter)])
            return .object(AdversarialObject(ex, model: m.model, classes: classes, featureNames: names))
        }
    }

    /// The word search, as an attack or a counterfactual (then with its target).
    static func wordAttack(_ c: Call, _ model: Model, _ input: RawInput, classes: ClassNames,
                           counterfactual: Bool) throws -> Value {
        guard case .text(let text) = input else { throw RuntimeError("\(c.fn): expected a text") }
        if !counterfactual, let method = try c.optionalString("method"), method.lowercased() != "words" {
            throw RuntimeError("attack: a text is attacked with method \"words\", found \"\(method)\"")
        }
        let edits = try c.int("max_edits")
        guard (1...50).contains(edits) else {
            throw RuntimeError("\(c.fn): max_edits must be between 1 and 50, found \(edits)")
        }
        let result = try WordSearch.run(model, text: text, maxEdits: edits, target: try c.optionalInt("target"))
        let kind = counterfactual ? "counterfactual" : "attack"
        try ExplainBuiltins.metricsLog(c)?.metrics([("\(kind)/words_edits", Double(result.edits.count)),
                                                    ("\(kind)/words_flipped", result.flipped ? 1 : 0)])
        return .object(WordEditObject(result, classes: classes, counterfactual: counterfactual))
    }
}

extension AdversarialBuiltins {
    static func registerCounterfactual(_ r: Registry) {
        r.function("counterfactual", "model: Module, input: any, data: any = nil, target: int? = nil, "
                   + "immutable: list? = nil, bounds: list? = nil, lambda: float = 0.1, steps: int? = nil, "
                   + "lr: float = 0.1, seed: int = 0, eps: float = 0.5, max_edits: int = 3, classes: list? = nil, "
                   + "names: list? = nil, log_dir: string? = nil", returns: "Counterfactual",
                   "What would change the decision: the nearest input (a row, a text, an image) the model puts in "
                   + "another class.",
                   details: """
                   Feature rows (Wachter et al. 2017): minimises \
                   λ·(p_target(x') − 1)² + Σ |x'ᵢ − xᵢ| / MADᵢ, MAD being each feature's median \
                   absolute deviation over data: (a dataset or rows [R, F]); λ starts at lambda: and grows \
                   tenfold until the class flips, then is refined. Each λ takes steps: (200) proximal gradient \
                   steps of lr: (in MADs); last, changes that are not needed are undone. immutable: features \
                   (names or indices) keep their value; bounds: [lower, upper] (numbers or one list per side) \
                   limit the others, by default to the data's minimum and maximum. target: the class wanted \
                   (default: the runner-up class).
                   Texts: the fewest word edits (at most max_edits:) that flip the prediction, as attack() does.
                   Images: targeted PGD toward target: (default the runner-up) at radii up to eps:, all tried in \
                   one batch, then refined: the smallest L∞ change found that gives the target (steps: default 20).
                   The result shows the changed features (before → after, and in MADs), the word diff or the \
                   three images, and the prediction before and after. log_dir: writes the distance as a \
                   TensorBoard scalar.
                   """,
                   example: """
                   data = dataset("iris")
                   net = Sequential(Linear(4, 8), Tanh(), Linear(8, 3))
                   cf = counterfactual(net, data[0][0], data: data, immutable: ["sepal_length_cm"], steps: 20)
                   cf.changed
                   """) { c in
            let m = try c.model("model")
            m.module.eval()
            let input = try input(c)
            switch input {
            case .text:
                return try wordAttack(c, m.model, input, classes: classNames(c, m.model), counterfactual: true)
            case .image(let x): return try imageCounterfactual(c, m.model, x)
            case .row(let x): return try tabularCounterfactual(c, m.model, x)
            }
        }
    }

    static func imageCounterfactual(_ c: Call, _ model: Model, _ x: Tensor) throws -> Value {
        let eps = try c.double("eps")
        try size(eps, "eps", c.fn)
        let steps = try c.optionalInt("steps") ?? 20
        let found = try SmallestEpsilon.search(model, image: x, target: c.optionalInt("target"), maxEps: eps,
                                               steps: steps, bounds: bounds(c, x, image: true),
                                               seed: ModelArguments.seed(c, "counterfactual"))
        try ExplainBuiltins.metricsLog(c)?.metrics([("counterfactual/image_eps", found.eps ?? .nan),
                                                    ("counterfactual/image_l2", found.example.l2)])
        return .object(AdversarialObject(found.example, model: model, classes: try classNames(c, model),
                                         featureNames: [], tried: found.tried))
    }

    static func tabularCounterfactual(_ c: Call, _ model: Model, _ x: Tensor) throws -> Value {
        let (rows, dataNames, dataset) = try tableData(c, features: x.count)
        let names = try featureNames(c, count: x.count) ?? dataNames
        var s = CounterfactualSettings()
        s.target = try c.optionalInt("target")
        s.immutable = try featureIndices(c, names: DiffPictures.names(names, count: x.count), count: x.count)
        (s.lower, s.upper) = try featureBounds(c, count: x.count)
        s.lambda = try c.double("lambda")
        s.steps = try c.optionalInt("steps") ?? 200
        s.lr = try c.double("lr")
        s.seed = try ModelArguments.seed(c, "counterfactual")
        try size(s.lambda, "lambda", c.fn)
        try size(s.lr, "lr", c.fn)
        guard (1...100_000).contains(s.steps) else {
            throw RuntimeError("counterfactual: steps must be between 1 and 100000, found \(s.steps)")
        }
        let result = try Wachter.search(model, row: x, data: rows, s)
        try ExplainBuiltins.metricsLog(c)?.metrics([("counterfactual/tabular_distance", result.distance),
                                                    ("counterfactual/tabular_changed", Double(result.changed.count)),
                                                    ("counterfactual/tabular_flipped", result.flipped ? 1 : 0)])
        let scaling = dataset?.scaling.map { ($0.mean.floats.map(Double.init), $0.std.floats.map(Double.init)) }
        return .object(TabularCounterfactualObject(result, classes: try classNames(c, model, data: dataset),
                                                   names: names, scaling: scaling))
    }

    /// data: for a feature row: a dataset of rows or a tensor [R, F].
    static func tableData(_ c: Call, features F: Int) throws -> (Tensor, [String], Dataset?) {
        switch c.value("data") {
        case nil:
            throw RuntimeError("counterfactual: a feature row needs data: the training rows, which give each "
                + "feature's median absolute deviation and range (e.g. data: train)")
        case .object(let o as DatasetObject)?:
            guard let x = o.dataset.features, x.rank == 2, x.shape[1] == F else {
                throw RuntimeError("counterfactual: data must hold rows of \(F) features, found \(o.dataset.name) "
                    + "with " + (o.dataset.features.map { "shape \($0.shape)" } ?? "texts"))
            }
            return (x, o.dataset.featureNames, o.dataset)
        case let v?:
            let x = try Convert.tensor(v, what: "counterfactual: data").toFloat()
            guard x.rank == 2, x.shape[1] == F, x.shape[0] > 0 else {
                throw RuntimeError("counterfactual: data must be rows [rows, \(F)], found shape \(x.shape)")
            }
            return (x, [], nil)
        }
    }

    /// immutable: feature names or indices.
    static func featureIndices(_ c: Call, names: [String], count F: Int) throws -> [Int] {
        guard let v = c.value("immutable") else { return [] }
        return try c.interp.iterate(v).map { item in
            if case .string(let s) = item {
                guard let i = names.firstIndex(of: s) else {
                    throw RuntimeError("counterfactual: immutable names a feature \"\(s)\" the data does not have; "
                        + "expected one of " + names.prefix(8).joined(separator: ", ")
                        + (names.count > 8 ? ", …" : ""))
                }
                return i
            }
            let i = try Convert.int(item, what: "counterfactual: immutable")
            guard i >= 0, i < F else {
                throw RuntimeError("counterfactual: immutable feature indices must be in 0..<\(F), found \(i)")
            }
            return i
        }
    }

    /// bounds: [lower, upper], each a number or one value per feature.
    static func featureBounds(_ c: Call, count F: Int) throws -> ([Double]?, [Double]?) {
        guard let v = c.value("bounds") else { return (nil, nil) }
        let sides = try c.interp.iterate(v)
        guard sides.count == 2 else {
            throw RuntimeError("counterfactual: bounds must be [lower, upper], found \(sides.count) values")
        }
        let values = try sides.map { side -> [Double] in
            if case .list = side {
                let l = try c.interp.iterate(side).map { try Convert.double($0, what: "counterfactual: bounds") }
                guard l.count == F else {
                    throw RuntimeError("counterfactual: each side of bounds needs \(F) values, found \(l.count)")
                }
                return l
            }
            if case .tensor(let t) = side, t.rank > 0 { return try checked(t, F) }
            return [Double](repeating: try Convert.double(side, what: "counterfactual: bounds"), count: F)
        }
        return (values[0], values[1])
    }

    static func checked(_ t: Tensor, _ F: Int) throws -> [Double] {
        guard t.count == F else {
            throw RuntimeError("counterfactual: each side of bounds needs \(F) values, found \(t.count)")
        }
        return t.toFloat().floats.map(Double.init)
    }

    static func registerExplanationShift(_ r: Registry) {
        for type in ["Adversarial", "Counterfactual"] {
            r.method(type, "explain", "method: string = \"saliency\", steps: int = 50", returns: "ExplanationShift",
                     "Explains the input before and after the change (for the class predicted before): how far the "
                     + "explanation moved.",
                     example: type == "Adversarial" ? """
                     net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
                     attack(net, tensor([1.0, -0.5, 2.0]), method: "fgsm", eps: 0.1).explain().spearman <= 1
                     """ : """
                     net = Sequential(Conv2d(1, 2, 3, padding: 1), Flatten(), Linear(2 * 4 * 4, 3))
                     counterfactual(net, rand(1, 4, 4), steps: 3).explain(method: "saliency").spearman <= 1
                     """) { c in
                guard case .object(let o as AdversarialObject)? = c.receiver else {
                    throw RuntimeError("explain(): before and after explanations need an attack on a row or an "
                        + "image, or an image counterfactual; found \(c.receiver?.typeName ?? "nothing")")
                }
                var req = ExplainRequest(method: try ExplainRequest.canonical(c.string("method")))
                req.target = o.example.before.cls
                req.steps = try c.int("steps")
                guard (1...100_000).contains(req.steps) else {
                    throw RuntimeError("explain: steps must be between 1 and 100000, found \(req.steps)")
                }
                let wrap: (Tensor) -> RawInput = o.example.kind == .image ? { .image($0) } : { .row($0) }
                let names = o.example.kind == .tabular ? o.featureNames : []
                let before = try Explainer.explain(Explainer.subject(o.model, wrap(o.example.original), req,
                                                                     names: names), req)
                let after = try Explainer.explain(Explainer.subject(o.model, wrap(o.example.adversarial), req,
                                                                    names: names), req)
                return .object(try ExplanationShiftObject(before: before, after: after))
            }
        }
    }
}
