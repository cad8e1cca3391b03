/// A token matched literally in the text before the model splits it ("[MASK]",
/// "<|endoftext|>"), as tokenizer.json's added_tokens describe it.
struct AddedToken: Equatable {
    var content: String
    var id: Int
    /// Special tokens are left out when decoding skips them, and belong to no word.
    var special: Bool
    /// Whether the whitespace before it (lstrip) or after it (rstrip) is part of the match.
    var lstrip = false
    var rstrip = false
    /// Whether it matches only where it is not part of a longer word.
    var singleWord = false
    /// Whether it is matched in the normalized text rather than the text as written.
    var normalized = false
}

extension AddedToken {
    /// An added token described by a JSON object (tokenizer.json's added_tokens,
    /// tokenizer_config.json's added_tokens_decoder); absent options are false.
    init(content: String, id: Int, options o: [String: Any], _ json: JSONField, at path: String) throws {
        self.init(content: content, id: id, special: try json.bool(o, "special", at: "\(path).special") ?? false,
                  lstrip: try json.bool(o, "lstrip", at: "\(path).lstrip") ?? false,
                  rstrip: try json.bool(o, "rstrip", at: "\(path).rstrip") ?? false,
                  singleWord: try json.bool(o, "single_word", at: "\(path).single_word") ?? false,
                  normalized: try json.bool(o, "normalized", at: "\(path).normalized") ?? false)
    }
}

/// Finding added tokens in a text: at each position the longest token that starts there, the
/// leftmost match first, matches never overlapping.
struct AddedTokenMatcher {
    enum Piece: Equatable {
        case text(Range<Int>)
        /// A match: the index of the token in `tokens`, and where it is (its stripped
        /// whitespace included).
        case token(Int, Range<Int>)
    }

    let tokens: [AddedToken]
    private let patterns: [[Unicode.Scalar]]
    /// The tokens starting with each character, longest first.
    private let byFirst: [UInt32: [Int]]

    /// `spelling` gives the text to match for each token (its content, or its normalized form).
    init(_ tokens: [AddedToken], spelling: (AddedToken) -> String = { $0.content }) {
        self.tokens = tokens
        let patterns = tokens.map { Array(spelling($0).unicodeScalars) }
        var byFirst: [UInt32: [Int]] = [:]
        for (i, p) in patterns.enumerated() where !p.isEmpty {
            byFirst[p[0].value, default: []].append(i)
        }
        for k in byFirst.keys { byFirst[k]?.sort { patterns[$0].count > patterns[$1].count } }
        self.patterns = patterns
        self.byFirst = byFirst
    }

    var isEmpty: Bool { byFirst.isEmpty }

    /// `text[range]` as runs of text and matched tokens, in order, covering the range.
    func split(_ text: [Unicode.Scalar], _ range: Range<Int>) -> [Piece] {
        guard !byFirst.isEmpty else { return range.isEmpty ? [] : [.text(range)] }
        var pieces: [Piece] = []
        var done = range.lowerBound, i = range.lowerBound
        while i < range.upperBound {
            guard let (k, end) = longestMatch(text, at: i, in: range) else {
                i += 1
                continue
            }
            let token = tokens[k]
            // A single-word token next to a word character is no match; the search goes on after it.
            let alone = (i == range.lowerBound || !isWordCharacter(text[i - 1]))
                && (end == range.upperBound || !isWordCharacter(text[end]))
            if token.singleWord && !alone {
                i = end
                continue
            }
            var start = i, stop = end
            if token.lstrip {
                while start > done && BertCharacters.isWhitespace(text[start - 1]) { start -= 1 }
            }
            if token.rstrip {
                while stop < range.upperBound && BertCharacters.isWhitespace(text[stop]) { stop += 1 }
            }
            if done < start { pieces.append(.text(done..<start)) }
            pieces.append(.token(k, start..<stop))
            done = stop
            i = stop
        }
        if done < range.upperBound { pieces.append(.text(done..<range.upperBound)) }
        return pieces
    }

    private func longestMatch(_ text: [Unicode.Scalar], at i: Int, in range: Range<Int>) -> (Int, Int)? {
        guard let candidates = byFirst[text[i].value] else { return nil }
        for k in candidates {
            let p = patterns[k]
            guard p.count <= range.upperBound - i else { continue }
            var j = 1
            while j < p.count && text[i + j] == p[j] { j += 1 }
            if j == p.count { return (k, i + p.count) }
        }
        return nil
    }

    /// A character of \w in regular expressions: letters, marks, digits, connector punctuation.
    private func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        let p = c.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}
