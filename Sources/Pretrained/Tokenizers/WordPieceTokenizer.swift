import Training

/// BERT's tokenizer (Hugging Face's BertTokenizerFast): the text is normalized (BertNormalizer),
/// split into words at whitespace and punctuation (BertPreTokenizer), each word split into
/// WordPiece pieces, and [CLS] … [SEP] put around it. Added tokens such as [MASK] are found in
/// the text first and kept whole.
public final class WordPieceTokenizer: SubwordTokenizer {
    public let kind = "WordPiece"
    public let paddingId: Int
    let vocabulary: PieceVocabulary
    let model: WordPieceModel
    /// nil: the text is used as written.
    let normalizer: BertNormalizer?
    /// Added tokens matched in the text as written, and those matched in the normalized text.
    let rawAdded: AddedTokenMatcher
    let normalizedAdded: AddedTokenMatcher
    let template: TokenTemplate
    let decoding: WordPieceDecoding
    private let decompositions = CanonicalDecompositions()

    init(vocabulary: PieceVocabulary, model: WordPieceModel, normalizer: BertNormalizer?, added: [AddedToken],
         template: TokenTemplate, decoding: WordPieceDecoding, paddingId: Int) {
        self.vocabulary = vocabulary
        self.model = model
        self.normalizer = normalizer
        self.template = template
        self.decoding = decoding
        self.paddingId = paddingId
        rawAdded = AddedTokenMatcher(added.filter { !$0.normalized })
        let decompositions = self.decompositions
        normalizedAdded = AddedTokenMatcher(added.filter { $0.normalized }) { token in
            normalizer?.normalize(token.content, decompositions: decompositions) ?? token.content
        }
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

    /// The pieces of one text, and its words as written.
    func encodePart(_ text: String) -> EncodedPart {
        let scalars = Array(text.unicodeScalars)
        var part = EncodedPart()
        var normalized: [Unicode.Scalar] = [], origins: [Int] = []
        for piece in rawAdded.split(scalars, 0..<scalars.count) {
            switch piece {
            case let .token(k, range):
                appendAdded(rawAdded.tokens[k], written: spelled(scalars, range), to: &part)
            case let .text(range):
                normalized.removeAll(keepingCapacity: true)
                origins.removeAll(keepingCapacity: true)
                if let normalizer {
                    normalizer.normalize(scalars, range, into: &normalized, origins: &origins,
                                         decompositions: decompositions)
                } else {
                    normalized += scalars[range]
                    origins += range
                }
                encodeNormalized(normalized, origins: origins, original: scalars, into: &part)
            }
        }
        return part
    }

    private func encodeNormalized(_ normalized: [Unicode.Scalar], origins: [Int], original: [Unicode.Scalar],
                                  into part: inout EncodedPart) {
        // The characters of the text a range of normalized characters came from.
        func written(_ r: Range<Int>) -> String {
            spelled(original, origins[r.lowerBound]..<(origins[r.upperBound - 1] + 1))
        }
        var words: [Range<Int>] = [], ids: [Int] = []
        for piece in normalizedAdded.split(normalized, 0..<normalized.count) {
            switch piece {
            case let .token(k, range):
                appendAdded(normalizedAdded.tokens[k], written: written(range), to: &part)
            case let .text(range):
                words.removeAll(keepingCapacity: true)
                BertPreTokenizer.split(normalized, range, into: &words)
                for w in words {
                    ids.removeAll(keepingCapacity: true)
                    model.tokenize(normalized, w, into: &ids)
                    let word = part.words.count
                    part.words.append(written(w))
                    for id in ids { part.append(id, special: false, word: word) }
                }
            }
        }
    }

    private func appendAdded(_ token: AddedToken, written: String, to part: inout EncodedPart) {
        if token.special {
            part.append(token.id, special: true, word: nil)
        } else {
            part.append(token.id, special: false, word: part.words.count)
            part.words.append(written)
        }
    }

    public func decode(_ ids: [Int], skippingSpecialTokens: Bool) -> String {
        var pieces: [String] = []
        pieces.reserveCapacity(ids.count)
        for id in ids {
            guard let t = vocabulary.token(id), !(skippingSpecialTokens && vocabulary.special(id)) else { continue }
            pieces.append(t)
        }
        return decoding.decode(pieces)
    }
}

/// Scalars of a text as a string.
func spelled(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[range])
    return String(view)
}
