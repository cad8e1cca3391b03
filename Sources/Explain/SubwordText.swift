import Foundation
import Layers
import Tensors
import Training

/// Text for a pretrained model, split by its own tokenizer (WordPiece, byte-level BPE): the
/// units explained are the text's words, each the sum of its pieces, or with `pieces` the
/// pieces themselves. Special tokens ([CLS], [SEP]) stay in place and are never removed; a
/// removed piece becomes the tokenizer's padding id.
enum SubwordText {
    static func subject(_ model: Model, _ tokenizer: SubwordTokenizer, _ text: String, pair: String? = nil,
                        target: Int?, output: OutputKind, pieces: Bool) throws -> Explainee {
        var enc = try tokenizer.encode(text, pair: pair, specialTokens: true)
        // A language model reads its last `context` tokens.
        if let lm = model.module as? NextTokenModel, enc.count > lm.gpt.context {
            enc = suffix(enc, lm.gpt.context)
        }
        // An encoder reads at most its positions: the text is cut, as its tokenizer truncates.
        if let bounded = model.module as? BoundedTextModel { enc = enc.truncated(to: bounded.maxTokens) }
        let (units, names) = pieces ? pieceUnits(enc, tokenizer) : wordUnits(enc)
        guard !names.isEmpty else { throw TensorError.value("the text \"\(text)\" has no words to explain") }
        let removed = enc.special.map { _ in tokenizer.paddingId }
        let s = try Explainee.text(model: model, ids: enc.ids, units: units, names: names, removedIds: removed,
                                   target: target, output: output)
        s.removedTokenName = tokenizer.token(of: tokenizer.paddingId) ?? "id \(tokenizer.paddingId)"
        return s
    }

    /// One unit per word that has pieces, named as the text writes it (spaces trimmed).
    static func wordUnits(_ enc: EncodedText) -> (units: [Int?], names: [String]) {
        var renumber: [Int: Int] = [:]
        var names: [String] = []
        let units: [Int?] = enc.wordOf.map { w in
            guard let w else { return nil }
            if let u = renumber[w] { return u }
            renumber[w] = names.count
            names.append(display(w < enc.words.count ? enc.words[w] : "?"))
            return names.count - 1
        }
        return (units, names)
    }

    /// One unit per piece that is not a special token, named as the vocabulary spells it
    /// (byte-level pieces decoded to text).
    static func pieceUnits(_ enc: EncodedText, _ tokenizer: SubwordTokenizer) -> (units: [Int?], names: [String]) {
        var names: [String] = []
        let units: [Int?] = enc.ids.indices.map { t in
            guard !enc.special[t] else { return nil }
            names.append(display(tokenizer.readablePiece(enc.tokens[t], id: enc.ids[t])))
            return names.count - 1
        }
        return (units, names)
    }

    /// A word or piece as a label: surrounding spaces dropped, line breaks and blank pieces made visible.
    static func display(_ s: String) -> String {
        let trimmed = s.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return s.contains("\n") ? "⏎" : "␣" }
        return trimmed.replacingOccurrences(of: "\n", with: "⏎")
    }

    /// The last `n` tokens of an encoded text.
    static func suffix(_ enc: EncodedText, _ n: Int) -> EncodedText {
        let k = enc.count - n
        return EncodedText(ids: Array(enc.ids.dropFirst(k)), tokens: Array(enc.tokens.dropFirst(k)),
                           typeIds: Array(enc.typeIds.dropFirst(k)), special: Array(enc.special.dropFirst(k)),
                           wordOf: Array(enc.wordOf.dropFirst(k)), words: enc.words)
    }
}
