/// The character classes of BERT's normalizer and pre-tokenizer, as the Rust tokenizers
/// library computes them. Its control, punctuation and non-spacing-mark tests use Unicode 8.0
/// tables: a character assigned later counts as none of them, whatever its category today.
/// Whitespace and lower case follow current Unicode.
enum BertCharacters {
    /// Whether a character existed in Unicode 8.0, so that its category counts.
    @inline(__always)
    private static func inUnicode8(_ c: Unicode.Scalar) -> Bool {
        guard let age = c.properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }

    /// White_Space (tab, newline and carriage return are in it).
    @inline(__always)
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value == 0x20 || (c.value >= 0x09 && c.value <= 0x0D) }
        return c.properties.isWhitespace
    }

    /// Control, format, private-use and surrogate characters, except tab, newline and
    /// carriage return (vertical tab, form feed and U+0085 are controls here, not whitespace).
    @inline(__always)
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F }
        switch c.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return inUnicode8(c)
        default: return false
        }
    }

    /// ASCII 33–47, 58–64, 91–96 and 123–126 (symbols such as $ + ^ included), or a
    /// character of a punctuation category.
    @inline(__always)
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return inUnicode8(c)
        default: return false
        }
    }

    /// Non-spacing marks: what stripping accents removes after canonical decomposition.
    @inline(__always)
    static func isNonspacingMark(_ c: Unicode.Scalar) -> Bool {
        c.value >= 0x300 && c.properties.generalCategory == .nonspacingMark && inUnicode8(c)
    }

    /// The CJK ideograph blocks BERT puts spaces around (not Hangul, Hiragana or Katakana,
    /// which are written with spaces between words).
    @inline(__always)
    static func isChinese(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
