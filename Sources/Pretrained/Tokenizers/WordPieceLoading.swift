import Foundation

extension WordPieceTokenizer {
    /// BERT's five special tokens, kept whole when found in the text.
    static let bertSpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// From a vocab.txt (one piece per line; the id is the line number, from 0), with BERT's
    /// settings, changed by a tokenizer_config.json if one is given (do_lower_case,
    /// strip_accents, tokenize_chinese_chars, the special tokens).
    public convenience init(vocabularyFile: URL, configFile: URL? = nil) throws {
        let config = try TokenizerConfig.optional(configFile)
        let lines = try TokenizerFiles.lines(vocabularyFile)
        let name = vocabularyFile.lastPathComponent
        guard !lines.isEmpty else {
            throw TokenizerFileError("\(name) is empty; it should list the vocabulary's pieces, one per line")
        }
        var ids: [String: Int] = [:]
        ids.reserveCapacity(lines.count)
        for (i, t) in lines.enumerated() { ids[t] = i }   // a repeated line: the last one's id
        let unknown = config.unknownToken ?? "[UNK]"
        guard let unknownId = ids[unknown] else {
            throw TokenizerFileError("\(name) has no unknown token \"\(unknown)\"; WordPiece needs one for the words "
                                     + "it cannot split (\(lines.count) lines read)")
        }
        let cls = config.classifierToken ?? "[CLS]", sep = config.separatorToken ?? "[SEP]"
        guard let clsId = ids[cls], let sepId = ids[sep] else {
            throw TokenizerFileError("\(name) should hold BERT's \"\(cls)\" and \"\(sep)\", which go around every "
                                     + "text; found no \"\(ids[cls] == nil ? cls : sep)\"")
        }
        var added = config.addedTokens
        try PieceVocabulary.check(added, bound: lines.count + added.count, file: "tokenizer_config.json",
                                  field: "added_tokens_decoder")
        let names = Self.bertSpecialTokens + config.specialTokens
        for special in names where !added.contains(where: { $0.content == special }) {
            if let id = ids[special] { added.append(AddedToken(content: special, id: id, special: true)) }
        }
        var vocabulary = PieceVocabulary(tokens: lines, ids: ids)
        vocabulary.add(added)
        let normalizer = BertNormalizer(cleanText: true, handleChineseChars: config.tokenizeChineseChars ?? true,
                                        stripAccents: config.stripAccents ?? nil, lowercase: config.doLowerCase ?? true)
        let model = WordPieceModel(vocabulary: ids, unknownId: unknownId, continuationPrefix: "##",
                                   maxInputCharacters: 100)
        self.init(vocabulary: vocabulary, model: model, normalizer: normalizer, added: added,
                  template: .bert(cls: (cls, clsId), sep: (sep, sepId)),
                  decoding: WordPieceDecoding(cleanUpTokenizationSpaces: config.cleanUpTokenizationSpaces),
                  paddingId: vocabulary.paddingId(pad: [config.padToken, "[PAD]"].compactMap { $0 },
                                                  endOfText: [config.endOfTextToken].compactMap { $0 },
                                                  unknown: [unknown]))
    }

    /// From a tokenizer.json whose model is WordPiece, with a tokenizer_config.json if one is
    /// given (its do_lower_case, strip_accents and tokenize_chinese_chars win, as in transformers).
    public convenience init(tokenizerFile: URL, configFile: URL? = nil) throws {
        let file = try TokenizerJSON(contentsOf: tokenizerFile)
        guard file.modelType == "WordPiece" else {
            if TokenizerJSON.supportedKinds.contains(file.modelType) {
                throw TokenizerFileError("tokenizer.json: model.type is \"\(file.modelType)\"; a WordPiece "
                                         + "tokenizer needs \"WordPiece\"")
            }
            throw file.unsupported()
        }
        try self.init(file, config: try TokenizerConfig.optional(configFile))
    }

    convenience init(_ file: TokenizerJSON, config: TokenizerConfig) throws {
        let json = file.json, model = file.model
        let added = try file.addedTokens()
        let map = try file.modelVocabulary()
        var vocabulary = PieceVocabulary(map: map)
        vocabulary.add(added)
        let unknown = try json.string(model, "unk_token", at: "model.unk_token") ?? "[UNK]"
        guard let unknownId = map[unknown] else {
            throw TokenizerFileError("tokenizer.json: model.unk_token is \"\(unknown)\", which model.vocab does not "
                                     + "hold; WordPiece needs it for the words it cannot split")
        }
        let maxCharacters = try json.int(model, "max_input_chars_per_word", at: "model.max_input_chars_per_word") ?? 100
        guard maxCharacters >= 0 else {
            throw TokenizerFileError("tokenizer.json: model.max_input_chars_per_word should be 0 or more, "
                                     + "found \(maxCharacters)")
        }
        let prefix = try json.string(model, "continuing_subword_prefix", at: "model.continuing_subword_prefix") ?? "##"
        try Self.checkPreTokenizer(file)
        let wordPiece = WordPieceModel(vocabulary: map, unknownId: unknownId, continuationPrefix: prefix,
                                       maxInputCharacters: maxCharacters)
        var decoding = try Self.decoding(file)
        decoding.cleanUpTokenizationSpaces = config.cleanUpTokenizationSpaces
        self.init(vocabulary: vocabulary, model: wordPiece, normalizer: try Self.normalizer(file, config),
                  added: added, template: try file.template(vocabulary), decoding: decoding,
                  paddingId: vocabulary.paddingId(pad: [config.padToken, "[PAD]"].compactMap { $0 },
                                                  endOfText: [config.endOfTextToken].compactMap { $0 },
                                                  unknown: [unknown]))
    }

    /// normalizer: BertNormalizer (or none), with tokenizer_config.json's settings over it.
    private static func normalizer(_ file: TokenizerJSON, _ config: TokenizerConfig) throws -> BertNormalizer? {
        let json = file.json
        guard let n = try json.object(file.root, "normalizer", at: "normalizer") else { return nil }
        let type = try json.string(n, "type", at: "normalizer.type") ?? "(none)"
        guard type == "BertNormalizer" else {
            throw TokenizerFileError("tokenizer.json: normalizer.type is \"\(type)\"; a WordPiece tokenizer "
                                     + "supports \"BertNormalizer\" or no normalizer")
        }
        var normalizer = BertNormalizer(
            cleanText: try json.bool(n, "clean_text", at: "normalizer.clean_text") ?? true,
            handleChineseChars: try json.bool(n, "handle_chinese_chars", at: "normalizer.handle_chinese_chars") ?? true,
            stripAccents: try json.bool(n, "strip_accents", at: "normalizer.strip_accents"),
            lowercase: try json.bool(n, "lowercase", at: "normalizer.lowercase") ?? true)
        if let lower = config.doLowerCase { normalizer.lowercase = lower }
        if let strip = config.stripAccents { normalizer.stripAccents = strip }
        if let chinese = config.tokenizeChineseChars { normalizer.handleChineseChars = chinese }
        return normalizer
    }

    private static func checkPreTokenizer(_ file: TokenizerJSON) throws {
        let p = try file.json.object(file.root, "pre_tokenizer", at: "pre_tokenizer")
        let type = try p.map { try file.json.string($0, "type", at: "pre_tokenizer.type") ?? "(none)" } ?? "null"
        guard type == "BertPreTokenizer" else {
            throw TokenizerFileError("tokenizer.json: pre_tokenizer is \(p == nil ? "null" : "\"\(type)\""); "
                                     + "a WordPiece tokenizer supports \"BertPreTokenizer\"")
        }
    }

    /// decoder: WordPiece (prefix, cleanup), or none (pieces joined with spaces).
    private static func decoding(_ file: TokenizerJSON) throws -> WordPieceDecoding {
        let json = file.json
        guard let d = try json.object(file.root, "decoder", at: "decoder") else {
            return WordPieceDecoding(prefix: nil, cleanup: false)
        }
        let type = try json.string(d, "type", at: "decoder.type") ?? "(none)"
        guard type == "WordPiece" else {
            throw TokenizerFileError("tokenizer.json: decoder.type is \"\(type)\"; a WordPiece tokenizer supports "
                                     + "the \"WordPiece\" decoder or none")
        }
        return WordPieceDecoding(prefix: try json.string(d, "prefix", at: "decoder.prefix") ?? "##",
                                 cleanup: try json.bool(d, "cleanup", at: "decoder.cleanup") ?? true)
    }
}
