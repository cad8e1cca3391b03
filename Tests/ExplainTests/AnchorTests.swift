import Foundation
import XCTest
import TestSupport
import Layers
import Tensors
import Training
@testable import Explain

/// Anchors on a model whose decision rule is known: class 1 exactly when feature x1 > 0.5.
final class AnchorTests: XCTestCase {
    /// Two logits whose difference is 10·x1 − 5: the other features never matter.
    func thresholdModel() throws -> Model {
        let fc = try Linear(3, 2)
        try fc.loadStateDict(["weight": Tensor(shape: [2, 3], floats: [0, 0, 0, 0, 10, 0]),
                              "bias": Tensor([0, -5])])
        return Model(fc)
    }

    /// Uniform training rows in [0, 1)³.
    func rows(_ n: Int, seed: UInt64) throws -> Tensor {
        var g = RandomGenerator(seed: seed)
        return try Tensor(shape: [n, 3], floats: (0..<(n * 3)).map { _ in g.uniform() })
    }

    /// numpy's percentile with linear interpolation, recomputed here.
    func percentile(_ values: [Double], _ q: Double) -> Double {
        let v = values.sorted(), pos = q * Double(v.count - 1)
        let lo = Int(pos), hi = min(lo + 1, v.count - 1)
        return v[lo] + (v[hi] - v[lo]) * (pos - Double(lo))
    }

    func testTheAnchorNamesTheOnlyFeatureTheModelReads() throws {
        let data = try rows(400, seed: 1)
        let x = Tensor([Float(0.3), 0.9, 0.6])
        var settings = AnchorSettings()
        settings.threshold = 0.95
        let a = try Anchors.tabular(model: thresholdModel(), row: x, data: data, names: ["a", "b", "c"],
                                    classNames: ["low", "high"], settings: settings, seed: 0)
        XCTAssertEqual(a.target, 1)
        XCTAssertTrue(a.success)
        XCTAssertFalse(a.conditions.isEmpty)
        XCTAssertTrue(a.conditions.allSatisfy { $0.hasPrefix("b > ") }, a.rule)
        XCTAssertGreaterThanOrEqual(a.precision, settings.threshold)
        XCTAssertTrue(a.rule.hasSuffix("THEN high"), a.rule)
        // b = 0.9 lies in the top quartile: the rule is b > q3, and its coverage is the share
        // of training rows above q3.
        let column = (0..<400).map { Double(data.floats[$0 * 3 + 1]) }
        let q3 = percentile(column, 0.75)
        XCTAssertEqual(a.conditions, ["b > " + fmtNumber(q3)])
        XCTAssertEqual(a.coverage, Double(column.filter { $0 > q3 }.count) / 400, accuracy: 1e-12)
    }

    func testTheSameSeedGivesTheSameRule() throws {
        let data = try rows(300, seed: 2)
        let x = Tensor([Float(0.7), 0.1, 0.2])
        let settings = AnchorSettings()
        let a = try Anchors.tabular(model: thresholdModel(), row: x, data: data, settings: settings, seed: 4)
        let b = try Anchors.tabular(model: thresholdModel(), row: x, data: data, settings: settings, seed: 4)
        XCTAssertEqual(a.rule, b.rule)
        XCTAssertEqual(a.precision, b.precision)
        XCTAssertEqual(a.samples, b.samples)
        XCTAssertEqual(a.target, 0)
        XCTAssertTrue(a.conditions.allSatisfy { $0.hasPrefix("x1 ≤ ") }, a.rule)
        XCTAssertGreaterThanOrEqual(a.precision, settings.threshold)
    }

    func testWithThresholdOneTheRuleOnTheDecidingFeatureIsAlwaysRight() throws {
        let data = try rows(300, seed: 3)
        var settings = AnchorSettings()
        settings.threshold = 1
        let a = try Anchors.tabular(model: thresholdModel(), row: Tensor([Float(0.5), 0.95, 0.5]), data: data,
                                    settings: settings, seed: 0)
        XCTAssertEqual(a.steps.count, a.conditions.count)
        XCTAssertEqual(a.steps.last?.precision, a.precision)
        XCTAssertEqual(a.precision, 1, "while b > q3 > 0.5, the model always says class 1")
    }

    func testThresholdsOutsideZeroToOneAreErrors() throws {
        let data = try rows(20, seed: 0)
        for t in [0.0, -0.5, 1.5, .nan] {
            var s = AnchorSettings()
            s.threshold = t
            assertThrows("precision threshold must be in (0, 1]") {
                try Anchors.tabular(model: self.thresholdModel(), row: Tensor([Float(0), 1, 0]), data: data,
                                    settings: s, seed: 0)
            }
        }
        assertThrows("training rows [rows, 3]") {
            try Anchors.tabular(model: self.thresholdModel(), row: Tensor([Float(0), 1, 0]),
                                data: Tensor.zeros([4, 2]), settings: AnchorSettings(), seed: 0)
        }
    }

    /// The bounds are where the KL divergence from the mean reaches the level.
    func testKLBoundsMeetTheirDefinition() {
        for p in [0.1, 0.5, 0.8, 0.97] {
            for level in [0.01, 0.1, 0.5] {
                let up = KLBounds.upper(p, level: level, iterations: 40)
                let low = KLBounds.lower(p, level: level, iterations: 40)
                XCTAssertLessThanOrEqual(low, p)
                XCTAssertGreaterThanOrEqual(up, p)
                if up < 1 { XCTAssertEqual(KLBounds.divergence(p, up), level, accuracy: 1e-6) }
                if low > 0 { XCTAssertEqual(KLBounds.divergence(p, low), level, accuracy: 1e-6) }
            }
        }
    }

    /// A text model that says class 1 exactly when the word "good" is present.
    final class KeywordModel: Module, TextClassifier {
        let embedding: Embedding
        init(vocab: Vocabulary) throws {
            embedding = try Embedding(vocab.count, 1, paddingIndex: 0)
            super.init()
            register(children: ("embedding", embedding))
            let w = vocab.tokens.map { Float($0 == "good" ? 1 : 0) }
            try embedding.loadStateDict(["weight": Tensor(shape: [vocab.count, 1], floats: w)])
        }
        func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor {
            try embedded.sum(dim: 1).mul(Tensor([Float(10)])).sub(Tensor([Float(5)]))
        }
    }

    func keywordModel() throws -> Model {
        let vocab = Vocabulary(texts: ["the food was good", "the service was slow and the room cold"])
        return Model(try KeywordModel(vocab: vocab), vocabulary: vocab)
    }

    func testATextAnchorKeepsTheWordTheModelReads() throws {
        for drop in [false, true] {
            let a = try Anchors.text(model: keywordModel(), text: "the food was good and the service slow",
                                     classNames: ["other", "praise"], dropWords: drop, settings: AnchorSettings(),
                                     seed: 1)
            XCTAssertEqual(a.conditions, ["\"good\""], "drop words: \(drop)")
            XCTAssertEqual(a.precision, 1)
            XCTAssertEqual(a.coverage, 0.5, "each other word is removed with probability 0.5")
            XCTAssertEqual(a.rule, "IF the text keeps \"good\" THEN praise")
        }
    }

    func testATextWithoutTheKeywordIsAnchoredByNothing() throws {
        let a = try Anchors.text(model: keywordModel(), text: "the service was slow", settings: AnchorSettings(),
                                 seed: 0)
        XCTAssertEqual(a.target, 0)
        XCTAssertTrue(a.conditions.isEmpty, "removing words never adds \"good\": the empty rule holds")
        XCTAssertEqual(a.precision, 1)
        XCTAssertEqual(a.coverage, 1)
    }
}
