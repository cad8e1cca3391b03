import Foundation

extension ByteLevelBPETokenizer {
    /// GPT-2's special token, kept whole when found in the text.
    static let endOfText = "<|endoftext|>"

    /// From a tokenizer.json whose model is BPE with GPT-2's byte-level pre-tokenizer, with a
    /// tokenizer_config.json if one is given (for transformers' clean-up of decoded text).
    public convenience init(tokenizerFile: URL, configFile: URL? = nil) throws {
        let file = try TokenizerJSON(contentsOf: tokenizerFile)
        guard file.modelType == "BPE" else {
            if TokenizerJSON.supportedKinds.contains(file.modelType) {
                throw TokenizerFileError("tokenizer.json: model.type is \"\(file.modelType)\"; a byte-level BPE "
                                         + "tokenizer needs \"BPE\"")
            }
            throw file.unsupported()
        }
        try self.init(file, config: try TokenizerConfig.optional(configFile))
    }

    convenience init(_ file: TokenizerJSON, config: TokenizerConfig) throws {
        let json = file.json, model = file.model
        try Self.checkModelOptions(file)
        let map = try file.modelVocabulary()
        let added = try file.addedTokens()
        var vocabulary = PieceVocabulary(map: map)
        vocabulary.add(added)
        let merges = try Self.merges(file, map)
        let unknown = try json.string(model, "unk_token", at: "model.unk_token")
        let unknownId = try unknown.map { token -> Int in
            guard let id = map[token] else {
                throw TokenizerFileError("tokenizer.json: model.unk_token is \"\(token)\", which model.vocab "
                                         + "does not hold")
            }
            return id
        }
        let ignoreMerges = try json.bool(model, "ignore_merges", at: "model.ignore_merges") ?? false
        let bpe = BytePairModel(byteIds: Self.byteIds(map), merges: merges, unknownId: unknownId,
                                fuseUnknown: try json.bool(model, "fuse_unk", at: "model.fuse_unk") ?? false,
                                wholeWords: ignoreMerges ? map : nil)
        let (prefixSpace, pattern) = try Self.preTokenizer(file)
        self.init(vocabulary: vocabulary, model: bpe, added: added, addPrefixSpace: prefixSpace, usesPattern: pattern,
                  template: try file.template(vocabulary), cleanUpTokenizationSpaces: config.cleanUpTokenizationSpaces,
                  paddingId: Self.paddingId(vocabulary, config, unknown: unknown))
    }

    /// model.merges, in rank order: "a b" strings or ["a", "b"] arrays.
    private static func merges(_ file: TokenizerJSON, _ map: [String: Int]) throws -> [(Int, Int, Int)] {
        let list = try file.json.array(file.model, "merges", at: "model.merges") ?? []
        return try list.enumerated().map { i, m in
            var pair: [String] = []
            if let s = m as? String {
                pair = s.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let a = m as? [Any] {
                pair = a.compactMap { $0 as? String }
                if pair.count != a.count { pair = [] }
            }
            guard pair.count == 2 else {
                throw TokenizerFileError("tokenizer.json: model.merges[\(i)] should be two tokens (\"a b\" or "
                                         + "[\"a\", \"b\"]), found \(JSONField.describe(m))")
            }
            return try mergeIds(pair[0], pair[1], map, "tokenizer.json: model.merges[\(i)]",
                                vocabularyName: "model.vocab")
        }
    }

    /// The ids of a merge's two tokens and of the token they make; each must be in the vocabulary.
    static func mergeIds(_ a: String, _ b: String, _ map: [String: Int], _ at: String,
                         vocabularyName: String) throws -> (Int, Int, Int) {
        for t in [a, b, a + b] where map[t] == nil {
            let what = t == a + b && map[a] != nil && map[b] != nil ? "the merged token" : "the token"
            throw TokenizerFileError("\(at) merges \"\(a)\" and \"\(b)\", but \(what) \"\(t)\" is not in "
                                     + "\(vocabularyName); merges may only name tokens of the vocabulary")
        }
        return (map[a]!, map[b]!, map[a + b]!)
    }

    /// The ids of the 256 one-byte pieces (-1 for a byte the vocabulary lacks).
    static func byteIds(_ map: [String: Int]) -> [Int32] {
        ByteLevelAlphabet.characters.map { c in map[String(Character(c))].map { Int32($0) } ?? -1 }
    }

    static func paddingId(_ vocabulary: PieceVocabulary, _ config: TokenizerConfig, unknown: String?) -> Int {
        vocabulary.paddingId(pad: [config.padToken, "[PAD]", "<pad>"].compactMap { $0 },
                             endOfText: [config.endOfTextToken, endOfText, "</s>"].compactMap { $0 },
                             unknown: [unknown, config.unknownToken].compactMap { $0 })
    }

    /// Options of model that this tokenizer does not implement are errors, not silently ignored.
    private static func checkModelOptions(_ file: TokenizerJSON) throws {
        let json = file.json, model = file.model
        if try json.bool(model, "byte_fallback", at: "model.byte_fallback") == true {
            throw TokenizerFileError("tokenizer.json: model.byte_fallback is true (a SentencePiece-style BPE); "
                                     + "only GPT-2's byte-level BPE is supported")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let s = try json.string(model, key, at: "model.\(key)"), !s.isEmpty {
                throw TokenizerFileError("tokenizer.json: model.\(key) is \"\(s)\"; byte-level BPE has none "
                                         + "(null expected)")
            }
        }
        if let dropout = model["dropout"] as? Double, dropout > 0 {
            throw TokenizerFileError("tokenizer.json: model.dropout is \(dropout); BPE dropout (random merges) is "
                                     + "not supported, null expected")
        }
        if let n = try json.object(file.root, "normalizer", at: "normalizer") {
            let type = try json.string(n, "type", at: "normalizer.type") ?? "(none)"
            throw TokenizerFileError("tokenizer.json: normalizer is \"\(type)\"; a byte-level BPE tokenizer "
                                     + "supports none (null expected)")
        }
    }

    /// pre_tokenizer: ByteLevel, with add_prefix_space and use_regex.
    private static func preTokenizer(_ file: TokenizerJSON) throws -> (addPrefixSpace: Bool, usesPattern: Bool) {
        let json = file.json
        let p = try json.object(file.root, "pre_tokenizer", at: "pre_tokenizer")
        let type = try p.map { try json.string($0, "type", at: "pre_tokenizer.type") ?? "(none)" }
        guard let p, type == "ByteLevel" else {
            throw TokenizerFileError("tokenizer.json: pre_tokenizer is \(type.map { "\"\($0)\"" } ?? "null"); "
                                     + "a byte-level BPE tokenizer needs \"ByteLevel\"")
        }
        return (try json.bool(p, "add_prefix_space", at: "pre_tokenizer.add_prefix_space") ?? true,
                try json.bool(p, "use_regex", at: "pre_tokenizer.use_regex") ?? true)
    }
}
