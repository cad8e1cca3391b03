/// BERT's pre-tokenizer: words are separated by whitespace, and every punctuation character
/// is a word of its own.
enum BertPreTokenizer {
    /// Appends the ranges of the words of `text[range]` to `words`.
    static func split(_ text: [Unicode.Scalar], _ range: Range<Int>, into words: inout [Range<Int>]) {
        var start = -1
        for i in range {
            let c = text[i]
            if BertCharacters.isWhitespace(c) {
                if start >= 0 { words.append(start..<i) }
                start = -1
            } else if BertCharacters.isPunctuation(c) {
                if start >= 0 { words.append(start..<i) }
                words.append(i..<(i + 1))
                start = -1
            } else if start < 0 {
                start = i
            }
        }
        if start >= 0 { words.append(start..<range.upperBound) }
    }
}
