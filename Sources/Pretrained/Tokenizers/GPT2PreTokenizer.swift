/// GPT-2's pre-tokenizer: the text split as the pattern
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` splits it,
/// written out by hand. A space goes with the word after it; of a run of whitespace before a
/// word, all but the last character are a chunk of their own.
enum GPT2PreTokenizer {
    private enum Class: UInt8 { case letter, number, space, other }

    /// The classes of the ASCII characters.
    private static let asciiClasses: [Class] = (0..<128).map { v in
        let c = Unicode.Scalar(UInt8(v))
        return classify(c)
    }

    private static func classify(_ c: Unicode.Scalar) -> Class {
        let p = c.properties
        if p.isWhitespace { return .space }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    @inline(__always)
    private static func classOf(_ c: Unicode.Scalar) -> Class {
        c.value < 128 ? asciiClasses[Int(c.value)] : classify(c)
    }

    /// Appends the ranges of the chunks of `text[range]` to `chunks`.
    static func split(_ text: [Unicode.Scalar], _ range: Range<Int>, into chunks: inout [Range<Int>]) {
        let end = range.upperBound
        var i = range.lowerBound
        while i < end {
            let stop = chunkEnd(text, i, end)
            chunks.append(i..<stop)
            i = stop
        }
    }

    /// Where the chunk that starts at `i` ends.
    private static func chunkEnd(_ text: [Unicode.Scalar], _ i: Int, _ end: Int) -> Int {
        let c = text[i]
        if c == "'" && i + 1 < end {
            let a = text[i + 1]
            if a == "s" || a == "t" || a == "m" || a == "d" { return i + 2 }
            if i + 2 < end {
                let b = text[i + 2]
                if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return i + 3 }
            }
        }
        // An optional space, then a run of letters, of digits or of other non-space characters.
        let start = c == " " && i + 1 < end ? i + 1 : i
        let kind = classOf(text[start])
        if kind != .space {
            var j = start + 1
            while j < end && classOf(text[j]) == kind { j += 1 }
            return j
        }
        // Whitespace: up to the end, or all but the last character before a non-space (which
        // takes that one as its optional space), or a single whitespace character.
        var j = i + 1
        while j < end && classOf(text[j]) == .space { j += 1 }
        if j == end || j - i < 2 { return j }
        return j - 1
    }
}
