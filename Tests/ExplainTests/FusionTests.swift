import Foundation
import XCTest
import Layers
import Tensors
@testable import Training
@testable import Explain

/// Views of examples, feature- and decision-level fusion, and Shapley values over views.
final class FusionTests: XCTestCase {
    func views() -> [FeatureView] { [FeatureView("a", 0..<3), FeatureView("b", 3..<5)] }

    func testFeatureFusionConcatenatesEachViewsFeaturesForOneHead() throws {
        Random.seed(1)
        let ea = try Linear(3, 4), eb = try Linear(2, 2), head = try Linear(6, 1)
        let net = try FeatureFusion(views: views(), encoders: [ea, eb], head: head)
        let x = try Tensor.randn([7, 5])
        let manual = try head.forward(Tensor.cat([ea.forward(x.slice(dim: 1, start: 0, end: 3)), eb.forward(x.slice(dim: 1, start: 3, end: 5))], dim: 1))
        XCTAssertEqual(try net.forward(x).floats, manual.floats)
        XCTAssertEqual(net.namedParameters().map(\.0), ["encoders.0.weight", "encoders.0.bias", "encoders.1.weight", "encoders.1.bias", "head.weight", "head.bias"])
        XCTAssertThrowsError(try FeatureFusion(views: views(), encoders: [ea], head: head)) { XCTAssert("\($0)".contains("one model per view")) }
        XCTAssertThrowsError(try net.forward(Tensor.zeros([2, 4]))) { XCTAssert("\($0)".contains("view 'b'")) }
    }

    func testDecisionFusionWeighsEachViewsLogits() throws {
        Random.seed(2)
        let ma = try Linear(3, 1), mb = try Linear(2, 1)
        let x = try Tensor.randn([6, 5])
        let la = try ma.forward(x.slice(dim: 1, start: 0, end: 3)).floats, lb = try mb.forward(x.slice(dim: 1, start: 3, end: 5)).floats
        let fixed = try DecisionFusion(views: views(), models: [ma, mb], weights: [0.25, 2])
        for (i, y) in try fixed.forward(x).floats.enumerated() { XCTAssertEqual(y, 0.25 * la[i] + 2 * lb[i], accuracy: 1e-6) }
        XCTAssertFalse(fixed.learned)
        XCTAssertEqual(fixed.parameters.filter { !$0.frozen }.count, 4, "fixed weights: only the view models could train")

        let learned = try DecisionFusion(views: views(), models: [ma, mb])
        XCTAssertTrue(learned.learned)
        XCTAssertEqual(learned.parameters.filter { !$0.frozen }.map(\.value.shape), [[2], [1]], "learned: only the weights and the bias train")
        // Training it changes the weights and leaves the view models as they were.
        let before = ma.weight.value.floats + mb.weight.value.floats
        let y = try Tensor(shape: [6], ints: [1, 0, 1, 1, 0, 0])
        let data = try Dataset(name: "t", inputs: .features(x), labels: y, views: views())
        _ = try fit(Model(learned), data, epochs: 5, batchSize: 3, optimizer: Adam(learned.parameters, lr: 0.1))
        XCTAssertEqual(ma.weight.value.floats + mb.weight.value.floats, before)
        XCTAssertNotEqual(learned.weights.value.floats, [0.5, 0.5])
    }

    func testJoinedViewsKeepTheirColumnsAndRefuseOtherExamples() throws {
        let y = try Tensor(shape: [3], ints: [0, 1, 0])
        let a = try Dataset(name: "a", inputs: .features(Tensor(shape: [3, 2], floats: [1, 2, 3, 4, 5, 6])), labels: y, featureNames: ["p", "q"])
        let b = try Dataset(name: "b", inputs: .features(Tensor(shape: [3, 1], floats: [7, 8, 9])), labels: y, featureNames: ["r"])
        let j = try Dataset.joining([("left", a), ("right", b)])
        XCTAssertEqual(j.views, [FeatureView("left", 0..<2), FeatureView("right", 2..<3)])
        XCTAssertEqual(j.featureNames, ["left.p", "left.q", "right.r"])
        XCTAssertEqual(j.features?.floats, [1, 2, 7, 3, 4, 8, 5, 6, 9])
        let back = try j.view("left")
        XCTAssertEqual(back.features?.floats, a.features?.floats)
        XCTAssertEqual(back.featureNames, ["p", "q"])
        XCTAssertEqual(try j.subset([2, 0]).views, j.views, "views survive subsets")
        XCTAssertEqual(try j.standardized().views, j.views, "and standardisation")
        XCTAssertThrowsError(try j.view("middle")) { XCTAssert("\($0)".contains("left, right")) }
        let other = try Dataset(name: "c", inputs: .features(Tensor.zeros([3, 1])), labels: Tensor(shape: [3], ints: [1, 1, 0]))
        XCTAssertThrowsError(try Dataset.joining([("left", a), ("other", other)])) { XCTAssert("\($0)".contains("same examples")) }
    }

    /// For an additive model each view's Shapley value is its own term's change; for any
    /// model the values of a row add up to f(x) − f(means).
    func testModalityShapleyValuesAreExactAndEfficient() throws {
        Random.seed(3)
        let ma = try Linear(3, 1), mb = try Linear(2, 1)
        let additive = try DecisionFusion(views: views(), models: [ma, mb], weights: [1, 1])
        let x = try Tensor.randn([4, 5]), background = try Tensor.randn([20, 5])
        let mean = try background.mean(dim: 0).unsqueeze(0)
        let r = try ModalityAttribution.attribute(Model(additive), x: x, background: background, views: views())
        let ta = try ma.forward(x.slice(dim: 1, start: 0, end: 3)).sub(ma.forward(mean.slice(dim: 1, start: 0, end: 3))).floats
        let tb = try mb.forward(x.slice(dim: 1, start: 3, end: 5)).sub(mb.forward(mean.slice(dim: 1, start: 3, end: 5))).floats
        for i in 0..<4 {
            XCTAssertEqual(r.values[i][0], Double(ta[i]), accuracy: 1e-5)
            XCTAssertEqual(r.values[i][1], Double(tb[i]), accuracy: 1e-5)
        }
        // A nonlinear fusion of three views: efficiency holds row by row.
        let three = [FeatureView("a", 0..<2), FeatureView("b", 2..<4), FeatureView("c", 4..<5)]
        let net = try FeatureFusion(views: three, encoders: [Sequential([Linear(2, 4), Activation("tanh")]), Sequential([Linear(2, 4), Activation("relu")]), Linear(1, 2)],
                                    head: Sequential([Linear(10, 6), Activation("relu"), Linear(6, 3)]))
        let r3 = try ModalityAttribution.attribute(Model(net), x: x, background: background, views: three)
        XCTAssertLessThan(r3.efficiencyGap, 1e-5)
        XCTAssertEqual(r3.target, "predicted class logit")
        XCTAssertEqual(r3.values.count, 4)
        // A view the model ignores gets exactly zero.
        let ignoring = try DecisionFusion(views: views(), models: [ma, mb], weights: [1, 0])
        let r0 = try ModalityAttribution.attribute(Model(ignoring), x: x, background: background, views: views())
        for row in r0.values { XCTAssertEqual(row[1], 0, accuracy: 1e-7) }
    }

    func testLexiconFeaturesFollowVadersNegationAndCompound() throws {
        let texts = ["good", "not good", "good but bad!!", "zzz qqq"]
        let d = try Dataset(name: "t", inputs: .text(texts), labels: Tensor(shape: [4], ints: [1, 0, 0, 0]))
        let lex = TextFeatures.Lexicon(valence: ["good": 1.9, "bad": -2.5])
        let f = try TextFeatures.lexiconFeatures(d, lexicon: lex).features!.floats
        let F = TextFeatures.lexiconFeatureNames.count
        func row(_ r: Int, _ name: String) -> Float { f[r * F + TextFeatures.lexiconFeatureNames.firstIndex(of: name)!] }
        XCTAssertEqual(row(0, "compound"), Float(1.9 / (1.9 * 1.9 + 15).squareRoot()), accuracy: 1e-6)
        XCTAssertEqual(row(0, "positive"), 1.9, accuracy: 1e-6)
        XCTAssertEqual(row(1, "negative"), Float(1.9 * 0.74), accuracy: 1e-6, "a negated positive word counts −0.74 times")
        XCTAssertEqual(row(1, "negations"), 1)
        XCTAssertEqual(row(2, "exclamations"), 2)
        XCTAssertEqual(row(2, "but"), 1)
        XCTAssertEqual(row(2, "strongest"), 1.9, accuracy: 1e-6)
        XCTAssertEqual(row(2, "weakest"), -2.5, accuracy: 1e-6)
        XCTAssertEqual(row(3, "rated_share"), 0)
        XCTAssertEqual(try TextFeatures.Lexicon.vader().valence["good"] ?? 0, 1.9, accuracy: 1e-9, "the bundled VADER lexicon")
    }

    func testBagOfWordsMarksPresence() throws {
        let d = try Dataset(name: "t", inputs: .text(["a b a", "c"]), labels: Tensor(shape: [2], ints: [0, 1]))
        let v = Vocabulary(tokens: ["<pad>", "<unk>", "a", "b"])
        let bow = try TextFeatures.bagOfWords(d, vocabulary: v)
        XCTAssertEqual(bow.features?.floats, [1, 1, 0, 0])
        XCTAssertEqual(bow.featureNames, ["a", "b"])
    }
}
