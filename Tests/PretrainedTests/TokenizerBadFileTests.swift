import Foundation
import XCTest
import Pretrained
import TestSupport

/// Missing, malformed, inconsistent, unsupported or huge tokenizer files give an error that
/// names the file and the problem, never a crash.
extension TokenizerTests {
    func testAValidMinimalWordPieceFileLoads() throws {
        let f = try BadFolder()
        try f.writeJSON("tokenizer.json", f.wordPiece())
        let t = try Pretrained.loadTokenizer(folder: f.dir)
        XCTAssertEqual(try t.encode("AB a", pair: nil, specialTokens: true).tokens, ["a", "##b", "a"],
                       "no post-processor: no special tokens")
    }

    func testAFolderWithoutTokenizerFilesSaysWhichFilesItLooksFor() throws {
        let f = try BadFolder()
        assertThrows("no tokenizer files") { try f.load() }
        assertThrows("tokenizer.json, vocab.txt") { try f.load() }
    }

    func testAnUnsupportedModelTypeNamesTheSupportedKinds() throws {
        let f = try BadFolder()
        try f.writeJSON("tokenizer.json", ["model": ["type": "Unigram", "vocab": [["a", -1.0]]]])
        assertThrows("\"Unigram\"") { try f.load() }
        assertThrows("supported kinds are \"WordPiece\" and \"BPE\"") { try f.load() }
    }

    func testMalformedJSONIsAnError() throws {
        let f = try BadFolder()
        try f.write("tokenizer.json", "{\"model\": {\"type\": \"WordPiece\", ")
        assertThrows("tokenizer.json is not valid JSON") { try f.load() }
        try f.write("tokenizer.json", "[1, 2]")
        assertThrows("should hold a JSON object, found an array") { try f.load() }
        try f.writeJSON("tokenizer.json", ["model": ["type": "WordPiece", "vocab": ["a", "b"]]])
        assertThrows("model.vocab should be an object") { try f.load() }
        try f.writeJSON("tokenizer.json", f.wordPiece { $0["vocab"] = ["[UNK]": 0, "a": "one"] })
        assertThrows("should be a whole number, found the string \"one\"") { try f.load() }
        try f.writeJSON("tokenizer.json", f.wordPiece { $0["vocab"] = ["[UNK]": 0, "a": 1.5] })
        assertThrows("should be a whole number, found the number 1.5") { try f.load() }
    }

    func testVocabularyIdsOutOfRangeOrRepeatedAreErrors() throws {
        let f = try BadFolder()
        try f.writeJSON("tokenizer.json", f.wordPiece { $0["vocab"] = ["[UNK]": 0, "a": 70000] })
        assertThrows("gives \"a\" the id 70000, outside 0..<2") { try f.load() }
        try f.writeJSON("tokenizer.json", f.wordPiece { $0["vocab"] = ["[UNK]": 0, "a": -1] })
        assertThrows("the id -1") { try f.load() }
        try f.writeJSON("tokenizer.json", f.wordPiece { $0["vocab"] = ["[UNK]": 0, "a": 1, "b": 1] })
        assertThrows("gives the id 1 to both \"a\" and \"b\"") { try f.load() }
        var withAdded = f.wordPiece()
        withAdded["added_tokens"] = [["id": 99, "content": "[X]", "special": true]]
        try f.writeJSON("tokenizer.json", withAdded)
        assertThrows("added_tokens gives \"[X]\" the id 99") { try f.load() }
        try f.writeJSON("vocab.json", ["a": 0, "b": 5])
        try f.write("merges.txt", "#version: 0.2\n")
        try FileManager.default.removeItem(at: f.dir.appendingPathComponent("tokenizer.json"))
        assertThrows("vocab.json gives \"b\" the id 5, outside 0..<2") { try f.load() }
    }

    func testAWordPieceFileWithoutItsUnknownTokenIsAnError() throws {
        let f = try BadFolder()
        try f.writeJSON("tokenizer.json", f.wordPiece { $0["unk_token"] = "<unk>" })
        assertThrows("model.unk_token is \"<unk>\", which model.vocab does not hold") { try f.load() }
    }

    func testMergesNamingUnknownTokensAreErrors() throws {
        let f = try BadFolder()
        try f.writeJSON("tokenizer.json", f.bpe(merges: ["a c"]))
        assertThrows("model.merges[0] merges \"a\" and \"c\", but the token \"c\" is not in model.vocab") {
            try f.load()
        }
        try f.writeJSON("tokenizer.json", f.bpe(merges: [["a", "b"], ["b", "a"]]))
        assertThrows("model.merges[1] merges \"b\" and \"a\", but the merged token \"ba\"") { try f.load() }
        try f.writeJSON("tokenizer.json", f.bpe(merges: ["a b c"]))
        assertThrows("model.merges[0] should be two tokens") { try f.load() }
        try f.writeJSON("tokenizer.json", f.bpe(merges: [["a", 1]]))
        assertThrows("model.merges[0] should be two tokens") { try f.load() }
        try FileManager.default.removeItem(at: f.dir.appendingPathComponent("tokenizer.json"))
        try f.writeJSON("vocab.json", ["a": 0, "b": 1, "ab": 2])
        try f.write("merges.txt", "#version: 0.2\na b\nb  a\n")
        assertThrows("merges.txt line 3 should be two tokens separated by one space") { try f.load() }
        try f.write("merges.txt", "a b\nb x\n")
        assertThrows("merges.txt line 2 merges \"b\" and \"x\", but the token \"x\" is not in vocab.json") {
            try f.load()
        }
    }

    func testByteLevelBPENeedsBothVocabJSONAndMergesTxt() throws {
        let f = try BadFolder()
        try f.writeJSON("vocab.json", ["a": 0])
        assertThrows("has vocab.json but no merges.txt") { try f.load() }
    }

    func testAValidMinimalBPEFileLoadsAndMerges() throws {
        let f = try BadFolder()
        try f.writeJSON("tokenizer.json", f.bpe(merges: ["a b"]))
        let t = try Pretrained.loadTokenizer(folder: f.dir)
        XCTAssertEqual(try t.encode("abba", pair: nil, specialTokens: true).tokens, ["ab", "b", "a"])
    }

    func testUnsupportedPartsOfABPEFileAreNamed() throws {
        let f = try BadFolder()
        var file = f.bpe(merges: [])
        file["pre_tokenizer"] = ["type": "Metaspace"]
        try f.writeJSON("tokenizer.json", file)
        assertThrows("pre_tokenizer is \"Metaspace\"; a byte-level BPE tokenizer needs \"ByteLevel\"") {
            try f.load()
        }
        file = f.bpe(merges: [])
        file["normalizer"] = ["type": "NFC"]
        try f.writeJSON("tokenizer.json", file)
        assertThrows("normalizer is \"NFC\"") { try f.load() }
    }

    func testAnEmptyVocabTxtIsAnError() throws {
        let f = try BadFolder()
        try f.write("vocab.txt", "")
        assertThrows("vocab.txt is empty") { try f.load() }
    }

    func testAVocabTxtWithoutUnknownTokenIsAnError() throws {
        let f = try BadFolder()
        try f.write("vocab.txt", "[PAD]\n[CLS]\n[SEP]\nthe\n")
        assertThrows("vocab.txt has no unknown token \"[UNK]\"") { try f.load() }
    }

    func testAVocabTxtWithoutClsOrSepIsAnError() throws {
        let f = try BadFolder()
        try f.write("vocab.txt", "[UNK]\n[CLS]\nthe\n")
        assertThrows("vocab.txt should hold BERT's \"[CLS]\" and \"[SEP]\"") { try f.load() }
        assertThrows("found no \"[SEP]\"") { try f.load() }
    }

    func testFilesOverOneGigabyteAreNotRead() throws {
        let f = try BadFolder()
        let url = f.dir.appendingPathComponent("tokenizer.json")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(1 << 30) + 1)   // sparse: no disk space used
        try handle.close()
        assertThrows("larger than 1 GB") { try f.load() }
    }

    func testATokenizerFileThatIsAFolderIsAnError() throws {
        let f = try BadFolder()
        try FileManager.default.createDirectory(at: f.dir.appendingPathComponent("tokenizer.json"),
                                                withIntermediateDirectories: false)
        assertThrows("should be a regular file, found a folder") { try f.load() }
    }

    func testABrokenTokenizerConfigIsNamed() throws {
        let f = try BadFolder()
        try f.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n")
        try f.write("tokenizer_config.json", "{\"do_lower_case\": \"yes\"}")
        assertThrows("tokenizer_config.json: do_lower_case should be true or false, found the string \"yes\"") {
            try f.load()
        }
        try f.writeJSON("tokenizer_config.json", ["added_tokens_decoder": ["9999999": ["content": "[X]"]]])
        assertThrows("added_tokens_decoder gives \"[X]\" the id 9999999") { try f.load() }
    }
}

/// A temporary folder for tokenizer files, removed when no longer used.
private final class BadFolder {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func writeJSON(_ name: String, _ object: Any) throws {
        try JSONSerialization.data(withJSONObject: object).write(to: dir.appendingPathComponent(name))
    }

    func load() throws -> Any { try Pretrained.loadTokenizer(folder: dir) }

    private let vocab: [String: Int] = ["[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "a": 4, "##b": 5]

    /// A WordPiece tokenizer.json, its model changed by `change`.
    func wordPiece(_ change: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var model: [String: Any] = ["type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                                    "max_input_chars_per_word": 100, "vocab": vocab]
        change(&model)
        return ["model": model, "normalizer": ["type": "BertNormalizer", "lowercase": true],
                "pre_tokenizer": ["type": "BertPreTokenizer"], "added_tokens": [] as [Any]]
    }

    /// A byte-level BPE tokenizer.json.
    func bpe(merges: [Any], vocab: [String: Int] = ["a": 0, "b": 1, "ab": 2]) -> [String: Any] {
        ["model": ["type": "BPE", "vocab": vocab, "merges": merges],
         "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false]]
    }
}

