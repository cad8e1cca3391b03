/// A tokenizer that turns text into the ids a pretrained model was trained with (BERT's
/// WordPiece, GPT-2's byte-level BPE). Explanations group its pieces into the words of the
/// text, and put `paddingId` where a removed token was.
public protocol SubwordTokenizer: AnyObject {
    /// "WordPiece" or "byte-level BPE", for messages and the token view.
    var kind: String { get }
    var vocabularySize: Int { get }
    /// The id that stands for a removed token: [PAD] if the vocabulary has one, else the
    /// end-of-text token, else the unknown token, else 0.
    var paddingId: Int { get }
    /// The ids of one text (or a pair, with token types 0 then 1), with the special tokens the
    /// model expects ([CLS] … [SEP] for BERT; none for GPT-2) when `specialTokens` is true.
    func encode(_ text: String, pair: String?, specialTokens: Bool) throws -> EncodedText
    /// Text from ids: pieces joined back into words; special tokens left out if asked.
    func decode(_ ids: [Int], skippingSpecialTokens: Bool) -> String
    /// The piece an id stands for, as the vocabulary spells it ("##ing", "Ġthe").
    func token(of id: Int) -> String?
    func id(of token: String) -> Int?
}

extension SubwordTokenizer {
    /// A piece as people read it: WordPiece pieces as the vocabulary spells them ("##ing"),
    /// byte-level pieces decoded to their text ("Ġthe" is " the").
    public func readablePiece(_ token: String, id: Int) -> String {
        kind == "WordPiece" ? token : decode([id], skippingSpecialTokens: false)
    }
}

/// A text as a pretrained model's tokenizer splits it.
public struct EncodedText: Equatable {
    /// One entry per token.
    public var ids: [Int]
    public var tokens: [String]
    /// Token types (segment ids): 0 for the first text, 1 for the pair.
    public var typeIds: [Int]
    /// Whether each token is a special token ([CLS], [SEP], <|endoftext|>).
    public var special: [Bool]
    /// The index in `words` of the word each token is a piece of; nil for special tokens.
    public var wordOf: [Int?]
    /// The words as written in the text (case and accents kept), for showing to people.
    public var words: [String]

    public init(ids: [Int], tokens: [String], typeIds: [Int], special: [Bool], wordOf: [Int?], words: [String]) {
        self.ids = ids
        self.tokens = tokens
        self.typeIds = typeIds
        self.special = special
        self.wordOf = wordOf
        self.words = words
    }

    public var count: Int { ids.count }
}

extension EncodedText {
    /// The first `limit` tokens, keeping the special tokens that close the text ([SEP]) at the
    /// end, as tokenizers truncate; unchanged when it already fits.
    public func truncated(to limit: Int) -> EncodedText {
        guard count > limit, limit >= 0 else { return self }
        var closing = 0
        while closing < count, closing < limit, special[count - 1 - closing] { closing += 1 }
        let kept = Array(0..<(limit - closing)) + Array((count - closing)..<count)
        return EncodedText(ids: kept.map { ids[$0] }, tokens: kept.map { tokens[$0] },
                           typeIds: kept.map { typeIds[$0] }, special: kept.map { special[$0] },
                           wordOf: kept.map { wordOf[$0] }, words: words)
    }
}
