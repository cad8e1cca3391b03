import Foundation
import XCTest
import Pretrained
import Tensors
import Training
import TestSupport

/// The tokenizers of Hugging Face checkpoints give the ids and tokens transformers gives
/// (/work/shared/reference/hf: BERT's WordPiece and GPT-2's byte-level BPE).
final class TokenizerTests: XCTestCase {
    private static let hf = referenceDir.appendingPathComponent("hf")

    private func folder(_ name: String) -> URL { Self.hf.appendingPathComponent(name) }

    private func caseInfo(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder(name).appendingPathComponent("case.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    private func expected(_ name: String) throws -> [String: Tensor] {
        try SafeTensors.read(contentsOf: folder(name).appendingPathComponent("expected.safetensors"))
    }

    private func ints(_ t: Tensor?) -> [Int] { (t?.intValues ?? []).map { Int($0) } }

    private func bertFromVocabulary() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(vocabularyFile: folder("bert_classifier").appendingPathComponent("vocab.txt"),
                               configFile: folder("bert_classifier").appendingPathComponent("tokenizer_config.json"))
    }

    private func bertFromTokenizerJSON() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(tokenizerFile: folder("bert_classifier").appendingPathComponent("tokenizer.json"),
                               configFile: folder("bert_classifier").appendingPathComponent("tokenizer_config.json"))
    }

    private func gpt2() throws -> SubwordTokenizer { try Pretrained.loadTokenizer(folder: folder("gpt2_lm")) }

    // MARK: BERT (WordPiece)

    func testBertProbesGiveTransformersIdsAndTokensFromVocabTxtAndFromTokenizerJSON() throws {
        let info = try caseInfo("bert_classifier"), io = try expected("bert_classifier")
        let probes = try XCTUnwrap(info["probes"] as? [String])
        let tokens = try XCTUnwrap(info["tokens"] as? [[String]])
        XCTAssertEqual(probes.count, tokens.count)
        let tokenizers = [("vocab.txt", try bertFromVocabulary()), ("tokenizer.json", try bertFromTokenizerJSON())]
        for (source, tokenizer) in tokenizers {
            XCTAssertEqual(tokenizer.kind, "WordPiece")
            for (i, probe) in probes.enumerated() {
                let e = try tokenizer.encode(probe, pair: nil, specialTokens: true)
                XCTAssertEqual(e.ids, ints(io["ids_\(i)"]), "\(source): ids of probe \(i) “\(probe)”")
                XCTAssertEqual(e.tokens, tokens[i], "\(source): tokens of probe \(i) “\(probe)”")
                XCTAssertEqual(e.typeIds, Array(repeating: 0, count: e.count))
                XCTAssertEqual(e.special.first, true)
                XCTAssertEqual(e.special.last, true)
            }
        }
    }

    func testDistilBertProbesGiveTheUnpaddedRowsOfInputIds() throws {
        let info = try caseInfo("distilbert_classifier"), io = try expected("distilbert_classifier")
        let probes = try XCTUnwrap(info["probes"] as? [String])
        let tokenizer = try Pretrained.loadTokenizer(folder: folder("distilbert_classifier"))
        try assertRows(probes, tokenizer, io, "distilbert_classifier")
    }

    /// Each text's ids are the row of input_ids where attention_mask is 1.
    private func assertRows(_ texts: [String], _ tokenizer: SubwordTokenizer, _ io: [String: Tensor],
                            _ what: String, line: UInt = #line) throws {
        let ids = try XCTUnwrap(io["input_ids"]), mask = try XCTUnwrap(io["attention_mask"])
        XCTAssertEqual(ids.shape.first, texts.count, line: line)
        for (r, text) in texts.enumerated() {
            let row = ints(try ids.select(dim: 0, index: r)), keep = ints(try mask.select(dim: 0, index: r))
            let want = zip(row, keep).filter { $0.1 == 1 }.map { $0.0 }
            XCTAssertEqual(try tokenizer.encode(text, pair: nil, specialTokens: true).ids, want,
                           "\(what): row \(r) “\(text)”", line: line)
            let padded = zip(row, keep).filter { $0.1 == 0 }.map { $0.0 }
            XCTAssertEqual(padded, padded.map { _ in tokenizer.paddingId }, "\(what): padding is paddingId", line: line)
        }
    }

    func testMaskInTheTextIsTheMaskTokenWithEitherVocabularyFile() throws {
        let info = try caseInfo("bert_mlm"), io = try expected("bert_mlm")
        let texts = try XCTUnwrap(info["masked"] as? [String])
        try assertRows(texts, try Pretrained.loadTokenizer(folder: folder("bert_mlm")), io, "tokenizer.json")
        let vocabOnly = try WordPieceTokenizer(vocabularyFile: folder("bert_mlm").appendingPathComponent("vocab.txt"))
        try assertRows(texts, vocabOnly, io, "vocab.txt")
        let mask = try XCTUnwrap(vocabOnly.id(of: "[MASK]"))
        let e = try vocabOnly.encode("a[MASK]b [mask]", pair: nil, specialTokens: false)
        XCTAssertEqual(e.ids.filter { $0 == mask }.count, 1, "only the exact spelling is the mask token")
        XCTAssertEqual(e.tokens.first(where: { $0.hasPrefix("[") }), "[MASK]")
    }

    func testPairIsClsFirstSepSecondSepWithTypeIdsZeroThenOne() throws {
        for tokenizer in [try bertFromVocabulary(), try bertFromTokenizerJSON()] {
            let e = try tokenizer.encode("a b", pair: "c", specialTokens: true)
            let cls = try XCTUnwrap(tokenizer.id(of: "[CLS]")), sep = try XCTUnwrap(tokenizer.id(of: "[SEP]"))
            let a = try tokenizer.encode("a b", pair: nil, specialTokens: false).ids
            let c = try tokenizer.encode("c", pair: nil, specialTokens: false).ids
            XCTAssertEqual(e.ids, [cls] + a + [sep] + c + [sep])
            XCTAssertEqual(e.typeIds, Array(repeating: 0, count: a.count + 2) + Array(repeating: 1, count: c.count + 1))
            XCTAssertEqual(e.special, [true] + a.map { _ in false } + [true] + c.map { _ in false } + [true])
            XCTAssertEqual(e.words, ["a", "b", "c"])
            XCTAssertEqual(e.wordOf.last, .some(nil))
            XCTAssertEqual(e.wordOf[e.count - 2], 2, "the pair's words are numbered after the first text's")
            XCTAssertEqual(try tokenizer.encode("a b", pair: "", specialTokens: true),
                           try tokenizer.encode("a b", pair: nil, specialTokens: true), "an empty pair is no pair")
            let plain = try tokenizer.encode("a b", pair: "c", specialTokens: false)
            XCTAssertEqual(plain.ids, a + c)
            XCTAssertEqual(plain.typeIds, a.map { _ in 0 } + c.map { _ in 1 })
        }
    }

    func testWordsAreWrittenAsInTheTextAndPiecesPointToTheirWord() throws {
        let tokenizer = try bertFromTokenizerJSON()
        let e = try tokenizer.encode("Naïve café — 模型!!", pair: nil, specialTokens: true)
        XCTAssertEqual(e.words, ["Naïve", "café", "—", "模", "型", "!", "!"])
        XCTAssertEqual(e.wordOf.first, .some(nil))
        XCTAssertEqual(e.wordOf.last, .some(nil))
        XCTAssertEqual(e.tokens.count, e.wordOf.count)
        // Each word's pieces are contiguous, in order, and decode to the word lower-cased without accents.
        let pieces = Dictionary(grouping: e.wordOf.indices.filter { e.wordOf[$0] != nil }) { e.wordOf[$0]! }
        XCTAssertEqual(pieces.keys.sorted(), Array(0..<e.words.count))
        XCTAssertEqual(tokenizer.decode(pieces[0]!.map { e.ids[$0] }, skippingSpecialTokens: true), "naive")
        XCTAssertEqual(tokenizer.decode(pieces[1]!.map { e.ids[$0] }, skippingSpecialTokens: true), "cafe")
    }

    func testBertDecodeLowercasesStripsAccentsAndFollowsTheDecodersSpacing() throws {
        let info = try caseInfo("bert_classifier"), io = try expected("bert_classifier")
        let probes = try XCTUnwrap(info["probes"] as? [String])
        let tokens = try XCTUnwrap(info["tokens"] as? [[String]])
        let tokenizer = try bertFromTokenizerJSON()
        // Pieces are glued, other tokens spaced; " ." " ," " !" " ?" lose their space, " ;" and " '" keep it.
        let texts = [0: "the food was not good at all.",
                     1: "great phone, excellent battery and a very fair price!",
                     2: "i would never buy this again ; it broke after one day.",
                     3: "naive cafe owners ' creme brulee — unbelievable!!",
                     9: "upper lower mixed 123 4. 56 $ 7"]
        for (i, text) in texts where !tokens[i].contains("[UNK]") {
            XCTAssertEqual(tokenizer.decode(ints(io["ids_\(i)"]), skippingSpecialTokens: true), text, "probe \(i)")
        }
        XCTAssertEqual(tokenizer.decode(ints(io["ids_0"]), skippingSpecialTokens: false),
                       "[CLS] the food was not good at all. [SEP]")
        XCTAssertEqual(tokenizer.decode([], skippingSpecialTokens: true), "")
        XCTAssertEqual(tokenizer.decode([-1, 1 << 40], skippingSpecialTokens: false), "", "unknown ids are left out")
        // Decoding is a fixed point after one round trip, for every probe.
        for probe in probes + ["He said: \"don't\" — isn't it?", "x , y . z ' w"] {
            let once = tokenizer.decode(try tokenizer.encode(probe, pair: nil, specialTokens: true).ids,
                                        skippingSpecialTokens: true)
            let twice = tokenizer.decode(try tokenizer.encode(once, pair: nil, specialTokens: true).ids,
                                         skippingSpecialTokens: true)
            XCTAssertEqual(once, twice, "“\(probe)”")
        }
    }

    func testBertNormalizerUsesTheCharacterClassesOfRustTokenizers() throws {
        let tokenizer = try bertFromTokenizerJSON()
        func words(_ s: String) throws -> [String] { try tokenizer.encode(s, pair: nil, specialTokens: false).words }
        // U+2E42 (Unicode 7) is punctuation; U+2E44 (Unicode 9) is too new for its tables.
        XCTAssertEqual(try words("a\u{2E42}b"), ["a", "\u{2E42}", "b"])
        XCTAssertEqual(try words("a\u{2E44}b"), ["a\u{2E44}b"])
        // Controls, format and private-use characters vanish; U+0085 is a control, U+00A0 a space.
        let ab = try tokenizer.encode("ab", pair: nil, specialTokens: false).ids
        for s in ["a\u{E000}b", "a\u{200B}b", "a\u{0085}b", "a\u{000B}b", "a\u{FFFD}b", "a\u{0000}b"] {
            XCTAssertEqual(try tokenizer.encode(s, pair: nil, specialTokens: false).ids, ab, s.debugDescription)
        }
        XCTAssertEqual(try words("a\u{00A0}b\tc\nd"), ["a", "b", "c", "d"])
        XCTAssertEqual(try words("$+^`~"), ["$", "+", "^", "`", "~"], "ASCII symbols count as punctuation")
        XCTAssertEqual(try tokenizer.encode("İ", pair: nil, specialTokens: false).tokens,
                       try tokenizer.encode("i", pair: nil, specialTokens: false).tokens)
        let long = String(repeating: "a", count: 101)
        XCTAssertEqual(try tokenizer.encode(long, pair: nil, specialTokens: false).tokens, ["[UNK]"])
        XCTAssertNotEqual(try tokenizer.encode(String(long.dropFirst()), pair: nil, specialTokens: false).tokens,
                          ["[UNK]"], "100 characters are still split")
    }

    func testVocabTxtWithWindowsLineEndingsGivesTheSameIds() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = folder("bert_classifier").appendingPathComponent("vocab.txt")
        let text = try String(contentsOf: vocab, encoding: .utf8)
        let crlf = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        try crlf.write(to: dir.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        let windows = try Pretrained.loadTokenizer(folder: dir), unix = try bertFromVocabulary()
        XCTAssertEqual(windows.vocabularySize, unix.vocabularySize)
        for probe in try XCTUnwrap(try caseInfo("bert_classifier")["probes"] as? [String]) {
            XCTAssertEqual(try windows.encode(probe, pair: nil, specialTokens: true),
                           try unix.encode(probe, pair: nil, specialTokens: true))
        }
    }

    // MARK: GPT-2 (byte-level BPE)

    func testGPT2PromptsGiveTransformersIdsAndTokens() throws {
        let info = try caseInfo("gpt2_lm"), io = try expected("gpt2_lm")
        let prompts = try XCTUnwrap(info["prompts"] as? [String])
        let tokens = try XCTUnwrap(info["tokens"] as? [[String]])
        let tokenizer = try gpt2()
        XCTAssertEqual(tokenizer.kind, "byte-level BPE")
        for (i, prompt) in prompts.enumerated() {
            let e = try tokenizer.encode(prompt, pair: nil, specialTokens: true)
            XCTAssertEqual(e.ids, ints(io["ids_\(i)"]), "ids of prompt \(i)")
            XCTAssertEqual(e.tokens, tokens[i], "tokens of prompt \(i)")
            XCTAssertFalse(e.special.contains(true), "GPT-2 adds no special tokens")
            XCTAssertEqual(e.words.joined(), prompt, "the chunks, spaces included, make up the text")
            XCTAssertEqual(tokenizer.decode(e.ids, skippingSpecialTokens: true), prompt)
        }
    }

    func testGPT2GreedyContinuationsDecodeToTextThatEncodesToTheSameIds() throws {
        let info = try caseInfo("gpt2_lm"), io = try expected("gpt2_lm")
        let prompts = try XCTUnwrap(info["prompts"] as? [String])
        let tokenizer = try gpt2()
        for i in prompts.indices {
            let ids = ints(io["greedy_\(i)"])
            XCTAssertFalse(ids.isEmpty)
            let text = tokenizer.decode(ids, skippingSpecialTokens: true)
            XCTAssertTrue(text.hasPrefix(prompts[i]), "the continuation starts with its prompt")
            XCTAssertEqual(try tokenizer.encode(text, pair: nil, specialTokens: true).ids, ids, "greedy_\(i)")
        }
    }

    func testGPT2SplitsTextLikeItsPattern() throws {
        let tokenizer = try gpt2()
        func words(_ s: String) throws -> [String] { try tokenizer.encode(s, pair: nil, specialTokens: true).words }
        XCTAssertEqual(try words("I'm   here\n\n  don't 'S 42x"),
                       ["I", "'m", "  ", " here", "\n\n ", " don", "'t", " '", "S", " 42", "x"])
        XCTAssertEqual(try words(" \t hi"), [" \t", " hi"])
        XCTAssertEqual(try words("a  "), ["a", "  "])
        XCTAssertEqual(try words("e\u{301}x!!?  3.5"), ["e", "\u{301}", "x", "!!?", " ", " 3", ".", "5"])
        XCTAssertEqual(try words(""), [])
    }

    func testEndOfTextInTheTextIsOneSpecialToken() throws {
        let tokenizer = try gpt2()
        let eot = try XCTUnwrap(tokenizer.id(of: "<|endoftext|>"))
        let e = try tokenizer.encode("a b<|endoftext|> c<|endoftext|>", pair: nil, specialTokens: true)
        XCTAssertEqual(e.ids.filter { $0 == eot }.count, 2)
        XCTAssertEqual(e.special, e.ids.map { $0 == eot })
        XCTAssertEqual(e.words, ["a", " b", " c"])
        XCTAssertEqual(e.wordOf.filter { $0 == nil }.count, 2)
        XCTAssertEqual(tokenizer.decode(e.ids, skippingSpecialTokens: true), "a b c")
        XCTAssertEqual(tokenizer.decode(e.ids, skippingSpecialTokens: false), "a b<|endoftext|> c<|endoftext|>")
        XCTAssertEqual(tokenizer.paddingId, eot, "GPT-2 has no [PAD]: the end of text stands for a removed token")
    }

    func testGPT2DecodeMakesBrokenUTF8TheReplacementCharacter() throws {
        let tokenizer = try gpt2()
        let e = try tokenizer.encode("Ü", pair: nil, specialTokens: false)
        XCTAssertEqual(e.count, 2, "two bytes, two pieces")
        XCTAssertEqual(tokenizer.decode([e.ids[0]], skippingSpecialTokens: true), "\u{FFFD}")
        XCTAssertEqual(tokenizer.decode(e.ids + [e.ids[0]], skippingSpecialTokens: true), "Ü\u{FFFD}")
    }

    func testGPT2FromVocabJSONAndMergesTxtEncodesAsFromTokenizerJSON() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try Data(contentsOf: folder("gpt2_lm").appendingPathComponent("tokenizer.json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let model = try XCTUnwrap(root["model"] as? [String: Any])
        let merges = try XCTUnwrap(model["merges"] as? [Any]).map { m -> String in
            (m as? [String])?.joined(separator: " ") ?? (m as? String ?? "")
        }
        try JSONSerialization.data(withJSONObject: model["vocab"] as Any)
            .write(to: dir.appendingPathComponent("vocab.json"))
        try ("#version: 0.2\n" + merges.joined(separator: "\n") + "\n")
            .write(to: dir.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        let files = try Pretrained.loadTokenizer(folder: dir), json = try gpt2()
        XCTAssertTrue(files is ByteLevelBPETokenizer)
        let prompts = try XCTUnwrap(try caseInfo("gpt2_lm")["prompts"] as? [String])
        for text in prompts + ["x<|endoftext|>y", "  spaces  and\ttabs\n"] {
            XCTAssertEqual(try files.encode(text, pair: nil, specialTokens: true),
                           try json.encode(text, pair: nil, specialTokens: true), "“\(text)”")
        }
    }

    func testLoadTokenizerPicksTheKindFromTheFiles() throws {
        XCTAssertTrue(try Pretrained.loadTokenizer(folder: folder("bert_classifier")) is WordPieceTokenizer)
        XCTAssertTrue(try gpt2() is ByteLevelBPETokenizer)
        let bert = try Pretrained.loadTokenizer(folder: folder("bert_classifier"))
        XCTAssertEqual(bert.vocabularySize, 3000)
        XCTAssertEqual(bert.paddingId, bert.id(of: "[PAD]"))
        XCTAssertEqual(bert.token(of: try XCTUnwrap(bert.id(of: "##ing"))), "##ing")
        XCTAssertNil(bert.token(of: -1))
        XCTAssertNil(bert.token(of: 3000))
    }

    // MARK: Bad files

    private func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
