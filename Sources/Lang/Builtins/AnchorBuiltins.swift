import Explain
import Foundation
import Tensors

/// anchor(): high-precision rules that pin a prediction (Ribeiro et al. 2018).
enum AnchorBuiltins {
    static let tabularSetup = """
        net = Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
        iris = dataset("iris")
        x, label = iris[0]
        """

    static func register(_ r: Registry) {
        r.function("anchor",
                   "model: Module, input: any, threshold: float = 0.95, data: any = nil, samples: int = 100, "
                       + "beam: int = 1, seed: int = 0, max_size: int? = nil, drop_words: bool = false, "
                       + "names: list? = nil, log_dir: string? = nil",
                   returns: "Anchor",
                   """
                   An anchor (Ribeiro et al. 2018): the rule with the largest coverage such that, while it holds, the \
                   model keeps its decision with precision ≥ threshold — "IF worst_radius > 0.97 THEN malignant".
                   """,
                   details: """
                   Table rows need data: (training rows or their dataset): features are cut at its quartiles, and \
                   perturbed rows are drawn from it with the rule's conditions kept. Texts: the rule is a set of \
                   words; \
                   each other word is removed with probability 0.5 (replaced by padding, or left out with \
                   drop_words: true). samples: per bandit draw; beam: the beam width; max_size: most conditions. \
                   KL-LUCB decides which candidates to sample (δ 0.1, ε 0.15). Seeded: the same seed gives the \
                   same rule.
                   """,
                   example: tabularSetup + "\nanchor(net, x, data: iris).precision >= 0") { c in
            let m = try c.model("model")
            var settings = AnchorSettings()
            settings.threshold = try c.double("threshold")
            settings.batch = try c.int("samples")
            settings.beam = try c.int("beam")
            settings.maxSize = try c.optionalInt("max_size")
            let seed = try ModelArguments.seed(c, "anchor")
            let a: Anchor
            if case .string(let text)? = c.value("input") {
                let data = try c.optionalDataset("data")
                if let d = data, d.texts == nil {
                    throw RuntimeError("anchor: for a text, data: gives the class names and must be a dataset of "
                                       + "texts; \(d.name) holds feature rows or images")
                }
                let classes = data?.classNames ?? []
                a = try Anchors.text(model: Explainer.explainable(m.model), text: text, classNames: classes,
                                     dropWords: c.bool("drop_words"), settings: settings, seed: seed)
            } else {
                let row = try Convert.tensor(c.value("input") ?? .none, what: "anchor: input").toFloat()
                guard row.rank == 1 else {
                    throw RuntimeError("anchor: input must be a text or one feature row [features], found a tensor of "
                                       + "shape \(row.shape)")
                }
                let (data, names, classes) = try rows(c)
                a = try Anchors.tabular(model: m.model, row: row, data: data,
                                        names: try AdversarialBuiltins.featureNames(c, count: row.count) ?? names,
                                        classNames: classes,
                                        settings: settings, seed: seed)
            }
            try ExplainBuiltins.metricsLog(c)?.metrics([("anchor/precision", a.precision),
                                                        ("anchor/coverage", a.coverage)])
            return .object(AnchorObject(a))
        }
        ResultExports.register(r, "Anchor", setup: tabularSetup, make: "anchor(net, x, data: iris)")
    }

    /// data: as training rows, with the dataset's feature and class names when it is one.
    static func rows(_ c: Call) throws -> (Tensor, [String], [String]) {
        switch c.value("data") {
        case nil:
            throw RuntimeError("anchor: a table row needs data: (the training rows or their dataset) to cut features "
                               + "into quartiles and to draw perturbed rows from")
        case .object(let o as DatasetObject)?:
            guard let x = o.dataset.features, x.rank == 2 else {
                throw RuntimeError("anchor: data: must hold feature rows; \(o.dataset.name) holds texts or images")
            }
            return (x.toFloat(), o.dataset.featureNames, o.dataset.classNames)
        case let v?:
            return (try Convert.tensor(v, what: "anchor: data").toFloat(), [], [])
        }
    }
}
