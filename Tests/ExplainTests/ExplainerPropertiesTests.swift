import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import TestSupport
import Layers
import Pictures
import Tensors
import Training
@testable import Explain

/// Properties every explainer must have beyond matching the references: determinism,
/// completeness and efficiency, known answers on linear models, and sound evaluation tools.
final class ExplainerPropertiesTests: XCTestCase {
    /// f(x) = w·x + b as a one-logit model: every attribution method has a known answer.
    func linearModel(_ w: [Float], bias: Float = 0.5) throws -> Model {
        let fc = try Linear(w.count, 1)
        try fc.loadStateDict(["weight": Tensor(shape: [1, w.count], floats: w), "bias": Tensor([bias])])
        return Model(fc)
    }

    func subject(_ m: Model, _ x: [Float], background: Tensor? = nil, output: OutputKind = .logit) throws -> Explainee {
        try Explainee(model: m, kind: .tabular, input: Tensor(x), baseline: nil, target: 1, output: output, background: background)
    }

    func testOnALinearModelEveryMethodGivesWeightTimesInput() throws {
        let w: [Float] = [2, -1, 0.5, 3], x: [Float] = [1, 2, -2, 0.5]
        let s = try subject(try linearModel(w), x)
        let expected = zip(w, x).map { Double($0 * $1) }
        assertClose(try GradientMethods.inputXGradient(s).scores, expected, 1e-6, "input × gradient")
        for rule in IntegrationRule.allCases where rule != .riemannTrapezoid {
            assertClose(try GradientMethods.integratedGradients(s, steps: 20, rule: rule).scores, expected, 1e-5, "IG \(rule.rawValue)")
        }
        assertClose(try Occlusion.explain(s).scores, expected, 1e-6, "ablation")
        assertClose(try Shapley.exact(s).scores, expected, 1e-6, "exact Shapley")
        assertClose(try Shapley.kernel(s).scores, expected, 1e-5, "KernelSHAP")
        assertClose(try Shapley.permutation(s, permutations: 3).scores, expected, 1e-5, "permutation SHAP")
        assertClose(try GradientMethods.saliency(s).scores, w.map { Double(abs($0)) }, 1e-6, "saliency = |w|")
    }

    func testIntegratedGradientsAreCompleteOnANonlinearModel() throws {
        let net = try Sequential([Linear(5, 8), Activation("tanh"), Linear(8, 3)])
        let s = try Explainee(model: Model(net), kind: .tabular, input: Tensor([0.3, -1.2, 0.8, 2.0, -0.4]), baseline: nil, target: 2, output: .logit)
        let e = try GradientMethods.integratedGradients(s, steps: 64)
        XCTAssertLessThan(abs(e.check("convergence delta") ?? 1), 1e-4, "Σ IG = f(x) − f(baseline)")
        let sh = try Shapley.exact(s)
        XCTAssertLessThan(abs(sh.check("efficiency gap") ?? 1), 1e-9)
    }

    func testSeededExplainersAreBitIdenticalTwice() throws {
        let net = try Sequential([Linear(6, 8), Activation("relu"), Linear(8, 2)])
        let m = Model(net)
        let bg = try Tensor.randn([10, 6], using: &GlobalRNG.g)
        let x = Tensor([0.5, -0.2, 1.0, 0.0, 0.7, -1.3])
        func run(_ method: String) throws -> [Double] {
            var r = ExplainRequest(method: method)
            r.background = bg
            r.samples = method == "smoothgrad" ? 8 : 300
            r.seed = 7
            return try Explainer.explain(Explainer.subject(m, .row(x), r), r).scores
        }
        for method in ["smoothgrad", "lime", "kernel_shap", "permutation_shap"] {
            let a = try run(method), b = try run(method)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "\(method) twice with seed 7")
        }
        var r1 = ExplainRequest(method: "kernel_shap"); r1.background = bg; r1.samples = 20; r1.seed = 1
        var r2 = r1; r2.seed = 2
        XCTAssertNotEqual(try Explainer.explain(Explainer.subject(m, .row(x), r1), r1).scores,
                          try Explainer.explain(Explainer.subject(m, .row(x), r2), r2).scores, "different seeds sample differently (20 of 62 coalitions)")
    }

    func testUnitsThatNeverDifferFromTheBackgroundGetZero() throws {
        let s = try subject(try linearModel([1, 2, 3]), [1, 0, 2], background: Tensor(shape: [2, 3], floats: [0, 0, 0, 1, 0, 1]))
        let e = try Shapley.kernel(s)
        XCTAssertEqual(e.scores[1], 0, "feature 1 equals every background row")
        XCTAssertEqual(e.scores.reduce(0, +), s.prediction - (e.baseValue ?? 0), accuracy: 1e-9)
    }

    func testDeletionOfTheRightOrderFallsFasterThanTheReverse() throws {
        let w: [Float] = [4, 2, 1, 0.5, 0.25], x: [Float] = [1, 1, 1, 1, 1]
        let s = try subject(try linearModel(w, bias: 0), x)
        let good = try GradientMethods.inputXGradient(s)
        var bad = good
        bad.scores = good.scores.map { -$0 }
        let dGood = try ExplanationMetrics.curve(good, insertion: false), dBad = try ExplanationMetrics.curve(bad, insertion: false)
        XCTAssertEqual(dGood.scores.first!, 7.75, accuracy: 1e-6)
        XCTAssertEqual(dGood.scores.last!, 0, accuracy: 1e-6)
        XCTAssertLessThan(dGood.auc, dBad.auc)
        let iGood = try ExplanationMetrics.curve(good, insertion: true)
        XCTAssertGreaterThan(iGood.auc, try ExplanationMetrics.curve(bad, insertion: true).auc)
        // f = 7.75; without the top unit (w 4): 3.75, so comprehensiveness at 20% (1 unit) is 4.
        let f = try ExplanationMetrics.faithfulness(good, fractions: [0.2, 1])
        XCTAssertEqual(f.comprehensiveness[0], 4, accuracy: 1e-6)
        XCTAssertEqual(f.sufficiency[0], 3.75, accuracy: 1e-6)
        XCTAssertEqual(f.comprehensiveness[1], 7.75, accuracy: 1e-6)
        XCTAssertEqual(f.sufficiency[1], 0, accuracy: 1e-6)
    }

    func testCompareGivesRankCorrelationAndTopKOverlap() throws {
        let s = try subject(try linearModel([1, 2, 3, 4]), [1, 1, 1, 1])
        let a = Explanation(method: "a", settings: [], subject: s, scores: [1, 2, 3, 4])
        let b = Explanation(method: "b", settings: [], subject: s, scores: [4, 3, 2, 1])
        let same = try ExplanationMetrics.compare(a, a, k: 2)
        XCTAssertEqual(same.spearman, 1, accuracy: 1e-12)
        XCTAssertEqual(same.topK, 1)
        let reversed = try ExplanationMetrics.compare(a, b, k: 2)
        XCTAssertEqual(reversed.spearman, -1, accuracy: 1e-12)
        XCTAssertEqual(reversed.topK, 0)
        XCTAssertEqual(averageRanks([10, 20, 20, 5]), [2, 3.5, 3.5, 1], "ties share their mean rank")
    }

    func testRandomisationCheckDecorrelatesAndRestoresTheModel() throws {
        Random.seed(11)
        let net = try Sequential([Linear(8, 16), Activation("tanh"), Linear(16, 16), Activation("tanh"), Linear(16, 2)])
        let m = Model(net)
        let before = net.stateDict().map { $0.1.floats }
        var r = ExplainRequest(method: "integrated_gradients")
        r.target = 1
        // Inputs of equal magnitude, so |attribution| ranks come from the model, not from |x|
        // (input-weighted methods keep the input's ranking, as Adebayo et al. found).
        let x = Tensor([1, -1, 1, -1, 1, -1, 1, -1])
        let result = try ExplanationMetrics.randomization(m, input: .row(x), request: r, seed: 3)
        XCTAssertEqual(result.steps.map(\.layer), ["4 (Linear)", "2 (Linear)", "0 (Linear)"])
        XCTAssertLessThan(result.steps.last!.spearman, 0.9, "with every layer random the attribution no longer matches")
        XCTAssertEqual(net.stateDict().map { $0.1.floats }, before, "the model is restored")
    }

    func testSurrogateTreeRecoversAThresholdRule() throws {
        var g = RandomGenerator(seed: 5)
        let x = try Tensor.rand([200, 3], using: &g)
        let labels = (0..<200).map { x.floats[$0 * 3 + 1] > 0.6 ? 1 : 0 }
        let tree = try SurrogateTree(x: x, predictions: labels, featureNames: ["a", "b", "c"], classNames: ["no", "yes"], maxDepth: 2)
        XCTAssertEqual(tree.fidelity, 1)
        XCTAssertTrue(tree.rules.hasPrefix("if b ≤ 0.6") || tree.rules.hasPrefix("if b ≤ 0.5"), tree.rules)
        XCTAssertEqual(tree.importances[1], 1, accuracy: 1e-12)
    }

    func testLinearSurrogateFitsALinearFunctionExactly() throws {
        var g = RandomGenerator(seed: 9)
        let x = try Tensor.rand([50, 2], using: &g)
        let y: [Double] = (0..<50).map { i -> Double in
            let u = Double(x.floats[i * 2]), v = Double(x.floats[i * 2 + 1])
            return 3 * u - 2 * v + 1
        }
        let fit = try LinearSurrogate(x: x, scores: y, featureNames: ["u", "v"], alpha: 0)
        assertClose(fit.coefficients, [3, -2], 1e-6, "coefficients")
        XCTAssertEqual(fit.intercept, 1, accuracy: 1e-6)
        XCTAssertEqual(fit.r2, 1, accuracy: 1e-9)
    }

    func testAttentionRolloutOfIdentityAttentionIsIdentity() throws {
        // Two layers, two heads, each attending to itself: rollout stays the identity.
        let eye = try Tensor.eye(3)
        let maps = try Tensor.stack([Tensor.stack([eye, eye]), Tensor.stack([eye, eye])])
        XCTAssertEqual(try AttentionMaps.rolloutMatrix(maps).floats, eye.floats)
        // Uniform attention: (A + I) row-normalised, then the product mixes everything.
        let uniform = try Tensor.full([1, 1, 2, 2], 0.5)
        XCTAssertEqual(try AttentionMaps.rolloutMatrix(uniform).floats, [0.75, 0.25, 0.25, 0.75])
    }

    func testAttentionOfATransformerComesFromEveryLayerAndHead() throws {
        let enc = try TransformerClassifierStub(vocab: 20, dim: 8, heads: 2, layers: 2)
        let m = Model(enc, vocabulary: Vocabulary(tokens: ["<pad>", "<unk>", "good", "bad", "film"]))
        var r = ExplainRequest(method: "attention")
        r.target = 1
        let s = try Explainer.subject(m, .text("good film"), r)
        let e = try AttentionMaps.weights(s)
        XCTAssertEqual(e.raw?.shape, [2, 2, 2, 2])
        XCTAssertEqual(e.scores.reduce(0, +), 1, accuracy: 1e-5)
        let roll = try AttentionMaps.rollout(s)
        XCTAssertEqual(roll.raw?.shape, [2, 2])
        for row in 0..<2 { XCTAssertEqual(Double(roll.raw!.floats[row * 2] + roll.raw!.floats[row * 2 + 1]), 1, accuracy: 1e-5) }
    }

    func testALanguageModelIsExplainedAsTheClassifierOfItsNextToken() throws {
        let gpt = try TinyGPT(vocab: 6, dModel: 8, heads: 2, layers: 1, context: 4)
        let vocab = Vocabulary(tokens: ["<pad>", "<unk>", "a", "b", " ", "c"], tokenizer: .characters)
        let lm = Explainer.explainable(Model(gpt, vocabulary: vocab))
        let classifier = try XCTUnwrap(lm.module as? NextTokenModel)
        XCTAssertTrue(classifier.gpt === gpt)
        XCTAssertTrue(lm.vocabulary === vocab)
        // The context's last 4 characters are its units, and every character is a class.
        let e = try Explainer.explain(Explainer.subject(lm, .text("ab cab"), ExplainRequest(method: "saliency")),
                                      ExplainRequest(method: "saliency"))
        XCTAssertEqual(e.units, ["␣", "c", "a", "b"])
        let other = Model(try Sequential([Linear(3, 2)]))
        XCTAssertTrue(Explainer.explainable(other) === other, "any other model is explained as it is")
    }

    func testGaussLegendreNodesMatchNumpy() throws {
        // numpy.polynomial.legendre.leggauss(3): nodes ±√(3/5), 0; weights 5/9, 8/9, 5/9.
        let (x, w) = gaussLegendreNodes(3)
        assertClose(x, [-(0.6).squareRoot(), 0, (0.6).squareRoot()], 1e-14, "nodes")
        assertClose(w, [5.0 / 9, 8.0 / 9, 5.0 / 9], 1e-14, "weights")
    }

    func testBadRequestsAreClearErrors() throws {
        let m = try linearModel([1, 2])
        XCTAssertThrowsError(try ExplainRequest.canonical("shapely")) { XCTAssertTrue("\($0)".contains("unknown explanation method \"shapely\""), "\($0)") }
        XCTAssertThrowsError(try Explainer.subject(m, .text("hello"), ExplainRequest(method: "saliency"))) { XCTAssertTrue("\($0)".contains("vocabulary") || "\($0)".contains("text"), "\($0)") }
        XCTAssertThrowsError(try Explainee(model: m, kind: .tabular, input: Tensor([1, 2, 3]), baseline: nil, target: nil, output: .logit))
        XCTAssertThrowsError(try Explainee(model: m, kind: .tabular, input: Tensor([1, 2]), baseline: Tensor([1]), target: nil, output: .logit)) {
            XCTAssertTrue("\($0)".contains("baseline"), "\($0)")
        }
        XCTAssertThrowsError(try Explainee(model: m, kind: .tabular, input: Tensor([1, 2]), baseline: nil, target: 5, output: .logit)) {
            XCTAssertTrue("\($0)".contains("target class"), "\($0)")
        }
        let wide = try linearModel([Float](repeating: 1, count: 20))
        XCTAssertThrowsError(try Shapley.exact(try subject(wide, [Float](repeating: 1, count: 20)))) { XCTAssertTrue("\($0)".contains("at most 16"), "\($0)") }
        XCTAssertThrowsError(try GradientMethods.integratedGradients(try subject(m, [1, 1]), steps: 1, rule: .riemannTrapezoid))
    }

    func testExportsAreWellFormed() throws {
        let net = try SmallCNN()
        var r = ExplainRequest(method: "occlusion")
        r.target = 3
        var g = RandomGenerator(seed: 1)
        let e = try Explainer.explain(Explainer.subject(Model(net), .image(try Tensor.rand([1, 8, 8], using: &g)), r), r)
        let json = try JSONSerialization.jsonObject(with: Data(Export.json(e).utf8)) as? [String: Any]
        XCTAssertEqual(json?["method"] as? String, "occlusion")
        XCTAssertEqual((json?["units"] as? [Any])?.count, 64)
        let html = Export.html(e)
        let parser = XMLParser(data: Data(html.utf8))
        XCTAssertTrue(parser.parse(), "the HTML fragment is well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertEqual(html.components(separatedBy: "<rect").count - 1, 128, "the image and its map, 64 squares each")
    }

    func testColourFollowsTheTerminalAndNoColor() {
        XCTAssertEqual(ColorMode.detect(isTerminal: false, environment: ["COLORTERM": "truecolor"]), .none)
        XCTAssertEqual(ColorMode.detect(isTerminal: true, environment: ["COLORTERM": "truecolor"]), .truecolor)
        XCTAssertEqual(ColorMode.detect(isTerminal: true, environment: ["COLORTERM": "truecolor", "NO_COLOR": ""]), .none)
        XCTAssertEqual(ColorMode.detect(isTerminal: true, environment: ["TERM": "xterm-256color"]), .ansi256)
        XCTAssertEqual(Palette.escape((178, 24, 43), background: true, mode: .truecolor), "\u{1b}[48;2;178;24;43m")
        XCTAssertEqual(Palette.escape((178, 24, 43), background: false, mode: .none), "")
        XCTAssertEqual(Palette.hex(Palette.diverging(0)), "#f7f7f7")
    }
}

/// A small Transformer text classifier (embedding → encoder layers → mean pool → head),
/// enough to test attention extraction until the demo models define their own.
final class TransformerClassifierStub: Module, TextClassifier {
    let embedding: Embedding
    let layers: ModuleList<TransformerEncoderLayer>
    let head: Linear
    init(vocab: Int, dim: Int, heads: Int, layers n: Int) throws {
        embedding = try Embedding(vocab, dim, paddingIndex: 0)
        layers = ModuleList(try (0..<n).map { _ in try TransformerEncoderLayer(dModel: dim, heads: heads, feedforward: 16, dropout: 0) })
        head = try Linear(dim, 2)
        super.init()
        register("embedding", embedding)
        register("layers", layers)
        register("head", head)
    }
    func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
        var h = embedded
        for l in layers.items { h = try l.forward(h) }
        return try head.forward(h.mean(dim: 1))
    }
}

enum GlobalRNG { nonisolated(unsafe) static var g = RandomGenerator(seed: 42) }
