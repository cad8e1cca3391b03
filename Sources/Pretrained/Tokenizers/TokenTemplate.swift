import Training

/// Where the special tokens go around one text or a pair ([CLS] A [SEP] B [SEP] for BERT,
/// nothing for GPT-2), and the token type of each part: tokenizer.json's post_processor.
struct TokenTemplate: Equatable {
    enum Item: Equatable {
        /// Special tokens (their ids and spellings) of a token type.
        case special(ids: [Int], tokens: [String], typeId: Int)
        /// The first text (A) or the pair (B), with its token type.
        case sequence(second: Bool, typeId: Int)
    }

    var single: [Item]
    var pair: [Item]

    /// No special tokens; the pair's tokens have type 1.
    static let plain = TokenTemplate(single: [.sequence(second: false, typeId: 0)],
                                     pair: [.sequence(second: false, typeId: 0), .sequence(second: true, typeId: 1)])

    /// BERT's: [CLS] A [SEP] (B [SEP]), types 0 for A and 1 for B.
    static func bert(cls: (String, Int), sep: (String, Int)) -> TokenTemplate {
        let c = Item.special(ids: [cls.1], tokens: [cls.0], typeId: 0)
        let s0 = Item.special(ids: [sep.1], tokens: [sep.0], typeId: 0)
        let s1 = Item.special(ids: [sep.1], tokens: [sep.0], typeId: 1)
        return TokenTemplate(single: [c, .sequence(second: false, typeId: 0), s0],
                             pair: [c, .sequence(second: false, typeId: 0), s0, .sequence(second: true, typeId: 1), s1])
    }

    /// RoBERTa's: <s> A </s> (</s> B </s>), all of type 0.
    static func roberta(cls: (String, Int), sep: (String, Int)) -> TokenTemplate {
        let c = Item.special(ids: [cls.1], tokens: [cls.0], typeId: 0)
        let s = Item.special(ids: [sep.1], tokens: [sep.0], typeId: 0)
        return TokenTemplate(single: [c, .sequence(second: false, typeId: 0), s],
                             pair: [c, .sequence(second: false, typeId: 0), s, s,
                                    .sequence(second: true, typeId: 0), s])
    }
}

/// The pieces of one text before the template adds special tokens.
struct EncodedPart {
    var ids: [Int] = []
    var special: [Bool] = []
    /// Index into `words`, per piece.
    var wordOf: [Int?] = []
    var words: [String] = []

    mutating func append(_ id: Int, special isSpecial: Bool, word: Int?) {
        ids.append(id)
        special.append(isSpecial)
        wordOf.append(word)
    }
}

extension TokenTemplate {
    /// The whole encoding: the parts placed by the template (or one after the other without
    /// special tokens), the pair's words numbered after the first text's.
    func assemble(_ a: EncodedPart, _ b: EncodedPart?, specialTokens: Bool,
                  token: (Int) -> String) -> EncodedText {
        let items: [Item]
        if specialTokens {
            items = b == nil ? single : pair
        } else {
            items = b == nil ? TokenTemplate.plain.single : TokenTemplate.plain.pair
        }
        var out = EncodedText(ids: [], tokens: [], typeIds: [], special: [], wordOf: [],
                              words: a.words + (b?.words ?? []))
        for item in items {
            switch item {
            case let .special(ids, tokens, typeId):
                for (id, t) in zip(ids, tokens) {
                    out.ids.append(id)
                    out.tokens.append(t)
                    out.typeIds.append(typeId)
                    out.special.append(true)
                    out.wordOf.append(nil)
                }
            case let .sequence(second, typeId):
                guard let part = second ? b : a else { continue }
                let offset = second ? a.words.count : 0
                out.ids += part.ids
                out.tokens += part.ids.map(token)
                out.typeIds += repeatElement(typeId, count: part.ids.count)
                out.special += part.special
                out.wordOf += part.wordOf.map { $0.map { $0 + offset } }
            }
        }
        return out
    }
}
