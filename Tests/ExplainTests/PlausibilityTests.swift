import Foundation
import XCTest
import TestSupport
import Tensors
@testable import Explain

/// ERASER's plausibility measures computed by their definitions, human rationales in their
/// three forms, and the VADER lexicon's rationales.
final class PlausibilityTests: XCTestCase {
    let units = ["The", "food", "was", "not", "good", "at", "all", "."]

    func aligned(_ gold: [Bool]) -> AlignedRationale {
        AlignedRationale(gold: gold, relevance: gold.map { $0 ? 1 : 0 }, graded: false)
    }

    /// Random scores with many ties, and a rationale with at least one word in and one out.
    func randomCase(_ g: inout RandomGenerator) -> (scores: [Double], gold: [Bool]) {
        let n = 2 + Int(g.below(10))
        var gold = (0..<n).map { _ in g.below(3) == 0 }
        gold[Int(g.below(UInt64(n)))] = true
        return ((0..<n).map { _ in Double(g.below(4)) - 1.5 }, gold)
    }

    func testTokenF1IsTheF1OfTheTopKWordsByMagnitude() throws {
        let scores = [0.1, -0.2, 0.05, -3, 2, 0.01, 0.3, 0]
        let gold = units.map { ["not", "good"].contains($0) }
        for k in 1...units.count {
            let p = try Plausibility(method: "m", units: units, scores: scores, aligned: aligned(gold), k: k)
            let top = Set(scores.indices.sorted { abs(scores[$0]) > abs(scores[$1]) }.prefix(k))
            let hits = Double(top.filter { gold[$0] }.count)
            let precision = hits / Double(k), recall = hits / 2
            let f1 = hits == 0 ? 0 : 2 * precision * recall / (precision + recall)
            XCTAssertEqual(p.tokenF1, f1, accuracy: 1e-12, "k \(k)")
            XCTAssertEqual(p.tokenPrecision, precision, accuracy: 1e-12)
        }
        let byDefault = try Plausibility(method: "m", units: units, scores: scores, aligned: aligned(gold))
        XCTAssertEqual(byDefault.k, 2, "k defaults to the rationale's size")
        XCTAssertEqual(byDefault.topWords, ["not", "good"])
        XCTAssertEqual(byDefault.tokenF1, 1)
    }

    /// Spans as maximal runs, matched by intersection over union ≥ 0.5, recomputed here from sets.
    func testIOUF1CountsPredictedSpansThatOverlapARationaleSpanByHalf() {
        var g = RandomGenerator(seed: 11)
        for _ in 0..<300 {
            let n = 1 + Int(g.below(12))
            let pred = (0..<n).map { _ in g.below(2) == 0 }, gold = (0..<n).map { _ in g.below(2) == 0 }
            func runs(_ m: [Bool]) -> [Set<Int>] {
                var out: [Set<Int>] = [], cur = Set<Int>()
                for i in 0...n {
                    if i < n, m[i] { cur.insert(i) } else if !cur.isEmpty { out.append(cur); cur = [] }
                }
                return out
            }
            let ps = runs(pred), gs = runs(gold)
            func iou(_ a: Set<Int>, _ b: Set<Int>) -> Double {
                Double(a.intersection(b).count) / Double(a.union(b).count)
            }
            let hits = ps.filter { p in gs.contains { iou(p, $0) >= 0.5 } }
            let precision = ps.isEmpty ? 0 : Double(hits.count) / Double(ps.count)
            let recall = gs.isEmpty ? 0 : Double(hits.count) / Double(gs.count)
            let f1 = precision == 0 || recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            let got = RationaleScores.iouPRF(predicted: pred, gold: gold)
            XCTAssertEqual(got.f1, f1, accuracy: 1e-12, "\(pred) \(gold)")
            XCTAssertEqual(got.p, precision, accuracy: 1e-12)
            XCTAssertEqual(got.r, recall, accuracy: 1e-12)
        }
    }

    /// scikit-learn's average precision with ties equals the mean, over the rationale's words,
    /// of the precision among all words scored at least as high: an independent computation.
    func testAUPRCIsAveragePrecisionWithTiesAsScikitLearnComputesIt() throws {
        var g = RandomGenerator(seed: 5)
        for _ in 0..<300 {
            let (scores, gold) = randomCase(&g)
            let positives = gold.indices.filter { gold[$0] }
            let independent = positives.map { i -> Double in
                let above = scores.indices.filter { scores[$0] >= scores[i] }
                return Double(above.filter { gold[$0] }.count) / Double(above.count)
            }.reduce(0, +) / Double(positives.count)
            XCTAssertEqual(RationaleScores.averagePrecision(scores, labels: gold), independent, accuracy: 1e-12)
            // The plausibility ranks by |score|.
            let p = try Plausibility(method: "m", units: scores.map { _ in "w" }, scores: scores,
                                     aligned: aligned(gold))
            XCTAssertEqual(p.auprc, RationaleScores.averagePrecision(scores.map(abs), labels: gold), accuracy: 1e-12)
        }
        // Closed forms: all scores tied gives the rationale's share; a perfect ranking gives 1.
        let gold = [true, false, false, true, false]
        XCTAssertEqual(RationaleScores.averagePrecision([1, 1, 1, 1, 1], labels: gold), 0.4, accuracy: 1e-12)
        XCTAssertEqual(RationaleScores.averagePrecision([5, 1, 2, 4, 0], labels: gold), 1, accuracy: 1e-12)
        XCTAssertTrue(RationaleScores.averagePrecision([1, 2], labels: [false, false]).isNaN)
    }

    func testRatingCorrelationIsSpearmanOfMagnitudesAgainstRatings() throws {
        let scores = [0.5, -2, 0.1, 1.5, 0.1]
        let relevance = [0, 2.5, 0, 1.9, 1.0]
        let a = AlignedRationale(gold: relevance.map { $0 >= 1 }, relevance: relevance, graded: true)
        let p = try Plausibility(method: "m", units: scores.map { _ in "w" }, scores: scores, aligned: a)
        func ranks(_ v: [Double]) -> [Double] {
            v.map { x in Double(v.filter { $0 < x }.count) + Double(v.filter { $0 == x }.count + 1) / 2 }
        }
        let (ra, rb) = (ranks(scores.map(abs)), ranks(relevance))
        let ma = ra.reduce(0, +) / 5, mb = rb.reduce(0, +) / 5
        let cov = zip(ra, rb).map { ($0 - ma) * ($1 - mb) }.reduce(0, +)
        let rho = cov / (ra.map { ($0 - ma) * ($0 - ma) }.reduce(0, +) * rb.map { ($0 - mb) * ($0 - mb) }.reduce(0, +))
            .squareRoot()
        XCTAssertEqual(p.ratingCorrelation ?? .nan, rho, accuracy: 1e-12)
    }

    func testMarkedTextWordListsAndAnnotationsGiveTheSameRationale() throws {
        let marked = try Rationale.marked("The food was *not good* at all.")
        XCTAssertEqual(marked.words, ["The", "food", "was", "not", "good", "at", "all"])
        XCTAssertEqual(marked.rationaleWords, ["not", "good"])
        XCTAssertEqual(marked.text, "The food was not good at all.")
        let annotated = try Rationale.annotated("The food was not good at all.", words: ["NOT", "good"])
        XCTAssertEqual(annotated.marked, marked.marked)
        let byPosition = try Rationale.annotated("The food was not good at all.", positions: [3, 4])
        XCTAssertEqual(byPosition.marked, marked.marked)
        let expected = units.map { ["not", "good"].contains($0) }
        for r in [marked, annotated, try Rationale.words(["not", "good"])] {
            XCTAssertEqual(try AlignedRationale.align(r, units: units).gold, expected, r.source)
        }
    }

    func testRationalesLineUpWithWordPiecesAndSplitApostrophes() throws {
        let r = try Rationale.marked("I *don't* like the *café*")
        let pieces = ["I", "don", "'", "t", "like", "the", "ca", "##fé"]
        XCTAssertEqual(try AlignedRationale.align(r, units: pieces).gold,
                       [false, true, true, true, false, false, true, true])
        XCTAssertEqual(try AlignedRationale.align(try Rationale.words(["don't"]), units: pieces).gold,
                       [false, true, true, true, false, false, false, false])
        // An explanation that stops early (a model that cuts long texts) still lines up.
        XCTAssertEqual(try AlignedRationale.align(r, units: ["I", "don't"]).gold, [false, true])
    }

    func testWrongRationalesAreClearErrors() {
        assertThrows("the rationale word \"bad\" is not in the explained text; its words are: The, food") {
            try AlignedRationale.align(try Rationale.words(["bad"]), units: self.units)
        }
        assertThrows("is not the explained text") {
            try AlignedRationale.align(try Rationale.marked("The *drink* was fine"), units: self.units)
        }
        assertThrows("unmatched *") { try Rationale.marked("The *food was good") }
        assertThrows("marks no word") { try Rationale.marked("The food was good") }
        assertThrows("the word \"tasty\" is not in the text; its words are: The, food, was, good") {
            try Rationale.annotated("The food was good", words: ["tasty"])
        }
        assertThrows("k must be between 1 and the 8 units, found 9") {
            try Plausibility(method: "m", units: self.units, scores: self.units.map { _ in 1 },
                             aligned: self.aligned(self.units.map { $0 == "not" }), k: 9)
        }
    }

    /// The rationale marks exactly the words whose mean rating in the file reaches the
    /// threshold; for tokens listed twice, the later row's rating counts.
    func testVaderRationaleMarksTheWordsPeopleRatedStrongly() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("data/vader_lexicon.tsv"), encoding: .utf8)
        var file: [String: (Double, Double)] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            file[String(f[0])] = (Double(f[1]) ?? .nan, Double(f[2]) ?? .nan)
        }
        let lexicon = try VaderLexicon.load()
        XCTAssertEqual(lexicon.entries.count, file.count)
        XCTAssertEqual(lexicon.entry("lol")?.mean, file["lol"]?.0)
        let sentence = "LOL the food was not good, but the service was great and the staff friendly"
        for threshold in [0.5, 1.0, 2.0] {
            let r = try lexicon.rationale(sentence, threshold: threshold)
            XCTAssertEqual(r.words, Rationale.words(ofText: sentence))
            for (i, w) in r.words.enumerated() {
                let rated = file[w.lowercased()]
                XCTAssertEqual(r.marked[i], rated.map { abs($0.0) >= threshold } ?? false, w)
                XCTAssertEqual(r.ratings[i], rated?.0, w)
                XCTAssertEqual(r.spreads[i], rated?.1, w)
            }
        }
    }

    func testRationalesSurviveAJSONLine() throws {
        var r = try VaderLexicon.load().rationale("Great phone, terrible battery")
        let back = try Rationale.fromJSON(r.jsonLine)
        XCTAssertEqual(back, r)
        r = try Rationale.words(["not", "good"])
        XCTAssertEqual(try Rationale.fromJSON(r.jsonLine), r)
        assertThrows("needs \"words\"") { try Rationale.fromJSON("{\"text\": \"a b\"}") }
        assertThrows("rationale position 5 is outside the 2 words") {
            try Rationale.fromJSON("{\"text\": \"a b\", \"words\": [\"a\", \"b\"], \"rationale\": [5]}")
        }
    }
}
