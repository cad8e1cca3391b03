import Pictures
import Training

/// A text as a pretrained model's tokenizer splits it (tokenize()): each piece over its id,
/// the words grouped, in rows that fit the terminal.
public final class TokensObject: HostObject {
    let encoded: EncodedText
    let tokenizer: SubwordTokenizer
    init(_ encoded: EncodedText, tokenizer: SubwordTokenizer) {
        self.encoded = encoded
        self.tokenizer = tokenizer
    }

    public var typeName: String { "Tokens" }
    public var summary: String {
        "\(encoded.count) \(tokenizer.kind) tokens: " + encoded.tokens.indices.map { shown($0) }.joined(separator: " ")
    }

    /// A piece as people read it: byte-level pieces decoded (spaces as ␣, line breaks as ⏎).
    func shown(_ t: Int) -> String { shown(encoded.tokens[t], id: encoded.ids[t]) }
    func shown(_ token: String, id: Int) -> String {
        tokenizer.readablePiece(token, id: id)
            .replacingOccurrences(of: " ", with: "␣").replacingOccurrences(of: "\n", with: "⏎")
    }

    /// Pieces over their ids, columns as wide as the wider of the two; a │ between words.
    public var display: String {
        var lines = ["\(tokenizer.kind) · \(encoded.count) tokens · \(encoded.words.count) words"]
        var top = "", bottom = "", used = 0
        let limit = max(40, TerminalSize.columns)
        for t in encoded.ids.indices {
            let piece = shown(t), id = String(encoded.ids[t])
            let w = max(TextWidth.of(piece), id.count)
            let newWord = t > 0 && encoded.wordOf[t] != encoded.wordOf[t - 1]
            let gap = t == 0 ? "" : newWord || encoded.wordOf[t] == nil ? " │ " : " "
            if used + gap.count + w > limit, used > 0 {
                lines += [top, bottom]
                top = ""; bottom = ""; used = 0
            } else {
                top += gap; bottom += String(repeating: " ", count: gap.count); used += gap.count
            }
            top += TextWidth.pad(piece, to: w)
            bottom += String(repeating: " ", count: w - id.count) + id
            used += w
        }
        if used > 0 { lines += [top, bottom] }
        if encoded.typeIds.contains(1) { lines.append("token types: " + encoded.typeIds.map(String.init).joined()) }
        return lines.joined(separator: "\n")
    }

    public var propertyNames: [String] { ["ids", "tokens", "words", "type_ids", "word_of", "text", "length"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "ids": return .list(encoded.ids.map { .int($0) })
        case "tokens": return .list(encoded.tokens.map { .string($0) })
        case "words": return .list(encoded.words.map { .string($0) })
        case "type_ids": return .list(encoded.typeIds.map { .int($0) })
        case "word_of": return .list(encoded.wordOf.map { $0.map { .int($0) } ?? .none })
        case "text": return .string(tokenizer.decode(encoded.ids, skippingSpecialTokens: true))
        case "length": return .int(encoded.count)
        default: return nil
        }
    }
}
