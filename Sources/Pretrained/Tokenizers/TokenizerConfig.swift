import Foundation

/// What transformers' tokenizer_config.json says that the tokenizer files may not: lower-casing
/// and accents for BERT, the special tokens, and the clean-up of decoded text.
struct TokenizerConfig {
    var doLowerCase: Bool?
    /// Present in the file (null means: follow lower-casing).
    var stripAccents: Bool??
    var tokenizeChineseChars: Bool?
    var addPrefixSpace: Bool?
    /// transformers' clean_up_tokenization_spaces (" ." → "." and so on, after decoding).
    var cleanUpTokenizationSpaces = false
    var unknownToken: String?
    var padToken: String?
    var endOfTextToken: String?
    var classifierToken: String?
    var separatorToken: String?
    /// Every special token the file names (cls, sep, pad, mask, unk, bos, eos and additional ones).
    var specialTokens: [String] = []
    /// added_tokens_decoder: tokens with their ids and matching options.
    var addedTokens: [AddedToken] = []

    init() {}

    init(contentsOf url: URL) throws {
        let o = try TokenizerFiles.jsonObject(url)
        let json = JSONField(file: url.lastPathComponent)
        doLowerCase = try json.bool(o, "do_lower_case", at: "do_lower_case")
        if o["strip_accents"] != nil { stripAccents = .some(try json.bool(o, "strip_accents", at: "strip_accents")) }
        tokenizeChineseChars = try json.bool(o, "tokenize_chinese_chars", at: "tokenize_chinese_chars")
        addPrefixSpace = try json.bool(o, "add_prefix_space", at: "add_prefix_space")
        cleanUpTokenizationSpaces = try json.bool(o, "clean_up_tokenization_spaces",
                                                  at: "clean_up_tokenization_spaces") ?? false
        for key in ["unk_token", "cls_token", "sep_token", "pad_token", "mask_token", "bos_token", "eos_token"] {
            if let name = try json.tokenName(o, key, at: key) { specialTokens.append(name) }
        }
        unknownToken = try json.tokenName(o, "unk_token", at: "unk_token")
        padToken = try json.tokenName(o, "pad_token", at: "pad_token")
        endOfTextToken = try json.tokenName(o, "eos_token", at: "eos_token")
        classifierToken = try json.tokenName(o, "cls_token", at: "cls_token")
        separatorToken = try json.tokenName(o, "sep_token", at: "sep_token")
        let additional = try json.array(o, "additional_special_tokens", at: "additional_special_tokens") ?? []
        for (i, item) in additional.enumerated() {
            let name = try json.tokenName(["token": item], "token", at: "additional_special_tokens[\(i)]")
            if let name { specialTokens.append(name) }
        }
        addedTokens = try decoderTokens(o, json)
    }

    /// added_tokens_decoder: {"0": {"content": "[PAD]", "special": true, …}, …}
    private func decoderTokens(_ o: [String: Any], _ json: JSONField) throws -> [AddedToken] {
        guard let map = try json.object(o, "added_tokens_decoder", at: "added_tokens_decoder") else { return [] }
        return try map.keys.sorted().map { key in
            let at = "added_tokens_decoder[\"\(key)\"]"
            guard let id = Int(key), id >= 0, id < 1 << 31 else {
                throw TokenizerFileError("\(json.file): \(at): the key should be a token id (a whole number from 0), "
                                         + "found \"\(key)\"")
            }
            let t = try json.requiredObject(map, key, at: at)
            let content = try json.requiredString(t, "content", at: "\(at).content")
            return try AddedToken(content: content, id: id, options: t, json, at: at)
        }
    }

    /// The configuration beside a tokenizer's files, if there is one.
    static func optional(_ url: URL?) throws -> TokenizerConfig {
        guard let url, TokenizerFiles.exists(url) else { return TokenizerConfig() }
        return try TokenizerConfig(contentsOf: url)
    }
}
