/// The pieces a tokenizer knows, by id and by spelling, with its added tokens (which take
/// precedence, as in Hugging Face's tokenizers).
struct PieceVocabulary {
    private(set) var ids: [String: Int]
    /// The spelling of each id; nil for an id nothing names.
    private(set) var tokens: [String?]
    /// Whether each id is a special token (left out when decoding skips special tokens).
    private(set) var isSpecial: [Bool]

    /// `tokens[i]` is the spelling of id i; `ids` maps spellings to ids (when a spelling
    /// appears twice, the map says which id it stands for).
    init(tokens: [String?], ids: [String: Int]) {
        self.tokens = tokens
        self.ids = ids
        isSpecial = Array(repeating: false, count: tokens.count)
    }

    /// Ids already checked to be non-negative, bounded and distinct.
    init(map: [String: Int]) {
        var tokens = [String?](repeating: nil, count: (map.values.max() ?? -1) + 1)
        for (t, id) in map { tokens[id] = t }
        self.init(tokens: tokens, ids: map)
    }

    var count: Int { tokens.count }

    func token(_ id: Int) -> String? { id >= 0 && id < tokens.count ? tokens[id] : nil }
    func id(_ token: String) -> Int? { ids[token] }
    func special(_ id: Int) -> Bool { id >= 0 && id < isSpecial.count && isSpecial[id] }

    /// Adds tokens (ids already checked with `check`).
    mutating func add(_ added: [AddedToken]) {
        for t in added {
            if t.id >= tokens.count {
                tokens += repeatElement(nil, count: t.id + 1 - tokens.count)
                isSpecial += repeatElement(false, count: t.id + 1 - isSpecial.count)
            }
            tokens[t.id] = t.content
            ids[t.content] = t.id
            if t.special { isSpecial[t.id] = true }
        }
    }

    /// Marks ids as special tokens.
    mutating func markSpecial(_ specialIds: [Int]) {
        for id in specialIds where id >= 0 && id < isSpecial.count { isSpecial[id] = true }
    }

    /// The id that stands for a removed token: the padding token if there is one, else the end
    /// of text, else the unknown token, else 0.
    func paddingId(pad: [String], endOfText: [String], unknown: [String]) -> Int {
        for names in [pad, endOfText, unknown] {
            for name in names { if let id = ids[name] { return id } }
        }
        return 0
    }

    /// Added tokens' ids must lie in 0..<bound (the number of tokens there are in all), so that
    /// the table of spellings stays as small as the files.
    static func check(_ added: [AddedToken], bound: Int, file: String, field: String) throws {
        for t in added where t.id < 0 || t.id >= bound {
            throw TokenizerFileError("\(file): \(field) gives \"\(t.content)\" the id \(t.id), outside 0..<\(bound) "
                                     + "(ids count from 0, one for each token of the vocabulary and added tokens)")
        }
    }
}
