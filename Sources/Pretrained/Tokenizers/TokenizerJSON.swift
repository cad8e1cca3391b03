import Foundation

/// What both kinds of tokenizer read from a tokenizer.json (the `tokenizers` library's file):
/// the model's type and vocabulary, the added tokens and the post-processor's template.
struct TokenizerJSON {
    static let supportedKinds = ["WordPiece", "BPE"]

    let root: [String: Any]
    let model: [String: Any]
    let modelType: String
    let json = JSONField(file: "tokenizer.json")

    init(contentsOf url: URL) throws {
        root = try TokenizerFiles.jsonObject(url)
        model = try json.requiredObject(root, "model", at: "model")
        if let type = try json.string(model, "type", at: "model.type") {
            modelType = type
        } else if model["merges"] != nil {
            modelType = "BPE"   // files written before the type was saved
        } else if model["max_input_chars_per_word"] != nil || model["continuing_subword_prefix"] != nil {
            modelType = "WordPiece"
        } else {
            modelType = "(no model.type)"
        }
    }

    func unsupported() -> TokenizerFileError {
        TokenizerFileError("tokenizer.json: model.type is \"\(modelType)\"; the supported kinds are "
                           + TokenizerJSON.supportedKinds.map { "\"\($0)\"" }.joined(separator: " and ")
                           + " (BERT's WordPiece and GPT-2's byte-level BPE)")
    }

    /// The raw entries of added_tokens and of model.vocab, for the bound on ids.
    private var entryCount: Int {
        ((root["added_tokens"] as? [Any])?.count ?? 0) + ((model["vocab"] as? [String: Any])?.count ?? 0)
    }

    func addedTokens() throws -> [AddedToken] {
        guard let list = try json.array(root, "added_tokens", at: "added_tokens") else { return [] }
        let bound = entryCount
        return try list.enumerated().map { i, entry in
            let at = "added_tokens[\(i)]"
            guard let o = entry as? [String: Any] else {
                throw TokenizerFileError("tokenizer.json: \(at) should be an object, "
                                         + "found \(JSONField.describe(entry))")
            }
            let content = try json.requiredString(o, "content", at: "\(at).content")
            guard !content.isEmpty else {
                throw TokenizerFileError("tokenizer.json: \(at).content should be a token, found an empty string")
            }
            guard let id = try json.int(o, "id", at: "\(at).id") else {
                throw TokenizerFileError("tokenizer.json: \(at).id should be a whole number, found null")
            }
            try checkId(id, of: content, in: "added_tokens", bound: bound)
            return try AddedToken(content: content, id: id, options: o, json, at: at)
        }
    }

    private func checkId(_ id: Int, of token: String, in place: String, bound: Int) throws {
        guard id >= 0 && id < bound else {
            throw TokenizerFileError("tokenizer.json: \(place) gives \"\(token)\" the id \(id), outside 0..<\(bound) "
                                     + "(ids count from 0, one for each entry of model.vocab and added_tokens)")
        }
    }

    /// model.vocab (token → id), every id distinct and in range.
    func modelVocabulary() throws -> [String: Int] {
        guard let raw = try json.object(model, "vocab", at: "model.vocab") else {
            throw TokenizerFileError("tokenizer.json: model.vocab should be an object of tokens and their ids, "
                                     + "found \(JSONField.describe(model["vocab"]))")
        }
        guard !raw.isEmpty else {
            throw TokenizerFileError("tokenizer.json: model.vocab should hold the tokens, found an empty object")
        }
        let bound = entryCount
        var map: [String: Int] = [:]
        map.reserveCapacity(raw.count)
        var owner = [String?](repeating: nil, count: bound)
        for (token, value) in raw {
            let id = try json.integer(value, at: "model.vocab[\"\(token)\"]")
            try checkId(id, of: token, in: "model.vocab", bound: bound)
            if let other = owner[id] {
                let pair = [other, token].sorted().map { "\"\($0)\"" }.joined(separator: " and ")
                throw TokenizerFileError("tokenizer.json: model.vocab gives the id \(id) to both \(pair); "
                                         + "each id should name one token")
            }
            owner[id] = token
            map[token] = id
        }
        return map
    }
}
