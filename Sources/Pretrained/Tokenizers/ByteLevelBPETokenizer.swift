import Training

/// GPT-2's tokenizer: added tokens such as <|endoftext|> are found in the text first and kept
/// whole; the rest is split into chunks by GPT-2's pattern (a space goes with the word after
/// it), each chunk's UTF-8 bytes spelled with GPT-2's printable byte alphabet ("Ġ" is a space)
/// and merged by byte-pair encoding. No special tokens are added around the text.
public final class ByteLevelBPETokenizer: SubwordTokenizer {
    public let kind = "byte-level BPE"
    public let paddingId: Int
    let vocabulary: PieceVocabulary
    let model: BytePairModel
    let added: AddedTokenMatcher
    /// Whether a space is put before each text that does not start with one (RoBERTa's).
    let addPrefixSpace: Bool
    /// Whether the text is split by GPT-2's pattern (else each text is one chunk).
    let usesPattern: Bool
    let template: TokenTemplate
    /// transformers' clean-up of decoded text (tokenizer_config.json).
    let cleanUpTokenizationSpaces: Bool

    init(vocabulary: PieceVocabulary, model: BytePairModel, added: [AddedToken], addPrefixSpace: Bool,
         usesPattern: Bool, template: TokenTemplate, cleanUpTokenizationSpaces: Bool, paddingId: Int) {
        self.vocabulary = vocabulary
        self.model = model
        self.added = AddedTokenMatcher(added)
        self.addPrefixSpace = addPrefixSpace
        self.usesPattern = usesPattern
        self.template = template
        self.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces
        self.paddingId = paddingId
    }

    public var vocabularySize: Int { vocabulary.count }
    public func token(of id: Int) -> String? { vocabulary.token(id) }
    public func id(of token: String) -> Int? { vocabulary.id(token) }

    /// An empty pair is no pair (as transformers reads it).
    public func encode(_ text: String, pair: String?, specialTokens: Bool) throws -> EncodedText {
        let a = encodePart(text)
        let b = pair.flatMap { $0.isEmpty ? nil : encodePart($0) }
        return template.assemble(a, b, specialTokens: specialTokens) { [vocabulary] in vocabulary.token($0) ?? "" }
    }

    /// The pieces of one text; its words are the chunks, spaces included (" we").
    func encodePart(_ text: String) -> EncodedPart {
        let scalars = Array(text.unicodeScalars)
        var part = EncodedPart()
        var chunks: [Range<Int>] = [], ids: [Int] = []
        for piece in added.split(scalars, 0..<scalars.count) {
            switch piece {
            case let .token(k, range):
                let token = added.tokens[k]
                if token.special {
                    part.append(token.id, special: true, word: nil)
                } else {
                    part.append(token.id, special: false, word: part.words.count)
                    part.words.append(spelled(scalars, range))
                }
            case let .text(range):
                var segment = scalars, segmentRange = range
                if addPrefixSpace && scalars[range.lowerBound] != " " {
                    segment = [" "] + scalars[range]
                    segmentRange = 0..<segment.count
                }
                chunks.removeAll(keepingCapacity: true)
                if usesPattern {
                    GPT2PreTokenizer.split(segment, segmentRange, into: &chunks)
                } else {
                    chunks.append(segmentRange)
                }
                for chunk in chunks {
                    let word = spelled(segment, chunk)
                    ids.removeAll(keepingCapacity: true)
                    model.encode(word, into: &ids)
                    let index = part.words.count
                    part.words.append(word)
                    for id in ids { part.append(id, special: false, word: index) }
                }
            }
        }
        return part
    }

    /// The pieces' bytes (a piece with a character outside the byte alphabet stands for its own
    /// UTF-8), read as UTF-8 with each malformed sequence made U+FFFD.
    public func decode(_ ids: [Int], skippingSpecialTokens: Bool) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            guard let t = vocabulary.token(id), !(skippingSpecialTokens && vocabulary.special(id)) else { continue }
            let start = bytes.count
            for c in t.unicodeScalars {
                guard let b = ByteLevelAlphabet.byte(of: c) else {
                    bytes.removeSubrange(start...)
                    bytes += t.utf8
                    break
                }
                bytes.append(b)
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return cleanUpTokenizationSpaces ? DecodingCleanup.transformers(text) : text
    }
}
