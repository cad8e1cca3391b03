import Foundation
import XCTest
import TestSupport
import Layers
import Tensors
import Training
@testable import Explain

/// Counterfactuals: Wachter et al.'s search on a linear model (flips, keeps immutable features and
/// bounds, spends its change on the cheapest feature in MAD units), the word search on a model where
/// one word decides, and the image search's smallest ε.
final class CounterfactualTests: XCTestCase {
    let F = 5

    /// A one-logit linear model with seeded weights.
    func linearModel(seed: UInt64) throws -> (Model, [Float]) {
        var g = RandomGenerator(seed: seed)
        let w = (0..<F).map { _ in 2 * g.uniform() - 1 }
        let fc = try Linear(F, 1)
        try fc.loadStateDict(["weight": Tensor(shape: [1, F], floats: w), "bias": Tensor([0.2])])
        return (Model(fc), w)
    }

    /// Rows whose features have different spreads, so that their MADs differ.
    func data(seed: UInt64) throws -> Tensor {
        var g = RandomGenerator(seed: seed)
        let rows = 41
        let spread = (0..<F).map { 0.5 + Float($0) * 0.6 }
        return try Tensor(shape: [rows, F], floats: (0..<rows * F).map { (2 * g.uniform() - 1) * spread[$0 % F] })
    }

    /// Median absolute deviation per column, written out here from its definition.
    func mad(_ d: Tensor) -> [Double] {
        func median(_ v: [Double]) -> Double {
            let s = v.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let R = d.shape[0]
        return (0..<F).map { i in
            let col = (0..<R).map { Double(d.floats[$0 * F + i]) }
            let m = median(col)
            return median(col.map { abs($0 - m) })
        }
    }

    func wide() -> CounterfactualSettings {
        var s = CounterfactualSettings()
        s.lower = [Double](repeating: -100, count: F)
        s.upper = [Double](repeating: 100, count: F)
        return s
    }

    func testTheMADIsTheMedianAbsoluteDeviation() throws {
        let d = try data(seed: 1)
        assertClose(Wachter.mad(d), mad(d), 1e-12, "MAD per feature")
    }

    func testOnALinearModelTheCounterfactualFlipsTheClassAndChangesTheCheapestFeatureMost() throws {
        let (m, w) = try linearModel(seed: 2)
        let d = try data(seed: 3)
        let x = Tensor([0.3, -0.2, 0.5, 0.1, -0.4])
        let r = try Wachter.search(m, row: x, data: d, wide())
        XCTAssertTrue(r.flipped, "the class flips")
        XCTAssertNotEqual(r.after.cls, r.before.cls)
        // Per MAD of change, feature i moves the logit by |wᵢ|·MADᵢ: the search spends its change there.
        let mads = mad(d)
        let cheapest = (0..<F).max { abs(Double(w[$0])) * mads[$0] < abs(Double(w[$1])) * mads[$1] }
        XCTAssertEqual(r.changed.first, cheapest, "the feature with the smallest MAD-scaled cost changes most")
        let sign = r.before.cls == 1 ? -1.0 : 1.0
        XCTAssertEqual((r.counterfactual[cheapest!] - r.original[cheapest!]).sign == .minus,
                       sign * Double(w[cheapest!]) < 0, "it moves toward the other class")
    }

    func testImmutableFeaturesKeepTheirValueAndBoundsHold() throws {
        let (m, w) = try linearModel(seed: 2)
        let d = try data(seed: 3)
        let mads = mad(d)
        let x = Tensor([0.3, -0.2, 0.5, 0.1, -0.4])
        let order = (0..<F).sorted { abs(Double(w[$0])) * mads[$0] > abs(Double(w[$1])) * mads[$1] }
        var s = wide()
        s.immutable = [order[0]]
        s.lower = (0..<F).map { Double(x.floats[$0]) - 3 * mads[$0] }
        s.upper = (0..<F).map { Double(x.floats[$0]) + 3 * mads[$0] }
        let r = try Wachter.search(m, row: x, data: d, s)
        XCTAssertEqual(r.counterfactual[order[0]], r.original[order[0]], "the immutable feature is unchanged")
        for i in 0..<F {
            XCTAssertGreaterThanOrEqual(r.counterfactual[i], s.lower![i] - 1e-9)
            XCTAssertLessThanOrEqual(r.counterfactual[i], s.upper![i] + 1e-9)
        }
        if r.flipped { XCTAssertNotEqual(r.changed.first, order[0]) }
    }

    func testEveryFeatureImmutableIsRefused() throws {
        let (m, _) = try linearModel(seed: 2)
        var s = CounterfactualSettings()
        s.immutable = Array(0..<F)
        assertThrows("found all 5 features immutable") {
            _ = try Wachter.search(m, row: Tensor([0, 0, 0, 0, 0]), data: try self.data(seed: 3), s)
        }
    }

    func testNoFlipWithinTightBoundsIsReportedNotThrown() throws {
        let (m, _) = try linearModel(seed: 2)
        var s = CounterfactualSettings()
        s.steps = 20
        let x = Tensor([0.3, -0.2, 0.5, 0.1, -0.4])
        s.lower = x.floats.map(Double.init)
        s.upper = x.floats.map(Double.init)
        let r = try Wachter.search(m, row: x, data: try data(seed: 3), s)
        XCTAssertFalse(r.flipped)
        XCTAssertNil(r.lambda)
    }

    // MARK: text

    /// A bag of words: the logit is the sum of each word's one-number embedding.
    final class WordSum: Module, TextClassifier {
        let embedding: Embedding
        init(weights: [Float]) throws {
            embedding = try Embedding(weights.count, 1, paddingIndex: 0)
            try embedding.weight.value.assign(at: Array(0..<weights.count), from: Tensor(weights))
            super.init()
            register(children: ("embedding", embedding))
        }
        func logits(embedded: Tensor, lengths: [Int]) throws -> Tensor { try embedded.sum(dim: 1).squeeze(1) }
    }

    func testTheWordThatDecidesIsTheOneEdited() throws {
        let words = ["the", "film", "was", "bad", "good", "plot", "fine", "dull"]
        var g = RandomGenerator(seed: 8)
        var weights: [Float] = [0, 0] + words.map { _ in 0.2 + 0.3 * g.uniform() }
        // One word outweighs the others of the sentence.
        let sentence = ["the", "film", "was", "bad"]
        let decisive = 3
        let others = sentence.indices.filter { $0 != decisive }.reduce(Float(0)) { $0 + weights[2 + $1] }
        weights[2 + decisive] = -(others + 1)
        let vocab = Vocabulary(tokens: ["<pad>", "<unk>"] + words)
        let m = Model(try WordSum(weights: weights), vocabulary: vocab)
        let r = try WordSearch.run(m, text: sentence.joined(separator: " "), maxEdits: 3)
        XCTAssertTrue(r.flipped)
        XCTAssertEqual(r.edits.count, 1, "one edit suffices")
        XCTAssertEqual(r.edits.first?.position, decisive)
        XCTAssertEqual(r.edits.first?.old, sentence[decisive])
        XCTAssertEqual(r.before.cls, 0)
        XCTAssertEqual(r.after.cls, 1)
    }

    // MARK: images

    func testTheImageCounterfactualReachesTheTargetWithinItsEps() throws {
        var g = RandomGenerator(seed: 4)
        let a = try Linear(16, 3)
        try a.loadStateDict(["weight": Tensor.randn([3, 16], using: &g), "bias": Tensor.zeros([3])])
        let m = Model(Sequential([Flatten(), a]))
        let x = try Tensor.rand([1, 4, 4], using: &g)
        let before = try Classifier.predict(m, x)
        let target = (before.cls + 1) % 3
        let r = try SmallestEpsilon.search(m, image: x, target: target, maxEps: 1, steps: 10, bounds: 0...1, seed: 0)
        XCTAssertEqual(r.example.after.cls, target)
        let eps = try XCTUnwrap(r.eps)
        XCTAssertLessThanOrEqual(r.example.linf, eps + 1e-6)
        // Every smaller ε tried failed.
        for t in r.tried where t.eps < eps { XCTAssertFalse(t.reached) }
    }
}
