import Explain
import Foundation
import Tensors

/// The builtins for robustness, stability and simplicity metrics, and the explanation-fragility attack.
enum RobustnessBuiltins {
    static let net = "net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))\n"
    static let make = "explain(net, tensor([1.0, -0.5, 2.0]), method: \"input_x_gradient\")"

    static func register(_ r: Registry) {
        registerNearby(r)
        registerInfidelity(r)
        registerStability(r)
        registerTrust(r)
        registerFragility(r)
        ResultExports.register(r, "Sensitivity", setup: net, make: "sensitivity_max(\(make), samples: 2)")
        ResultExports.register(r, "Lipschitz", setup: net, make: "lipschitz(\(make), samples: 2)")
        ResultExports.register(r, "Infidelity", setup: net, make: "infidelity(\(make), samples: 10)")
        ResultExports.register(r, "Stability", setup: net, make: "stability(\(make), samples: 2, k: 2)")
        ResultExports.register(r, "Simplicity", setup: net, make: "simplicity(\(make))")
        ResultExports.register(r, "Trust", setup: net, make: "trust(\(make), samples: 2, k: 2)")
        ResultExports.register(r, "Fragility", setup: net, make: "fragility(\(make), k: 2, steps: 2)")
    }

    static func explanation(_ c: Call) throws -> Explanation {
        try ExplainBuiltins.explanation(c.value("explanation"), c.fn)
    }

    static func registerNearby(_ r: Registry) {
        r.function("sensitivity_max", "explanation: Explanation, radius: float = 0.02, samples: int = 10, "
                       + "seed: int = 0, log_dir: string? = nil", returns: "Sensitivity",
                   """
                   Captum's sensitivity_max: the input moves by uniform noise in [−radius, radius] per value, \
                   the same method re-explains it, and the result is the largest ‖e(x+δ) − e(x)‖ / ‖e(x)‖ \
                   over the samples (lower is better).
                   """,
                   details: "Text is moved at its word embeddings, as Captum does; methods that explain text by "
                       + "removing words cannot be re-explained there and give an error.",
                   example: net + "sensitivity_max(\(make), samples: 3).value") { c in
            let e = try explanation(c)
            let s = try ExplanationMetrics.sensitivityMax(e, radius: c.double("radius"), samples: c.int("samples"),
                                                          seed: ModelArguments.seed(c, c.fn))
            try ExplainBuiltins.metricsLog(c)?.metrics([("\(e.method)/sensitivity_max", s.value)])
            return .object(NearbyMaximumObject(s))
        }
        r.function("lipschitz", "explanation: Explanation, radius: float = 0.1, samples: int = 20, seed: int = 0, "
                       + "log_dir: string? = nil", returns: "Lipschitz",
                   """
                   Alvarez-Melis & Jaakkola's local Lipschitz estimate: the largest \
                   ‖e(x) − e(x′)‖ / ‖x − x′‖ over points x′ drawn uniformly within radius of x \
                   (lower is better), with its scale-free elasticity.
                   """,
                   example: net + "lipschitz(\(make), samples: 3).value") { c in
            let e = try explanation(c)
            let l = try ExplanationMetrics.lipschitz(e, radius: c.double("radius"), samples: c.int("samples"),
                                                     seed: ModelArguments.seed(c, c.fn))
            try ExplainBuiltins.metricsLog(c)?.metrics([("\(e.method)/lipschitz", l.value)])
            return .object(NearbyMaximumObject(l))
        }
    }

    static func registerInfidelity(_ r: Registry) {
        r.function("infidelity", "explanation: Explanation, samples: int = 100, stdev: float? = nil, seed: int = 0, "
                       + "normalize: bool = false, log_dir: string? = nil", returns: "Infidelity",
                   """
                   Captum's infidelity with Gaussian noise ε ~ N(0, stdev²): the mean squared error of \
                   Iᵀ·attribution as a prediction of f(x) − f(x − ε) (lower is better); normalize scales the \
                   attribution by the best factor first. stdev defaults to 5% of the input's range.
                   """,
                   details: "I = ε / (x − baseline) for attributions that multiply by the input (input × gradient, "
                       + "Integrated Gradients, Shapley values, ablation), I = ε for gradients, as in Captum.",
                   example: net + "infidelity(\(make), samples: 20).value") { c in
            let e = try explanation(c)
            let v = try ExplanationMetrics.infidelity(e, samples: c.int("samples"), stdev: c.optionalDouble("stdev"),
                                                      seed: ModelArguments.seed(c, c.fn),
                                                      normalize: c.bool("normalize"))
            try ExplainBuiltins.metricsLog(c)?.metrics([("\(e.method)/infidelity", v.value)])
            return .object(InfidelityObject(v))
        }
    }

    static func registerStability(_ r: Registry) {
        r.function("stability", "explanation: Explanation, noise: float = 0.05, samples: int = 10, k: int = 5, "
                       + "seed: int = 0, log_dir: string? = nil", returns: "Stability",
                   """
                   Re-explains copies of the input with Gaussian noise (σ = noise × the input's range) and compares \
                   each with the original: mean and worst Spearman correlation and top-k overlap (higher is better).
                   """,
                   example: net + "stability(\(make), samples: 3, k: 2).mean_spearman") { c in
            let e = try explanation(c)
            let s = try ExplanationMetrics.stability(e, noise: c.double("noise"), samples: c.int("samples"),
                                                     k: c.int("k"), seed: ModelArguments.seed(c, c.fn))
            try ExplainBuiltins.metricsLog(c)?.metrics([("\(e.method)/stability_spearman", s.meanSpearman),
                                                        ("\(e.method)/stability_top_k", s.meanTopK)])
            return .object(StabilityObject(s))
        }
        r.function("simplicity", "explanation: Explanation, log_dir: string? = nil", returns: "Simplicity",
                   """
                   How concentrated an explanation is, as Quantus measures it: complexity (entropy of the shares of \
                   |attribution|), sparseness (their Gini index) and the effective number of units, exp(entropy).
                   """,
                   example: net + "simplicity(\(make)).effective_units") { c in
            let e = try explanation(c)
            let s = try ExplanationMetrics.simplicity(e)
            try ExplainBuiltins.metricsLog(c)?.metrics([("\(e.method)/complexity", s.complexity),
                                                        ("\(e.method)/sparseness", s.sparseness)])
            return .object(SimplicityObject(s, e))
        }
    }

    static func registerTrust(_ r: Registry) {
        r.function("trust", "explanation: Explanation, samples: int = 10, radius: float = 0.02, noise: float = 0.05, "
                       + "k: int = 5, seed: int = 0, log_dir: string? = nil", returns: "Trust",
                   """
                   One table of how far to trust an explanation: faithfulness, sensitivity_max, normalised \
                   infidelity, stability and simplicity, each with its meaning and a verdict, and an overall verdict.
                   """,
                   details: "A metric the explanation cannot have keeps its line with the reason.",
                   example: net + "trust(\(make), samples: 2, k: 2).verdict") { c in
            let e = try explanation(c)
            let t = try ExplanationMetrics.trust(e, samples: c.int("samples"), radius: c.double("radius"),
                                                 noise: c.double("noise"), k: c.int("k"),
                                                 seed: ModelArguments.seed(c, c.fn))
            try ExplainBuiltins.metricsLog(c)?.metrics(t.lines.compactMap { l in
                l.value.map { ("\(e.method)/trust_\(l.name.split(separator: " ").joined(separator: "_"))", $0) }
            })
            return .object(TrustObject(t))
        }
    }

    static func registerFragility(_ r: Registry) {
        r.function("fragility", "explanation: Explanation, eps: float = 0.05, k: int = 5, steps: int = 20, "
                       + "candidates: int = 8, seed: int = 0, log_dir: string? = nil", returns: "Fragility",
                   """
                   Ghorbani et al.'s attack on an explanation: searches for a change of at most eps × the input's \
                   range per value that keeps the predicted class but moves the top-k units as far as it can, and \
                   shows both explanations.
                   """,
                   details: "A seeded random search (no second derivatives): each step tries `candidates` moves, "
                       + "drops those that change the class, re-explains the rest and keeps the best. Text is "
                       + "attacked at its word embeddings.",
                   example: net + "fragility(\(make), k: 2, steps: 2).top_k_overlap <= 1") { c in
            let e = try explanation(c)
            let f = try ExplanationMetrics.fragility(e, eps: c.double("eps"), k: c.int("k"), steps: c.int("steps"),
                                                     candidates: c.int("candidates"),
                                                     seed: ModelArguments.seed(c, c.fn))
            try ExplainBuiltins.metricsLog(c)?.metrics([("\(e.method)/fragility_top_k", f.topK),
                                                        ("\(e.method)/fragility_spearman", f.spearman)])
            return .object(FragilityObject(f))
        }
    }
}
