import Foundation
import XCTest
import Layers
import Tensors
import Training
@testable import Explain
import TestSupport

func mlp(_ sizes: [Int], _ activation: String) throws -> Sequential {
    try Sequential([Linear(sizes[0], sizes[1]), Activation(activation), Linear(sizes[1], sizes[2])])
}

/// Every explainer against the numbers Captum, shap and lime computed on the same weights.
final class ReferenceExplainTests: XCTestCase {
    // MARK: explain_mlp — Captum on a breast-cancer MLP (target 1, zero baseline)

    func mlpCase() throws -> (ReferenceCase, Model) {
        let c = try ReferenceCase("explain_mlp")
        let net = try mlp([30, 16, 2], "relu")
        try net.loadStateDict(c.model)
        net.eval()
        return (c, Model(net))
    }

    func mlpSubject(_ c: ReferenceCase, _ model: Model, _ r: Int) throws -> Explainee {
        try Explainee(model: model, kind: .tabular, input: c.tensor("input.x").select(dim: 0, index: r), baseline: nil, target: 1, output: .logit)
    }

    func testSaliencyAndInputXGradientMatchCaptum() throws {
        let (c, model) = try mlpCase()
        for r in 0..<4 {
            let s = try mlpSubject(c, model, r)
            assertClose(try GradientMethods.saliency(s).scores, try c.row("expected.saliency", r), 1e-4, "saliency row \(r)")
            assertClose(try GradientMethods.inputXGradient(s).scores, try c.row("expected.input_x_gradient", r), 1e-4, "input×gradient row \(r)")
        }
    }

    func testIntegratedGradientsMatchCaptumForAllFiveRulesWithTheirDeltas() throws {
        let (c, model) = try mlpCase()
        for rule in IntegrationRule.allCases {
            for r in 0..<4 {
                let e = try GradientMethods.integratedGradients(try mlpSubject(c, model, r), steps: 50, rule: rule)
                assertClose(e.scores, try c.row("expected.ig_\(rule.rawValue)", r), 1e-4, "IG \(rule.rawValue) row \(r)")
                let delta = try c.tensor("expected.ig_\(rule.rawValue)_delta").floatValues[r]
                XCTAssertEqual(e.check("convergence delta") ?? .nan, Double(delta), accuracy: 1e-4, "IG \(rule.rawValue) delta row \(r)")
            }
        }
    }

    func testBatchedIntegrationGivesTheSameAttributions() throws {
        let (c, model) = try mlpCase()
        let s = try mlpSubject(c, model, 0)
        let all = try GradientMethods.integratedGradients(s, steps: 50)
        let batched = try GradientMethods.integratedGradients(s, steps: 50, batch: 7)
        assertClose(batched.scores, all.scores, 1e-6, "IG in batches of 7 vs one batch")
    }

    func testTrapezoidWeightsSumToOneMinusOneOverN() throws {
        let w = try IntegrationRule.riemannTrapezoid.points(50).weights
        XCTAssertEqual(w.reduce(0, +), 1 - 1.0 / 50, accuracy: 1e-12)
        let gl = try IntegrationRule.gaussLegendre.points(50)
        XCTAssertEqual(gl.weights.reduce(0, +), 1, accuracy: 1e-12)
        // Gauss–Legendre with n points integrates polynomials of degree 2n − 1 exactly: ∫₀¹ α⁹⁹ = 1/100.
        XCTAssertEqual(zip(gl.alphas, gl.weights).reduce(0) { $0 + $1.1 * pow($1.0, 99) }, 0.01, accuracy: 1e-12)
    }

    func testFeatureAblationMatchesCaptum() throws {
        let (c, model) = try mlpCase()
        for r in 0..<4 {
            let e = try Occlusion.explain(try mlpSubject(c, model, r))
            assertClose(e.scores, try c.row("expected.feature_ablation", r), 1e-4, "feature ablation row \(r)")
        }
    }

    // MARK: explain_shap_wine — shap's exact interventional values over a 20-row background

    func wineCase() throws -> (ReferenceCase, Model) {
        let c = try ReferenceCase("explain_shap_wine")
        let net = try mlp([13, 16, 3], "tanh")
        try net.loadStateDict(c.model)
        net.eval()
        return (c, Model(net))
    }

    func wineSubject(_ c: ReferenceCase, _ model: Model, row: Int, target: Int) throws -> Explainee {
        try Explainee(model: model, kind: .tabular, input: c.tensor("input.x").select(dim: 0, index: row), baseline: nil, target: target,
                      output: .probability, background: c.tensor("input.background"))
    }

    /// Expected values [rows, features, classes] for one row and class.
    func expectedShap(_ c: ReferenceCase, row: Int, target: Int) throws -> [Double] {
        let t = try c.tensor("expected.shap_values")
        let (F, C) = (t.shape[1], t.shape[2])
        return (0..<F).map { Double(t.floatValues[(row * F + $0) * C + target]) }
    }

    func testExactShapleyValuesMatchShap() throws {
        let (c, model) = try wineCase()
        for row in 0..<3 {
            for target in 0..<3 {
                let e = try Shapley.exact(try wineSubject(c, model, row: row, target: target))
                assertClose(e.scores, try expectedShap(c, row: row, target: target), 1e-4, "exact Shapley row \(row) class \(target)")
                let base = try c.tensor("expected.base_values").floatValues[row * 3 + target]
                XCTAssertEqual(e.baseValue ?? .nan, Double(base), accuracy: 1e-5)
                XCTAssertEqual(e.check("efficiency gap") ?? .nan, 0, accuracy: 1e-9)
            }
        }
    }

    func testKernelShapEnumeratingEveryCoalitionIsExact() throws {
        let (c, model) = try wineCase()
        for row in 0..<3 {
            let target = row % 3
            let e = try Shapley.kernel(try wineSubject(c, model, row: row, target: target), samples: 1 << 13)
            XCTAssertEqual(e.check("coalitions evaluated"), 1)
            assertClose(e.scores, try expectedShap(c, row: row, target: target), 1e-4, "KernelSHAP (all coalitions) row \(row)")
        }
    }

    func testKernelShapWith2048SamplesIsClose() throws {
        let (c, model) = try wineCase()
        for row in 0..<3 {
            for target in 0..<3 {
                let e = try Shapley.kernel(try wineSubject(c, model, row: row, target: target), samples: 2048, seed: UInt64(row))
                assertClose(e.scores, try expectedShap(c, row: row, target: target), 0.02, "KernelSHAP 2048 samples row \(row) class \(target)")
                XCTAssertEqual(e.check("efficiency gap") ?? .nan, 0, accuracy: 1e-9, "efficiency is enforced exactly")
            }
        }
    }

    func testPermutationShapIsEfficientAndClose() throws {
        let (c, model) = try wineCase()
        let e = try Shapley.permutation(try wineSubject(c, model, row: 0, target: 0), permutations: 200)
        XCTAssertEqual(e.check("efficiency gap") ?? .nan, 0, accuracy: 1e-6)
        assertClose(e.scores, try expectedShap(c, row: 0, target: 0), 0.02, "permutation SHAP, 200 antithetic permutations")
    }

    // MARK: explain_text — the trained SentimentNet and its vocabulary

    func textCase() throws -> (ReferenceCase, Model, [String]) {
        let c = try ReferenceCase("explain_text")
        let vocabText = try String(contentsOf: referenceDir.appendingPathComponent("explain_text/vocab.txt"), encoding: .utf8)
        let vocab = Vocabulary(tokens: vocabText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
        let net = try SentimentNet(vocab: vocab.count, embed: 32, hidden: 32)
        try net.loadStateDict(c.model)
        net.eval()
        return (c, Model(net, vocabulary: vocab), c.json["probe"] as? [String] ?? [])
    }

    func textSubject(_ model: Model, _ sentence: String, method: String = "integrated_gradients") throws -> Explainee {
        var r = ExplainRequest(method: method)
        r.target = 1
        return try Explainer.subject(model, .text(sentence), r)
    }

    func testTokenizationMatchesTheReferenceIds() throws {
        let (c, model, probe) = try textCase()
        let ids = try c.tensor("input.ids"), L = ids.shape[1]
        for (r, sentence) in probe.enumerated() {
            let s = try textSubject(model, sentence)
            let want = Array(ids.intValues[r * L..<(r + 1) * L]).prefix(s.tokenIds.count).map(Int.init)
            XCTAssertEqual(s.tokenIds, want, sentence)
        }
    }

    func testLayerIntegratedGradientsOnEmbeddingsMatchCaptum() throws {
        let (c, model, probe) = try textCase()
        for (r, sentence) in probe.enumerated() {
            let e = try GradientMethods.integratedGradients(try textSubject(model, sentence), steps: 50)
            let want = Array(try c.row("expected.layer_ig", r).prefix(e.scores.count))
            assertClose(e.scores, want, 1e-3, "layer IG: \(sentence)")
            let delta = try c.tensor("expected.layer_ig_delta").floatValues[r]
            XCTAssertEqual(e.check("convergence delta") ?? .nan, Double(delta), accuracy: 1e-3, "layer IG delta: \(sentence)")
            XCTAssertEqual(e.prediction, Double(try c.tensor("expected.logit").floatValues[r]), accuracy: 1e-4)
        }
    }

    func testOcclusionAndTokenShapleyValuesMatchTheReference() throws {
        let (c, model, probe) = try textCase()
        for (r, sentence) in probe.enumerated() {
            let s = try textSubject(model, sentence, method: "occlusion")
            let n = s.unitCount
            assertClose(try Occlusion.explain(s).scores, Array(try c.row("expected.occlusion", r).prefix(n)), 1e-3, "occlusion: \(sentence)")
            assertClose(try Shapley.exact(s).scores, Array(try c.row("expected.token_shapley", r).prefix(n)), 1e-3, "token Shapley: \(sentence)")
        }
    }

    func testAttentionWeightsAreTheModels() throws {
        let (c, model, probe) = try textCase()
        let att = try c.tensor("expected.attention"), L = att.shape[1]
        for (r, sentence) in probe.enumerated() {
            let e = try AttentionMaps.weights(try textSubject(model, sentence, method: "attention"))
            assertClose(e.scores, Array(att.floatValues[r * L..<r * L + e.scores.count]).map(Double.init), 1e-4, "attention: \(sentence)")
        }
    }

    func limeTop3(_ model: Model, _ sentence: String, seed: UInt64) throws -> [String] {
        var req = ExplainRequest(method: "lime")
        req.target = 1
        req.seed = seed
        let e = try Explainer.explain(try Explainer.subject(model, .text(sentence), req), req)
        var seen = Set<String>(), words: [String] = []
        for (w, _) in e.top(e.units.count) where !seen.contains(w) { seen.insert(w); words.append(w) }
        return Array(words.prefix(3))
    }

    /// lime is stochastic, and the reference is one 5,000-sample draw of it. Two probe
    /// sentences have near-ties in third place (reference weights 0.0209 vs 0.0109, and
    /// −0.0641 vs −0.0626) which lime itself orders the other way at 100,000 samples, as
    /// xai's LIME does. So: the top two words match everywhere and the top three on at
    /// least half at the default seed; and the reference's top three is a ranking xai's
    /// sampler produces (some seed in 0..<6) on at least three of the four sentences.
    func testLimeRankingsMatchTheLimePackage() throws {
        let (c, model, probe) = try textCase()
        let lime = (c.json["lime"] as? [String: Any])?["weights"] as? [[[Any]]] ?? []
        XCTAssertEqual(lime.count, probe.count)
        var exact = 0, reproduced = 0
        for (r, sentence) in probe.enumerated() {
            let theirs = lime[r].prefix(3).compactMap { $0.first as? String }
            let mine = try limeTop3(model, sentence, seed: 0)
            XCTAssertEqual(Array(mine.prefix(2)), Array(theirs.prefix(2)), sentence)
            if mine == theirs { exact += 1 }
            for seed in UInt64(0)..<6 where try limeTop3(model, sentence, seed: seed) == theirs { reproduced += 1; break }
        }
        XCTAssertGreaterThanOrEqual(exact, 2)
        XCTAssertGreaterThanOrEqual(reproduced, 3)
    }
}
