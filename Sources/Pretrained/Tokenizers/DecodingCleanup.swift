/// The spacing fixes applied to decoded text: tokenizers' WordPiece decoder cleans each piece
/// (with its leading space), and transformers' clean_up_tokenization_spaces the whole text.
enum DecodingCleanup {
    private typealias Rule = (from: [Unicode.Scalar], to: [Unicode.Scalar])

    private static func rules(_ pairs: [(String, String)]) -> [Rule] {
        pairs.map { (Array($0.0.unicodeScalars), Array($0.1.unicodeScalars)) }
    }

    private static let wordPieceRules = rules([
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ])

    private static let transformersRules = rules([
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ])

    /// The WordPiece decoder's clean-up of one piece.
    static func wordPiece(_ text: String) -> String { apply(wordPieceRules, text) }

    /// transformers' clean-up of a decoded text.
    static func transformers(_ text: String) -> String { apply(transformersRules, text) }

    /// Each rule in turn replaces every occurrence (left to right, not overlapping), comparing
    /// characters exactly. Every rule starts with a space, so text without one is unchanged.
    private static func apply(_ rules: [Rule], _ text: String) -> String {
        guard text.unicodeScalars.contains(" ") else { return text }
        var s = Array(text.unicodeScalars)
        for rule in rules { s = replace(s, rule) }
        return spelled(s, 0..<s.count)
    }

    private static func replace(_ s: [Unicode.Scalar], _ rule: Rule) -> [Unicode.Scalar] {
        let from = rule.from
        guard s.count >= from.count else { return s }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if i + from.count <= s.count && s[i] == from[0] && s[i..<(i + from.count)].elementsEqual(from) {
                out += rule.to
                i += from.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }
}

/// Pieces back into text, as tokenizers' WordPiece decoder joins them: a piece that starts
/// with the continuation prefix is glued to the one before (prefix removed), any other gets a
/// space before it (not the first).
struct WordPieceDecoding {
    /// nil: no decoder, pieces are joined with spaces.
    var prefix: String? = "##"
    /// The decoder's own clean-up of each piece (tokenizer.json's decoder.cleanup).
    var cleanup = true
    /// transformers' clean-up of the whole text (tokenizer_config.json).
    var cleanUpTokenizationSpaces = false

    func decode(_ pieces: [String]) -> String {
        let prefixScalars = prefix.map { Array($0.unicodeScalars) }
        var text = ""
        for (i, piece) in pieces.enumerated() {
            var p = piece
            if i > 0 {
                let scalars = piece.unicodeScalars
                if let prefixScalars, scalars.starts(with: prefixScalars) {
                    p = String(scalars.dropFirst(prefixScalars.count))
                } else {
                    p = " " + piece
                }
            }
            text += cleanup ? DecodingCleanup.wordPiece(p) : p
        }
        return cleanUpTokenizationSpaces ? DecodingCleanup.transformers(text) : text
    }
}
