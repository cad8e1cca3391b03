import Explain
import Foundation
import Layers
import Pictures
import Tensors
import Training

/// How much each view (modality) contributed: per row, and on average.
public final class ModalityAttributionObject: HostObject, FigureProviding {
    let result: ModalityAttribution.Result
    init(_ r: ModalityAttribution.Result) { result = r }
    public var typeName: String { "ModalityAttribution" }
    public var summary: String {
        "modality attribution · \(result.values.count) rows · " + zip(result.views, result.meanAbsolute).map { String(format: "%@ %.3f", $0, $1) }.joined(separator: ", ")
            + " (mean |contribution| to the \(result.target))"
    }
    var title: String { result.values.count == 1 ? "contribution of each view to the \(result.target)" : "mean |contribution| of each view to the \(result.target)" }
    var shown: [Double] { result.values.count == 1 ? result.values[0] : result.meanAbsolute }
    public var display: String {
        var lines = [title]
        lines += BarChart.terminal(names: result.views, values: shown, mode: Palette.mode, width: TerminalSize.chartWidth)
        if result.values.count == 1 {
            lines.append(String(format: "score %.4f = %.4f with every view at its mean + the contributions above", result.full[0], result.empty[0]))
        }
        lines.append(String(format: "efficiency: contributions sum to f(x) − f(means) within %.1e", result.efficiencyGap))
        return lines.joined(separator: "\n")
    }
    public var figureHTML: String {
        "<figure class=\"xai-figure\">\n\(BarChart.svg(names: result.views, values: shown))\n<figcaption>\(SVG.esc(title))</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] { ["views", "values", "mean_abs", "share", "full", "empty"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "views": return .list(result.views.map { .string($0) })
        case "values":
            return .tensor(try Tensor(shape: [result.values.count, result.views.count], floats: result.values.flatMap { $0.map(Float.init) }))
        case "mean_abs": return .dict(DictBox(zip(result.views, result.meanAbsolute).map { ($0, .float($1)) }))
        case "share":
            // Each view's share of the total |contribution|, averaged over rows.
            let V = result.views.count
            var share = [Double](repeating: 0, count: V)
            for row in result.values {
                let t = row.reduce(0) { $0 + abs($1) }
                if t > 0 { for v in 0..<V { share[v] += abs(row[v]) / t / Double(result.values.count) } }
            }
            return .dict(DictBox(zip(result.views, share).map { ($0, .float($1)) }))
        case "full": return .list(result.full.map { .float($0) })
        case "empty": return .list(result.empty.map { .float($0) })
        default: return nil
        }
    }
}

enum FusionBuiltins {
    /// Named layers from a dict, in the order of the data's views.
    static func layers(_ v: Value?, _ views: [FeatureView], _ what: String) throws -> [Layer] {
        guard case .dict(let d)? = v else { throw RuntimeError("\(what) must be a dict of view name → model, e.g. {words: ..., lexicon: ...}") }
        let given = d.keys.map(\.value.display)
        for k in given where !views.contains(where: { $0.name == k }) {
            throw RuntimeError("\(what): '\(k)' is not a view of the data; its views: \(views.map(\.name).joined(separator: ", "))")
        }
        return try views.map { view in
            guard let m = d[.string(view.name)] else { throw RuntimeError("\(what) has no model for view '\(view.name)'") }
            guard case .object(let o as ModuleObject) = m, let layer = o.module as? Layer else {
                throw RuntimeError("\(what): the model for '\(view.name)' must be a layer or Sequential taking that view's columns, found \(m.typeName)")
            }
            return layer
        }
    }

    static func views(_ v: Value?, _ fn: String) throws -> [FeatureView] {
        let d = try TrainingBuiltins.data(v, "\(fn): data")
        guard !d.views.isEmpty else { throw RuntimeError("\(fn): dataset \(d.name) has no views; make one with join_views({name: dataset, ...})") }
        return d.views
    }

    static func register(_ r: Registry) {
        r.function("bag_of_words", "data: Dataset, vocab: Vocabulary", returns: "Dataset",
                   "A text dataset as a feature table: one column per word of the vocabulary, 1 where the sentence contains it.",
                   example: "data = dataset(\"sentiment\")\nbag_of_words(data, data.vocab(min_count: 5))") { c in
            guard case .object(let v as VocabObject)? = c.value("vocab") else { throw RuntimeError("bag_of_words needs vocab: a Vocabulary (data.vocab())") }
            return TrainingBuiltins.ds(try TextFeatures.bagOfWords(TrainingBuiltins.data(c.value("data"), "bag_of_words: data"), vocabulary: v.vocabulary))
        }
        r.function("lexicon_features", "data: Dataset", returns: "Dataset",
                   "A text dataset seen through the VADER sentiment lexicon (7,500 words rated by people from −4 to +4): nine numbers per sentence.",
                   details: "Columns: " + TextFeatures.lexiconFeatureNames.joined(separator: ", ") + ". A rated word within three words after a negation counts −0.74 times its valence and compound = s/√(s² + 15) of the sum s, as in VADER.",
                   example: "lexicon_features(dataset(\"sentiment\")).feature_names") { c in
            TrainingBuiltins.ds(try TextFeatures.lexiconFeatures(TrainingBuiltins.data(c.value("data"), "lexicon_features: data"), lexicon: .vader()))
        }
        r.function("join_views", "views: dict", returns: "Dataset",
                   "Feature tables of the same examples side by side, each kept as a named view (modality) for FeatureFusion, DecisionFusion and modality_attribution.",
                   example: "data = dataset(\"sentiment\")\njoined = join_views({words: bag_of_words(data, data.vocab(min_count: 5)), lexicon: lexicon_features(data)})\njoined.views") { c in
            guard case .dict(let d)? = c.value("views") else { throw RuntimeError("join_views needs a dict of view name → feature dataset") }
            let parts = try d.keys.map { k -> (name: String, data: Dataset) in
                (k.value.display, try TrainingBuiltins.data(d[k], "join_views: view '\(k.value.display)'"))
            }
            return TrainingBuiltins.ds(try Dataset.joining(parts))
        }
        r.method("Dataset", "view", "name: string", returns: "Dataset", "The columns of one view of a joined dataset, to train a model on that view alone.",
                 example: "data = dataset(\"sentiment\")\njoined = join_views({words: bag_of_words(data, data.vocab(min_count: 5)), lexicon: lexicon_features(data)})\njoined.view(\"lexicon\")") { c in
            TrainingBuiltins.ds(try c.receiverObject(DatasetObject.self).dataset.view(c.string("name")))
        }
        r.function("FeatureFusion", "data: Dataset, encoders: dict, head: Module", returns: "Module",
                   "Feature-level fusion: an encoder per view of the data turns that view's columns into features; the features are concatenated and one head decides from all of them.",
                   details: "encoders: {view name: layer taking that view's columns and giving features [N, k]}. head: a layer taking the concatenated features (the sum of the k's).",
                   example: "data = join_views({a: dataset(\"iris\"), b: dataset(\"iris\")})\nnet = FeatureFusion(data, encoders: {a: Linear(4, 3), b: Linear(4, 2)}, head: Linear(5, 3))\nnet(data.features).shape") { c in
            let views = try views(c.value("data"), "FeatureFusion")
            guard case .object(let h as ModuleObject)? = c.value("head"), let head = h.module as? Layer else { throw RuntimeError("FeatureFusion needs head: a layer") }
            return ModelBuiltins.obj(try FeatureFusion(views: views, encoders: layers(c.value("encoders"), views, "FeatureFusion: encoders"), head: head))
        }
        r.function("DecisionFusion", "data: Dataset, models: dict, weights: list? = nil", returns: "Module",
                   "Decision-level fusion: one trained model per view decides alone; their logits are combined as Σ w·logit + b, with fixed weights (a vote) or learned ones.",
                   details: "models: {view name: model trained on data.view(name)}. weights: fixed weights per view; without them the weights and bias are learned by fit() while the view models stay frozen (fit on rows the view models did not train on).",
                   example: "data = join_views({a: dataset(\"iris\"), b: dataset(\"iris\")})\nnet = DecisionFusion(data, models: {a: Linear(4, 3), b: Linear(4, 3)}, weights: [0.5, 0.5])\nnet(data.features).shape") { c in
            let views = try views(c.value("data"), "DecisionFusion")
            var weights: [Float]?
            if let w = c.value("weights") {
                weights = try c.interp.iterate(w).map { Float(try Convert.double($0, what: "DecisionFusion: weight")) }
            }
            return ModelBuiltins.obj(try DecisionFusion(views: views, models: layers(c.value("models"), views, "DecisionFusion: models"), weights: weights))
        }
        r.function("modality_attribution", "model: Module, data: Dataset, background: Dataset? = nil, target: int? = nil", returns: "ModalityAttribution",
                   "How much each view (modality) contributed to each decision: exact Shapley values with the views as players; an absent view's columns take their mean over background (default: data).",
                   details: "The score is the logit (one-logit models) or the target class's logit (default: each row's predicted class). Contributions of a row sum to f(x) − f(every view at its mean). For one row pass data.subset([i]).",
                   example: "data = join_views({a: dataset(\"iris\"), b: dataset(\"iris\")})\nnet = DecisionFusion(data, models: {a: Linear(4, 3), b: Linear(4, 3)}, weights: [0.5, 0.5])\nmodality_attribution(net, data).views") { c in
            guard case .object(let m as ModuleObject)? = c.value("model") else { throw RuntimeError("modality_attribution needs a model") }
            let d = try TrainingBuiltins.data(c.value("data"), "modality_attribution: data")
            guard !d.views.isEmpty, let x = d.features else { throw RuntimeError("modality_attribution: dataset \(d.name) has no views; make one with join_views") }
            let bg = try c.value("background").map { try TrainingBuiltins.data($0, "modality_attribution: background") } ?? d
            guard let b = bg.features else { throw RuntimeError("modality_attribution: background must be a feature table") }
            return .object(ModalityAttributionObject(try ModalityAttribution.attribute(m.model, x: x, background: b, views: d.views, target: c.optionalInt("target"))))
        }
    }
}
