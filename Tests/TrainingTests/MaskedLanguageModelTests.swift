import Layers
import Tensors
@testable import Training
import XCTest

/// BERT's masking rule, masked-language-model training, fill-mask, and bidirectionality.
final class MaskedLanguageModelTests: XCTestCase {
    func testMaskingFollowsThe15And80_10_10Rule() {
        var g = RandomGenerator(seed: 7)
        let V = 50, maskId = 49
        let sentence = Array(2..<42)                      // 40 ordinary tokens
        var chosen = 0, masked = 0, random = 0, kept = 0, total = 0
        for _ in 0..<3000 {
            let c = MaskedLanguageModel.corrupt(sentence, vocabularySize: V, maskId: maskId, probability: 0.15, using: &g)
            total += sentence.count
            chosen += c.targets.count
            for (t, id) in c.targets {
                XCTAssertEqual(id, sentence[t], "targets are the original tokens")
                if c.input[t] == maskId { masked += 1 } else if c.input[t] == id { kept += 1 } else {
                    random += 1
                    XCTAssert(c.input[t] > Vocabulary.unk && c.input[t] < V && c.input[t] != maskId, "a random replacement is an ordinary token")
                }
            }
            let targeted = Set(c.targets.map(\.position))
            for t in sentence.indices where !targeted.contains(t) { XCTAssertEqual(c.input[t], sentence[t], "unchosen tokens are untouched") }
        }
        XCTAssertEqual(Double(chosen) / Double(total), 0.15, accuracy: 0.005)
        XCTAssertEqual(Double(masked) / Double(chosen), 0.8, accuracy: 0.01)
        XCTAssertEqual(Double(random) / Double(chosen), 0.1, accuracy: 0.01)
        XCTAssertEqual(Double(kept) / Double(chosen), 0.1, accuracy: 0.01)
    }

    func testEverySentenceTeachesAndSpecialTokensAreNeverTargets() {
        var g = RandomGenerator(seed: 1)
        for _ in 0..<500 {
            let c = MaskedLanguageModel.corrupt([1, 5, 0, 1], vocabularySize: 10, maskId: 9, probability: 0.01, using: &g)
            XCTAssertEqual(c.targets.map(\.position), [1], "one ordinary token is chosen even when the draw picks none; <unk> and <pad> never are")
        }
    }

    func testMaskStaysOneTokenForTheWordTokenizer() {
        XCTAssertEqual(Tokenizer.words.tokens("The food was [MASK] good!"), ["the", "food", "was", "[MASK]", "good"])
        XCTAssertEqual(Tokenizer.words.tokens("[MASK][MASK] end"), ["[MASK]", "[MASK]", "end"])
    }

    /// A corpus where the middle word is decided by its neighbours on both sides: "a x b" and
    /// "c y d". Only a model that reads to the right of the blank can tell "a _ b" from "a _ d"
    /// apart when both occur; here each left word has one partner, and the test checks that
    /// pre-training learns the pattern and fill-mask reports it.
    func testPretrainingLearnsToFillTheBlankFromBothSides() throws {
        let vocab = Vocabulary(tokens: ["<pad>", "<unk>", "a", "b", "c", "d", "x", "y", "p", "q", Tokenizer.mask])
        // The blank's filler depends on the word after it: "p x q" vs "p y b".
        let texts = Array(repeating: ["p x q", "p y b", "a x q", "a y b"], count: 40).flatMap { $0 }
        Random.shared = RandomGenerator(seed: 3)
        let model = try Bert(vocab: vocab.count, maskId: vocab.id(Tokenizer.mask), dModel: 32, heads: 2, layers: 1, dropout: 0)
        let rows = texts.map { vocab.encode($0) }
        let before = try MaskedLanguageModel.evaluate(model, rows, probability: 0.3)
        let h = try MaskedLanguageModel.train(model, sentences: rows, epochs: 25, batch: 16, optimizer: try Adam(model.parameters, lr: 0.01), probability: 0.3)
        XCTAssertLessThan(h.epochs.last?.loss ?? 0, h.epochs.first?.loss ?? 0)
        let after = try MaskedLanguageModel.evaluate(model, rows, probability: 0.3)
        XCTAssertLessThan(after.loss, before.loss)
        for (text, want) in [("p [MASK] q", "x"), ("p [MASK] b", "y"), ("a [MASK] q", "x"), ("a [MASK] b", "y")] {
            let filled = try MaskedLanguageModel.fill(model, ids: vocab.encode(text), top: 3)
            XCTAssertEqual(filled.count, 1)
            XCTAssertEqual(vocab.tokens[filled[0].candidates[0].id], want, "\(text): the word after the blank decides it")
            XCTAssertGreaterThan(filled[0].candidates[0].probability, 0.5)
            let ps = filled[0].candidates.map(\.probability)
            XCTAssertEqual(ps, ps.sorted(by: >), "most probable first")
        }
    }

    func testPretrainingIsBitIdenticalForTheSameSeed() throws {
        func run() throws -> [Float] {
            Random.shared = RandomGenerator(seed: 11)
            let model = try Bert(vocab: 12, maskId: 11, dModel: 16, heads: 2, layers: 1, dropout: 0.1)
            let rows = (0..<20).map { i in (0..<6).map { 2 + (i + $0) % 9 } }
            _ = try MaskedLanguageModel.train(model, sentences: rows, epochs: 2, batch: 8, optimizer: try Adam(model.parameters, lr: 0.01))
            return model.parameters.flatMap { $0.value.floats }
        }
        XCTAssertEqual(try run(), try run())
    }

    func testTheEncoderIsBidirectional() throws {
        // Changing the last token changes the first position's vector (a causal model's would not).
        let model = try Bert(vocab: 12, maskId: 11, dModel: 16, heads: 2, layers: 1, dropout: 0)
        model.eval()
        func first(_ ids: [Int64]) throws -> [Float] {
            let h = try model.encode(embedded: model.embedding.forward(Tensor(shape: [1, ids.count], ints: ids)), lengths: [ids.count])
            return Array(h.floats[0..<16])
        }
        XCTAssertNotEqual(try first([2, 3, 4]), try first([2, 3, 5]))
        // Padding is ignored: a padded row gives the same first vector as the unpadded one.
        let padded = try model.encode(embedded: model.embedding.forward(Tensor(shape: [1, 4], ints: [2, 3, 4, 0])), lengths: [3])
        let a = try first([2, 3, 4]), b = Array(padded.floats[0..<16])
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-5) }
    }

    func testFillMaskNeedsAMask() throws {
        let model = try Bert(vocab: 12, maskId: 11, dModel: 16, heads: 2, layers: 1)
        XCTAssertThrowsError(try MaskedLanguageModel.fill(model, ids: [2, 3])) { XCTAssert("\($0)".contains("no [MASK]")) }
    }
}
