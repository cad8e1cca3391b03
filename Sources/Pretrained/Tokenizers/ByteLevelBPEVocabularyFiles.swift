import Foundation

extension ByteLevelBPETokenizer {
    /// From GPT-2's older files: vocab.json (token → id) and merges.txt (one merge "a b" per line,
    /// in rank order, after an optional "#version" line), with a tokenizer_config.json if one is
    /// given (add_prefix_space, the special tokens, added_tokens_decoder). <|endoftext|> and the
    /// configuration's special tokens are kept whole when found in the text.
    public convenience init(vocabularyFile: URL, mergesFile: URL, configFile: URL? = nil) throws {
        let config = try TokenizerConfig.optional(configFile)
        let name = vocabularyFile.lastPathComponent
        let raw = try TokenizerFiles.jsonObject(vocabularyFile)
        guard !raw.isEmpty else {
            throw TokenizerFileError("\(name) should hold the tokens and their ids, found an empty object")
        }
        let json = JSONField(file: name)
        var map: [String: Int] = [:]
        var owner = [String?](repeating: nil, count: raw.count)
        for (token, value) in raw {
            let id = try json.integer(value, at: "the id of \"\(token)\"")
            guard id >= 0 && id < raw.count else {
                throw TokenizerFileError("\(name) gives \"\(token)\" the id \(id), outside 0..<\(raw.count) "
                                         + "(ids count from 0, one for each token)")
            }
            if let other = owner[id] {
                let pair = [other, token].sorted().map { "\"\($0)\"" }.joined(separator: " and ")
                throw TokenizerFileError("\(name) gives the id \(id) to both \(pair); each id should name one token")
            }
            owner[id] = token
            map[token] = id
        }
        let merges = try Self.mergeLines(mergesFile, map, vocabularyName: name)
        var added = config.addedTokens
        try PieceVocabulary.check(added, bound: map.count + added.count, file: "tokenizer_config.json",
                                  field: "added_tokens_decoder")
        for special in [Self.endOfText] + config.specialTokens where !added.contains(where: { $0.content == special }) {
            if let id = map[special] { added.append(AddedToken(content: special, id: id, special: true)) }
        }
        var vocabulary = PieceVocabulary(map: map)
        vocabulary.add(added)
        let unknown = config.unknownToken.flatMap { map[$0] == nil ? nil : $0 }
        let bpe = BytePairModel(byteIds: Self.byteIds(map), merges: merges, unknownId: unknown.flatMap { map[$0] },
                                fuseUnknown: false, wholeWords: nil)
        self.init(vocabulary: vocabulary, model: bpe, added: added, addPrefixSpace: config.addPrefixSpace ?? false,
                  usesPattern: true, template: .plain, cleanUpTokenizationSpaces: config.cleanUpTokenizationSpaces,
                  paddingId: Self.paddingId(vocabulary, config, unknown: unknown))
    }

    /// merges.txt's merges in rank order; "#version" lines and empty lines are skipped.
    private static func mergeLines(_ url: URL, _ map: [String: Int],
                                   vocabularyName: String) throws -> [(Int, Int, Int)] {
        let name = url.lastPathComponent
        var merges: [(Int, Int, Int)] = []
        for (i, line) in try TokenizerFiles.lines(url).enumerated() {
            if line.isEmpty || line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                let shown = line.count > 60 ? String(line.prefix(60)) + "…" : line
                throw TokenizerFileError("\(name) line \(i + 1) should be two tokens separated by one space, "
                                         + "found \"\(shown)\"")
            }
            merges.append(try mergeIds(String(parts[0]), String(parts[1]), map, "\(name) line \(i + 1)",
                                       vocabularyName: vocabularyName))
        }
        return merges
    }
}
