import Foundation
import XCTest
import TestSupport
import Layers
import Tensors
import Training
@testable import Explain

/// Robustness and simplicity metrics against their definitions: closed forms on linear models,
/// convergence of the Monte Carlo estimates, determinism, and the extremes of simplicity.
final class RobustnessMetricsTests: XCTestCase {
    let w: [Float] = [2, -1, 0.5, 3], x: [Float] = [1, 2, -2, 0.5]

    /// f(x) = w·x + b as a one-logit model.
    func linearModel(_ w: [Float], bias: Float = 0.5) throws -> Model {
        let fc = try Linear(w.count, 1)
        try fc.loadStateDict(["weight": Tensor(shape: [1, w.count], floats: w), "bias": Tensor([bias])])
        return Model(fc)
    }

    func explain(_ method: String, absolute: Bool = true, model: Model? = nil, input: [Float]? = nil) throws
        -> Explanation {
        var r = ExplainRequest(method: method)
        r.target = 1
        r.absolute = absolute
        r.steps = 16
        let s = try Explainer.subject(model ?? linearModel(w), .row(Tensor(input ?? x)), r)
        return try Explainer.explain(s, r)
    }

    func testInfidelityIsZeroForInputTimesGradientAndIntegratedGradientsOnALinearModel() throws {
        for method in ["input_x_gradient", "integrated_gradients"] {
            let e = try explain(method)
            let inf = try ExplanationMetrics.infidelity(e, samples: 200, stdev: 0.1, seed: 3)
            XCTAssertTrue(inf.multipliesByInputs, method)
            XCTAssertGreaterThan(inf.meanSquaredChange, 0)
            // Iᵀa = Σ ε_i / x_i · x_i w_i = w·ε = f(x) − f(x − ε): zero up to float rounding.
            XCTAssertLessThan(inf.value, 1e-9 * max(1, inf.meanSquaredChange), method)
            let normalized = try ExplanationMetrics.infidelity(e, samples: 200, stdev: 0.1, seed: 3, normalize: true)
            XCTAssertEqual(normalized.beta, 1, accuracy: 1e-5, "the best scaling of an exact attribution is 1")
            XCTAssertLessThan(normalized.value, 1e-9 * max(1, inf.meanSquaredChange))
        }
    }

    func testInfidelityOfAbsoluteSaliencyConvergesToItsClosedForm() throws {
        // a = |w|, I = ε: Iᵀa − w·ε = (|w| − w)·ε, so E[(…)²] = σ² ‖|w| − w‖².
        let e = try explain("saliency")
        let sigma = 0.2
        let exact = sigma * sigma * zip(w, e.scores).reduce(0) { $0 + ($1.1 - Double($1.0)) * ($1.1 - Double($1.0)) }
        XCTAssertGreaterThan(exact, 0)
        func error(_ samples: Int) throws -> Double {
            try (0..<4).reduce(0.0) { acc, seed in
                let v = try ExplanationMetrics.infidelity(e, samples: samples, stdev: sigma, seed: UInt64(seed)).value
                return acc + abs(v - exact) / exact
            } / 4
        }
        let few = try error(10), many = try error(4000)
        XCTAssertLessThan(many, few, "the estimate approaches the expectation as samples grow")
        XCTAssertLessThan(many, 0.1)
        let signed = try explain("saliency", absolute: false)
        XCTAssertLessThan(try ExplanationMetrics.infidelity(signed, samples: 100, stdev: sigma).value, 1e-9,
                          "the signed gradient of a linear model predicts every change exactly")
    }

    func testSensitivityOfSaliencyOnALinearModelIsZero() throws {
        let s = try ExplanationMetrics.sensitivityMax(explain("saliency"), radius: 0.3, samples: 20)
        XCTAssertEqual(s.value, 0, "a linear model's gradient is the same everywhere")
        XCTAssertEqual(s.samples, 20)
    }

    func testSensitivityOfInputTimesGradientRisesTowardItsSupremum() throws {
        // e(x + δ) − e(x) = δ ∘ w, so the ratio is ‖δ ∘ w‖ / ‖x ∘ w‖ ≤ r ‖w‖ / ‖x ∘ w‖.
        let e = try explain("input_x_gradient")
        let r = 0.05
        let norm = { (v: [Double]) in v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let sup = r * norm(w.map(Double.init)) / norm(zip(w, x).map { Double($0 * $1) })
        let estimates = try [5, 50, 2000].map { try ExplanationMetrics.sensitivityMax(e, radius: r, samples: $0).value }
        for (a, b) in zip(estimates, estimates.dropFirst()) {
            XCTAssertLessThanOrEqual(a, b, "more samples of the same stream can only raise the maximum")
        }
        for v in estimates { XCTAssertLessThanOrEqual(v, sup * (1 + 1e-5)) }
        XCTAssertLessThan(sup - estimates[2], sup - estimates[0])
        XCTAssertGreaterThan(estimates[2], 0.8 * sup)
    }

    func testSameSeedGivesTheSameBitsAndAnotherSeedOtherDraws() throws {
        let net = try Sequential([Linear(5, 8), Activation("tanh"), Linear(8, 2)])
        let m = Model(net)
        let input: [Float] = [0.3, -1.2, 0.8, 2.0, -0.4]
        let e = try explain("integrated_gradients", model: m, input: input)
        let a = try ExplanationMetrics.sensitivityMax(e, samples: 4, seed: 9)
        let b = try ExplanationMetrics.sensitivityMax(e, samples: 4, seed: 9)
        XCTAssertEqual(a.perSample.map(\.bitPattern), b.perSample.map(\.bitPattern))
        XCTAssertNotEqual(try ExplanationMetrics.sensitivityMax(e, samples: 4, seed: 10).perSample, a.perSample)
        let i1 = try ExplanationMetrics.infidelity(e, samples: 50, seed: 2)
        let i2 = try ExplanationMetrics.infidelity(e, samples: 50, seed: 2)
        XCTAssertEqual(i1.value.bitPattern, i2.value.bitPattern)
        let s1 = try ExplanationMetrics.stability(e, samples: 3, k: 2, seed: 4)
        let s2 = try ExplanationMetrics.stability(e, samples: 3, k: 2, seed: 4)
        XCTAssertEqual(s1.spearman.map(\.bitPattern), s2.spearman.map(\.bitPattern))
        let l1 = try ExplanationMetrics.lipschitz(e, samples: 3, seed: 5)
        let l2 = try ExplanationMetrics.lipschitz(e, samples: 3, seed: 5)
        XCTAssertEqual(l1.perSample.map(\.bitPattern), l2.perSample.map(\.bitPattern))
    }

    func testLipschitzOfInputTimesGradientLiesBetweenTheSmallestAndLargestWeight() throws {
        // e(x′) − e(x) = (x′ − x) ∘ w, so the ratio lies in [min |w|, max |w|].
        let l = try ExplanationMetrics.lipschitz(explain("input_x_gradient"), radius: 0.1, samples: 50)
        let mags = w.map { Double(abs($0)) }
        for v in l.perSample {
            XCTAssertGreaterThanOrEqual(v, (mags.min() ?? 0) * (1 - 1e-4))
            XCTAssertLessThanOrEqual(v, (mags.max() ?? 0) * (1 + 1e-4))
        }
    }

    func testSaliencyOfALinearModelIsPerfectlyStable() throws {
        let s = try ExplanationMetrics.stability(explain("saliency"), noise: 0.2, samples: 5, k: 2)
        XCTAssertEqual(s.meanSpearman, 1, accuracy: 1e-12)
        XCTAssertEqual(s.worstSpearman, 1, accuracy: 1e-12)
        XCTAssertEqual(s.worstTopK, 1)
        let range = Double((x.max() ?? 0) - (x.min() ?? 0))
        XCTAssertEqual(s.sigma, 0.2 * range, accuracy: 1e-9, "noise is a fraction of the input's range")
    }

    func testSimplicityOfOneHotAndUniformAttributions() throws {
        let n = 8
        let s = try Explainee(model: linearModel([Float](repeating: 1, count: n)), kind: .tabular,
                              input: Tensor([Float](repeating: 1, count: n)), baseline: nil, target: 1, output: .logit)
        var oneHot = [Double](repeating: 0, count: n)
        oneHot[3] = -2.5
        let hot = try ExplanationMetrics.simplicity(Explanation(method: "m", settings: [], subject: s, scores: oneHot))
        XCTAssertEqual(hot.complexity, 0, accuracy: 1e-12)
        XCTAssertEqual(hot.effectiveUnits, 1, accuracy: 1e-12)
        XCTAssertGreaterThan(hot.sparseness, Double(n - 1) / Double(n) - 1e-5, "Gini of one unit: (n − 1)/n")
        let flat = [Double](repeating: 0.7, count: n)
        let uniform = try ExplanationMetrics.simplicity(Explanation(method: "m", settings: [], subject: s,
                                                                    scores: flat))
        XCTAssertEqual(uniform.complexity, log(Double(n)), accuracy: 1e-12)
        XCTAssertEqual(uniform.effectiveUnits, Double(n), accuracy: 1e-9)
        XCTAssertEqual(uniform.sparseness, 0, accuracy: 1e-9)
        assertThrows("every score") {
            try ExplanationMetrics.simplicity(Explanation(method: "m", settings: [], subject: s,
                                                          scores: [Double](repeating: 0, count: n)))
        }
    }

    func testBadArgumentsNameWhatWasExpected() throws {
        let e = try explain("saliency")
        assertThrows("radius must be a positive number") { try ExplanationMetrics.sensitivityMax(e, radius: -0.1) }
        assertThrows("found -0.1") { try ExplanationMetrics.sensitivityMax(e, radius: -0.1) }
        assertThrows("samples must be between 1") { try ExplanationMetrics.infidelity(e, samples: 0) }
        assertThrows("noise must be a positive number") { try ExplanationMetrics.stability(e, noise: 0) }
        assertThrows("k must be at least 1") { try ExplanationMetrics.stability(e, k: 0) }
        let bare = Explanation(method: "saliency", settings: [], subject: e.subject, scores: e.scores)
        assertThrows("make it with explain()") { try ExplanationMetrics.sensitivityMax(bare) }
    }

    func testTrustReportHasEveryLineWithAMeaning() throws {
        let t = try ExplanationMetrics.trust(explain("input_x_gradient"), samples: 3)
        XCTAssertEqual(t.lines.map(\.name), ["comprehensiveness", "sufficiency", "sensitivity_max",
                                             "infidelity share", "stability", "complexity", "sparseness"])
        for l in t.lines {
            XCTAssertNotNil(l.value, l.verdict)
            XCTAssertFalse(l.meaning.isEmpty)
        }
        XCTAssertEqual(t.lines[3].grade, .good, "input × gradient is exact on a linear model")
    }
}
