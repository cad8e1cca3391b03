import Explain
import Foundation
import Layers
import Tensors
import Training

/// Several views (modalities) of the same examples: text features, joined views, fusion
/// models and how much each view contributed.
enum FusionBuiltins {
    static func register(_ r: Registry) {
        registerTextFeatures(r)
        registerViews(r)
        registerFusionModels(r)
        registerModalityAttribution(r)
    }

    /// Named layers from a dict, in the order of the data's views.
    static func layers(_ v: Value?, _ views: [FeatureView], _ what: String) throws -> [Layer] {
        guard case .dict(let d)? = v else {
            throw RuntimeError("\(what) must be a dict of view name → model, e.g. {words: ..., lexicon: ...}")
        }
        let given = d.keys.map(\.value.display)
        for k in given where !views.contains(where: { $0.name == k }) {
            let names = views.map(\.name).joined(separator: ", ")
            throw RuntimeError("\(what): '\(k)' is not a view of the data; its views: \(names)")
        }
        return try views.map { view in
            guard let m = d[.string(view.name)] else {
                throw RuntimeError("\(what) has no model for view '\(view.name)'")
            }
            guard case .object(let o as ModuleObject) = m, let layer = o.module as? Layer else {
                throw RuntimeError("\(what): the model for '\(view.name)' must be a layer or Sequential "
                                   + "taking that view's columns, found \(m.typeName)")
            }
            return layer
        }
    }

    /// The views of the call's `data` (a dataset made by join_views).
    static func views(_ c: Call) throws -> [FeatureView] {
        let d = try c.dataset("data")
        guard !d.views.isEmpty else {
            throw RuntimeError(
                "\(c.fn): dataset \(d.name) has no views; make one with join_views({name: dataset, ...})")
        }
        return d.views
    }

    static func registerTextFeatures(_ r: Registry) {
        r.function("bag_of_words", "data: Dataset, vocab: Vocabulary", returns: "Dataset",
                   """
                   A text dataset as a feature table: one column per word of the vocabulary, \
                   1 where the sentence contains it.
                   """,
                   example: """
                   data = dataset("sentiment")
                   bag_of_words(data, data.vocab(min_count: 5))
                   """) { c in
            guard case .object(let v as VocabObject)? = c.value("vocab") else {
                throw RuntimeError("bag_of_words needs vocab: a Vocabulary (data.vocab())")
            }
            return TrainingBuiltins.ds(try TextFeatures.bagOfWords(c.dataset("data"), vocabulary: v.vocabulary))
        }
        r.function("lexicon_features", "data: Dataset", returns: "Dataset",
                   """
                   A text dataset seen through the VADER sentiment lexicon \
                   (7,500 words rated by people from −4 to +4): nine numbers per sentence.
                   """,
                   details: "Columns: " + TextFeatures.lexiconFeatureNames.joined(separator: ", ") + ". "
                       + "A rated word within three words after a negation counts −0.74 times its valence "
                       + "and compound = s/√(s² + 15) of the sum s, as in VADER.",
                   example: "lexicon_features(dataset(\"sentiment\")).feature_names") { c in
            TrainingBuiltins.ds(try TextFeatures.lexiconFeatures(c.dataset("data"), lexicon: .vader()))
        }
    }

    static func registerViews(_ r: Registry) {
        r.function("join_views", "views: dict", returns: "Dataset",
                   """
                   Feature tables of the same examples side by side, each kept as a named view (modality) \
                   for FeatureFusion, DecisionFusion and modality_attribution.
                   """,
                   example: """
                   data = dataset("sentiment")
                   joined = join_views({words: bag_of_words(data, data.vocab(min_count: 5)), \
                   lexicon: lexicon_features(data)})
                   joined.views
                   """) { c in
            guard case .dict(let d)? = c.value("views") else {
                throw RuntimeError("join_views needs a dict of view name → feature dataset")
            }
            let parts = try d.keys.map { k -> (name: String, data: Dataset) in
                (k.value.display, try TrainingBuiltins.data(d[k], "join_views: view '\(k.value.display)'"))
            }
            return TrainingBuiltins.ds(try Dataset.joining(parts))
        }
        r.method("Dataset", "view", "name: string", returns: "Dataset",
                 "The columns of one view of a joined dataset, to train a model on that view alone.",
                 example: """
                 data = dataset("sentiment")
                 joined = join_views({words: bag_of_words(data, data.vocab(min_count: 5)), \
                 lexicon: lexicon_features(data)})
                 joined.view("lexicon")
                 """) { c in
            TrainingBuiltins.ds(try c.receiverObject(DatasetObject.self).dataset.view(c.string("name")))
        }
    }

    static func registerFusionModels(_ r: Registry) {
        r.function("FeatureFusion", "data: Dataset, encoders: dict, head: Module", returns: "Module",
                   """
                   Feature-level fusion: an encoder per view of the data turns that view's columns into features; \
                   the features are concatenated and one head decides from all of them.
                   """,
                   details: """
                   encoders: {view name: layer taking that view's columns and giving features [N, k]}. \
                   head: a layer taking the concatenated features (the sum of the k's).
                   """,
                   example: """
                   data = join_views({a: dataset("iris"), b: dataset("iris")})
                   net = FeatureFusion(data, encoders: {a: Linear(4, 3), b: Linear(4, 2)}, head: Linear(5, 3))
                   net(data.features).shape
                   """) { c in
            let views = try views(c)
            guard case .object(let h as ModuleObject)? = c.value("head"), let head = h.module as? Layer else {
                throw RuntimeError("FeatureFusion needs head: a layer")
            }
            let encoders = try layers(c.value("encoders"), views, "FeatureFusion: encoders")
            return ModelBuiltins.obj(try FeatureFusion(views: views, encoders: encoders, head: head))
        }
        r.function("DecisionFusion", "data: Dataset, models: dict, weights: list? = nil", returns: "Module",
                   """
                   Decision-level fusion: one trained model per view decides alone; their logits are combined \
                   as Σ w·logit + b, with fixed weights (a vote) or learned ones.
                   """,
                   details: """
                   models: {view name: model trained on data.view(name)}. weights: fixed weights per view; \
                   without them the weights and bias are learned by fit() while the view models stay frozen \
                   (fit on rows the view models did not train on).
                   """,
                   example: """
                   data = join_views({a: dataset("iris"), b: dataset("iris")})
                   net = DecisionFusion(data, models: {a: Linear(4, 3), b: Linear(4, 3)}, weights: [0.5, 0.5])
                   net(data.features).shape
                   """) { c in
            let views = try views(c)
            var weights: [Float]?
            if let w = c.value("weights") {
                weights = try c.interp.iterate(w).map { Float(try Convert.double($0, what: "DecisionFusion: weight")) }
            }
            let models = try layers(c.value("models"), views, "DecisionFusion: models")
            return ModelBuiltins.obj(try DecisionFusion(views: views, models: models, weights: weights))
        }
    }

    static func registerModalityAttribution(_ r: Registry) {
        r.function("modality_attribution",
                   "model: Module, data: Dataset, background: Dataset? = nil, target: int? = nil",
                   returns: "ModalityAttribution",
                   """
                   How much each view (modality) contributed to each decision: exact Shapley values with the views \
                   as players; an absent view's columns take their mean over background (default: data).
                   """,
                   details: """
                   The score is the logit (one-logit models) or the target class's logit \
                   (default: each row's predicted class). Contributions of a row sum to \
                   f(x) − f(every view at its mean). For one row pass data.subset([i]).
                   """,
                   example: """
                   data = join_views({a: dataset("iris"), b: dataset("iris")})
                   net = DecisionFusion(data, models: {a: Linear(4, 3), b: Linear(4, 3)}, weights: [0.5, 0.5])
                   modality_attribution(net, data).views
                   """) { c in
            guard case .object(let m as ModuleObject)? = c.value("model") else {
                throw RuntimeError("modality_attribution needs a model")
            }
            let d = try c.dataset("data")
            guard !d.views.isEmpty, let x = d.features else {
                throw RuntimeError("modality_attribution: dataset \(d.name) has no views; make one with join_views")
            }
            let bg = try c.optionalDataset("background") ?? d
            guard let b = bg.features else {
                throw RuntimeError("modality_attribution: background must be a feature table")
            }
            let result = try ModalityAttribution.attribute(m.model, x: x, background: b, views: d.views,
                                                           target: c.optionalInt("target"))
            return .object(ModalityAttributionObject(result))
        }
    }
}
