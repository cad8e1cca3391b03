import Explain
import Foundation
import Pictures
import Tensors
import Training

/// The builtins for global views of a model over many rows: SHAP summaries (beeswarm and
/// dependence plots), mean attributions per feature or word, permutation importance and
/// partial dependence with ICE curves. Every one batches its model calls across rows.
enum GlobalBuiltins {
    static let net = "net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))\nx = randn(12, 3)\n"
    static let iris = "net = Sequential(Linear(4, 8), ReLU(), Linear(8, 3))\ndata = dataset(\"iris\")\n"
    /// explain()'s options with SHAP as the method, and how many rows to explain.
    static let summaryOptions = ExplainBuiltins.options
        .replacingOccurrences(of: "method: string = \"integrated_gradients\"", with: "method: string = \"shap\"")
        + ", rows: int? = nil, log_dir: string? = nil"

    static func register(_ r: Registry) {
        registerSummary(r)
        registerSummaryMethods(r)
        registerMeanAttribution(r)
        registerPermutationImportance(r)
        registerPartialDependence(r)
        ResultExports.register(r, "Summary", setup: net, make: "shap_summary(net, x, samples: 20)")
        ResultExports.register(r, "DependencePlot", setup: net,
                               make: "shap_summary(net, x, samples: 20).dependence(\"x0\")")
        ResultExports.register(r, "MeanAttribution", setup: net, make: "mean_attribution(net, x, samples: 20)")
        ResultExports.register(r, "PermutationImportance", setup: iris,
                               make: "permutation_importance(net, data, repeats: 2)")
        ResultExports.register(r, "PartialDependence", setup: net, make: "partial_dependence(net, x, 0, grid: 5)")
    }

    /// Feature rows [N, F] from a dataset or a tensor, the first `rows` of them if asked, with
    /// the dataset's feature names.
    static func tableRows(_ c: Call, _ name: String = "data") throws -> (x: Tensor, names: [String], data: Dataset?) {
        var x: Tensor, names: [String] = [], data: Dataset?
        switch c.value(name) {
        case .object(let o as DatasetObject)?:
            guard let f = o.dataset.features, f.rank == 2 else {
                throw RuntimeError("\(c.fn): \(name) must hold feature rows; \(o.dataset.name) holds texts or images")
            }
            (x, names, data) = (f, o.dataset.featureNames, o.dataset)
        case let v?:
            x = try Convert.tensor(v, what: "\(c.fn): \(name)").toFloat()
            guard x.rank == 2 else {
                throw RuntimeError("\(c.fn): \(name) must be a dataset or rows [rows, features], "
                                   + "found shape \(x.shape)")
            }
        case nil: throw RuntimeError("\(c.fn) needs \(name): a dataset or feature rows")
        }
        if let n = try c.optionalInt("rows") {
            guard n >= 1 else { throw RuntimeError("\(c.fn): rows must be positive, found \(n)") }
            if n < x.shape[0] {
                x = try x.slice(dim: 0, start: 0, end: n)
                data = try data?.subset(Array(0..<n))
            }
        }
        guard x.shape[0] >= 1 else { throw RuntimeError("\(c.fn): \(name) has no rows") }
        return (x, names, data)
    }

    /// Attributions for every row, batched (see GlobalAttribution).
    static func summary(_ c: Call) throws -> AttributionSummary {
        let m = try c.model("model")
        let (x, dataNames, _) = try tableRows(c)
        let (req, names) = try ExplainBuiltins.request(c)
        m.module.eval()
        let given = c.value("names") != nil ? names : dataNames.isEmpty ? names : dataNames
        return try GlobalAttribution.summary(model: m.model, rows: x, request: req, names: given)
    }

    static func registerSummary(_ r: Registry) {
        r.function("shap_summary", "model: Module, data: any, " + summaryOptions, returns: "Summary",
                   """
                   Attributions for every row of a table (SHAP by default), as shap's summary plot: one strip per \
                   feature, most important first, each row a dot coloured by the feature's value.
                   """,
                   details: """
                   data: a dataset of feature rows or a tensor [rows, features]; rows: explain only the first n.
                   method: shap (exact up to 16 features, else KernelSHAP), kernel_shap, permutation_shap, \
                   exact_shapley, or any explain() method;
                     the Shapley family and saliency / input_x_gradient / integrated_gradients are batched across \
                   rows (one model call per chunk of rows × coalitions); others run explain() row by row.
                   background: rows (or a dataset) that absent features are drawn from; without it, the baseline \
                   (zeros). samples:, permutations:, seed: as in explain().
                   target: the class explained for every row (default: class 1 of a two-class model).
                   Each row's attributions equal explain()'s for that row. .dependence("feature") and .mean_abs() \
                   draw the other views.
                   """,
                   example: net + "s = shap_summary(net, x, samples: 20)\ns.values.shape") { c in
            let s = try summary(c)
            let order = s.order.prefix(10)
            try ExplainBuiltins.metricsLog(c)?.metrics(order.map { ("\(s.method)_summary/\(s.featureNames[$0])",
                                                                      s.meanAbs[$0]) })
            return .object(SummaryObject(s))
        }
    }

    /// A feature given by name or by position.
    static func feature(_ v: Value?, _ names: [String], _ what: String) throws -> Int {
        switch v {
        case .string(let n)?:
            guard let j = names.firstIndex(of: n) else {
                let near = names.filter { $0.lowercased().contains(n.lowercased()) }.prefix(3)
                throw RuntimeError("\(what): no feature named \"\(n)\"" + (near.isEmpty ? ""
                    : "; did you mean " + near.map { "\"\($0)\"" }.joined(separator: ", ") + "?"))
            }
            return j
        case let v?:
            let j = try Convert.int(v, what: what)
            guard j >= 0, j < names.count else {
                throw RuntimeError("\(what): a feature index must be in 0..<\(names.count), found \(j)")
            }
            return j
        case nil: throw RuntimeError("\(what): needs a feature name or index")
        }
    }

    static func registerSummaryMethods(_ r: Registry) {
        r.method("Summary", "dependence", "feature: any, color: any = nil", returns: "DependencePlot",
                 """
                 shap's dependence plot: the feature's value across, its attribution up, one dot per row, coloured \
                 by another feature (by default the one that explains most of the vertical spread; color: false \
                 for none).
                 """,
                 example: net + "shap_summary(net, x, samples: 20).dependence(\"x1\", color: \"x2\")") { c in
            let s = try c.receiverObject(SummaryObject.self).summaryData
            let j = try feature(c.value("feature"), s.featureNames, "dependence: feature")
            var k: Int?
            switch c.value("color") {
            case nil: k = s.strongestInteraction(with: j)
            case .bool(false)?: k = nil
            case let v?: k = try feature(v, s.featureNames, "dependence: color")
            }
            return .object(DependenceObject(feature: s.featureNames[j], color: k.map { s.featureNames[$0] },
                                            xs: s.featureValues(j), ys: s.column(j),
                                            colorValues: k.map { s.featureValues($0) }, method: s.method))
        }
        r.method("Summary", "mean_abs", "top: int = 15", returns: "MeanAttribution",
                 "The bar chart of mean |attribution| per feature: how far each moves predictions on average.",
                 example: net + "shap_summary(net, x, samples: 20).mean_abs().names") { c in
            let s = try c.receiverObject(SummaryObject.self).summaryData
            return .object(MeanAttributionObject(method: s.method, names: s.featureNames, values: s.meanAbs,
                                                 counts: nil, top: try top(c), over: "\(s.rows) rows"))
        }
    }
}

extension GlobalBuiltins {
    /// top: how many bars to draw, at least one.
    static func top(_ c: Call) throws -> Int {
        let top = try c.int("top")
        guard top >= 1 else { throw RuntimeError("\(c.fn): top must be positive, found \(top)") }
        return top
    }

    /// Texts to explain: a text dataset's texts or a list of strings (the first `rows`), or nil for tables.
    static func texts(_ c: Call) throws -> [String]? {
        var t: [String]
        switch c.value("data") {
        case .object(let o as DatasetObject)?:
            guard let texts = o.dataset.texts else { return nil }
            t = texts
        case .list(let l)?:
            guard l.items.allSatisfy({ if case .string = $0 { return true } else { return false } }) else { return nil }
            t = l.items.map(\.display)
        default: return nil
        }
        if let n = try c.optionalInt("rows") {
            guard n >= 1 else { throw RuntimeError("\(c.fn): rows must be positive, found \(n)") }
            t = Array(t.prefix(n))
        }
        guard !t.isEmpty else { throw RuntimeError("\(c.fn): data has no texts") }
        return t
    }

    static func registerMeanAttribution(_ r: Registry) {
        r.function("mean_attribution", "model: Module, data: any, " + summaryOptions + ", top: int = 15, "
                       + "min_count: int = 2",
                   returns: "MeanAttribution",
                   """
                   Mean |attribution| over a dataset: per feature for tables (batched as shap_summary), per word type \
                   for texts (with how often each occurs), as bars of the top ones.
                   """,
                   details: """
                   Tables take shap_summary's options. Texts (a text dataset or a list of strings) are explained one \
                   by one with explain()'s options,
                     and each word (lower-cased) gets the mean |score| of its occurrences; target: defaults to class 1;
                     words seen fewer than min_count times are left out (one occurrence is an anecdote).
                   """,
                   example: net + "mean_attribution(net, x, samples: 20).top") { c in
            let top = try top(c)
            if let texts = try texts(c) {
                let m = try c.model("model")
                let (req, _) = try ExplainBuiltins.request(c, vocabulary: m.model.vocabulary)
                m.module.eval()
                let w = try WordAttribution(model: Explainer.explainable(m.model), texts: texts, request: req)
                let minCount = try c.int("min_count")
                let kept = w.counts.indices.filter { w.counts[$0] >= minCount }
                let left = w.words.count - kept.count
                let over = "\(w.texts) texts" + (left > 0 ? " (\(left) words seen < \(minCount) times left out)" : "")
                return .object(MeanAttributionObject(method: w.method, names: kept.map { w.words[$0] },
                                                     values: kept.map { w.meanAbs[$0] },
                                                     counts: kept.map { w.counts[$0] }, top: top, over: over))
            }
            let s = try summary(c)
            try ExplainBuiltins.metricsLog(c)?.metrics(s.order.prefix(10).map {
                ("\(s.method)_mean_abs/\(s.featureNames[$0])", s.meanAbs[$0])
            })
            return .object(MeanAttributionObject(method: s.method, names: s.featureNames, values: s.meanAbs,
                                                 counts: nil, top: top, over: "\(s.rows) rows"))
        }
    }

    static func registerPermutationImportance(_ r: Registry) {
        r.function("permutation_importance", "model: Module, data: Dataset, repeats: int = 5, "
                       + "metric: string = \"accuracy\", seed: int = 0, rows: int? = nil, log_dir: string? = nil",
                   returns: "PermutationImportance",
                   """
                   sklearn's permutation_importance: for each feature, the model's score on data minus its score with \
                   that feature's column shuffled, mean ± std over repeats.
                   """,
                   details: """
                   metric: "accuracy", "loss" (the rise in cross-entropy: sklearn's neg_log_loss) or "auc" (two \
                   classes). All shuffled copies go through the model in chunks of rows.
                   """,
                   example: iris + "permutation_importance(net, data, repeats: 2).mean") { c in
            let m = try c.model("model")
            let (x, names, data) = try tableRows(c)
            guard let d = data else { throw RuntimeError("permutation_importance: data must be a labelled dataset") }
            let name = try c.string("metric")
            guard let metric = ImportanceMetric(rawValue: name) else {
                throw RuntimeError("permutation_importance: metric must be \"accuracy\", \"loss\" or \"auc\", "
                                   + "found \"\(name)\"")
            }
            let repeats = try c.int("repeats")
            guard repeats >= 1, repeats <= 10_000 else {
                throw RuntimeError("permutation_importance: repeats must be between 1 and 10000, found \(repeats)")
            }
            let pi = try PermutationImportance(model: m.model, rows: x, labels: d.labels.intValues.map { Int($0) },
                                               metric: metric, repeats: repeats, seed: ModelArguments.seed(c, c.fn),
                                               names: names)
            try ExplainBuiltins.metricsLog(c)?.metrics(pi.order.prefix(10).map {
                ("permutation_importance/\(pi.featureNames[$0])", pi.means[$0])
            })
            return .object(PermutationImportanceObject(pi))
        }
    }
}

extension GlobalBuiltins {
    /// partial_dependence's feature: a name, an index, or a list of two of them.
    static func pdFeatures(_ c: Call, _ names: [String]) throws -> [Int] {
        let what = "partial_dependence: feature"
        guard case .list(let l)? = c.value("feature") else { return [try feature(c.value("feature"), names, what)] }
        guard l.items.count == 1 || l.items.count == 2 else {
            throw RuntimeError("\(what) must be one feature or a list of two, found \(l.items.count)")
        }
        let fs = try l.items.map { try feature($0, names, what) }
        if fs.count == 2, fs[0] == fs[1] { throw RuntimeError("\(what): the two features must differ") }
        return fs
    }

    static func registerPartialDependence(_ r: Registry) {
        r.function("partial_dependence", "model: Module, data: any, feature: any, grid: int = 20, ice: bool = true, "
                       + "target: int? = nil, percentiles: list? = nil, output: string = \"probability\", "
                       + "ice_lines: int = 50, seed: int = 0, rows: int? = nil",
                   returns: "PartialDependence",
                   """
                   sklearn's partial_dependence: the average prediction with the feature set to each grid value in \
                   every row (the grid spans the feature's 5th–95th percentiles), with ICE curves of single rows.
                   """,
                   details: """
                   feature: a name or index, or a list of two for a 2-D dependence drawn as a heat map (grid at most \
                   12 per feature).
                   grid: points per feature (its unique values when it has fewer); percentiles: [low, high] \
                   (default [0.05, 0.95]).
                   output: "probability" (sklearn's predict_proba) or "logit"; target: the class (default: class 1 \
                   of a two-class model).
                   ice: draw ICE curves, a seeded sample of ice_lines rows when there are more. One model call per \
                   chunk of grid values × all rows.
                   """,
                   example: net + "partial_dependence(net, x, 0, grid: 5).average") { c in
            let m = try c.model("model")
            let (x, dataNames, _) = try tableRows(c)
            let names = dataNames.count == x.shape[1] ? dataNames : (0..<x.shape[1]).map { "x\($0)" }
            let features = try pdFeatures(c, names)
            var p = (0.05, 0.95)
            if let v = c.value("percentiles") {
                let l = try c.interp.iterate(v).map { try Convert.double($0, what: "partial_dependence: percentiles") }
                guard l.count == 2 else {
                    throw RuntimeError("partial_dependence: percentiles must be [low, high], found \(l.count) numbers")
                }
                p = (l[0], l[1])
            }
            let out = try c.string("output")
            guard let output = OutputKind(rawValue: out) else {
                throw RuntimeError("partial_dependence: output must be \"probability\" or \"logit\", found \"\(out)\"")
            }
            var grid = try c.int("grid")
            if features.count == 2 { grid = min(grid, 12) }
            guard grid >= 2, grid <= 10_000 else {
                throw RuntimeError("partial_dependence: grid must be between 2 and 10000, found \(grid)")
            }
            m.module.eval()
            let pd = try PartialDependence(model: m.model, rows: x, features: features, grid: grid, percentiles: p,
                                           target: c.optionalInt("target"), output: output, names: names)
            let lines = try c.int("ice_lines")
            guard lines >= 0 else { throw RuntimeError("partial_dependence: ice_lines must not be negative") }
            var ice: [Int] = []
            if try c.bool("ice"), features.count == 1 {
                var g = RandomGenerator(seed: try ModelArguments.seed(c, c.fn))
                ice = pd.rows <= lines ? Array(0..<pd.rows) : Array(g.permutation(pd.rows).prefix(lines)).sorted()
            }
            return .object(PartialDependenceObject(pd, iceRows: ice))
        }
    }
}
