import Foundation

/// Splits text into tokens.
public enum Tokenizer: Equatable {
    /// Lower-case runs of [a-z0-9']: words keep their apostrophes and digits.
    case words
    case characters

    /// The token a masked-language model predicts.
    public static let mask = "[MASK]"

    public func tokens(_ text: String) -> [String] {
        switch self {
        case .characters: return text.map { String($0) }
        case .words:
            // "[MASK]" stays one token, so masked-language models can be asked to fill it.
            if text.contains(Tokenizer.mask) {
                let parts = text.components(separatedBy: Tokenizer.mask)
                return parts.enumerated().flatMap { i, part in (i > 0 ? [Tokenizer.mask] : []) + tokens(part) }
            }
            return Tokenizer.splitWords(text, keepingCase: false)
        }
    }

    /// The words of a text: runs of ASCII letters, digits and apostrophes, as lime's
    /// split_expression [^a-zA-Z0-9']+ finds them; every other character separates words.
    /// Without `keepingCase` the text is lower-cased before it is split (the words tokenizer;
    /// this turns a few other letters, such as the Kelvin sign, into ASCII ones); with it each
    /// word stays as written, for showing to people.
    public static func splitWords(_ text: String, keepingCase: Bool) -> [String] {
        var out: [String] = []
        var cur = ""
        for u in (keepingCase ? text : text.lowercased()).unicodeScalars {
            if (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "'" {
                cur.unicodeScalars.append(u)
            } else if !cur.isEmpty {
                out.append(cur); cur = ""
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}
