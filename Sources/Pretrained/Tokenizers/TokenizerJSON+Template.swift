import Foundation

/// tokenizer.json's post_processor: where special tokens go around a text or a pair.
extension TokenizerJSON {
    /// The post-processor as a template (none adds no special tokens).
    func template(_ vocabulary: PieceVocabulary) throws -> TokenTemplate {
        guard let p = try json.object(root, "post_processor", at: "post_processor") else { return .plain }
        return try template(p, at: "post_processor", vocabulary)
    }

    private func template(_ p: [String: Any], at path: String, _ vocabulary: PieceVocabulary) throws -> TokenTemplate {
        let type = try json.string(p, "type", at: "\(path).type") ?? "(none)"
        switch type {
        case "TemplateProcessing":
            return try templateProcessing(p, at: path, vocabulary)
        case "BertProcessing", "RobertaProcessing":
            let cls = try pairField(p, "cls", at: path, vocabulary)
            let sep = try pairField(p, "sep", at: path, vocabulary)
            return type == "BertProcessing" ? .bert(cls: cls, sep: sep) : .roberta(cls: cls, sep: sep)
        case "ByteLevel":
            return .plain
        case "Sequence":
            var result = TokenTemplate.plain
            for (i, item) in (try json.array(p, "processors", at: "\(path).processors") ?? []).enumerated() {
                guard let o = item as? [String: Any] else { continue }
                let t = try template(o, at: "\(path).processors[\(i)]", vocabulary)
                if t != .plain { result = t }
            }
            return result
        default:
            throw TokenizerFileError("tokenizer.json: \(path).type is \"\(type)\"; the supported post-processors are "
                                     + "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and Sequence")
        }
    }

    /// ["[CLS]", 101]
    private func pairField(_ p: [String: Any], _ key: String, at path: String,
                           _ vocabulary: PieceVocabulary) throws -> (String, Int) {
        let value = p[key]
        guard let a = value as? [Any], a.count == 2, let token = a[0] as? String else {
            throw TokenizerFileError("tokenizer.json: \(path).\(key) should be [token, id], "
                                     + "found \(JSONField.describe(value))")
        }
        let id = try json.integer(a[1], at: "\(path).\(key)[1]")
        try checkSpecialId(id, token, at: "\(path).\(key)", vocabulary)
        return (token, id)
    }

    private func checkSpecialId(_ id: Int, _ token: String, at path: String, _ vocabulary: PieceVocabulary) throws {
        guard id >= 0 && id < vocabulary.count else {
            throw TokenizerFileError("tokenizer.json: \(path) gives \"\(token)\" the id \(id), "
                                     + "outside the vocabulary's ids 0..<\(vocabulary.count)")
        }
    }

    /// {"single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, …],
    ///  "pair": […], "special_tokens": {"[CLS]": {"ids": [101], "tokens": ["[CLS]"]}}}
    private func templateProcessing(_ p: [String: Any], at path: String,
                                    _ vocabulary: PieceVocabulary) throws -> TokenTemplate {
        let specials = try json.object(p, "special_tokens", at: "\(path).special_tokens") ?? [:]
        func items(_ key: String) throws -> [TokenTemplate.Item] {
            let list = try json.array(p, key, at: "\(path).\(key)") ?? []
            return try list.enumerated().map { i, element in
                let at = "\(path).\(key)[\(i)]"
                guard let o = element as? [String: Any], o.count == 1, let (kind, body) = o.first,
                      let item = body as? [String: Any] else {
                    throw TokenizerFileError("tokenizer.json: \(at) should be {\"SpecialToken\": …} or "
                                             + "{\"Sequence\": …}, found \(JSONField.describe(element))")
                }
                let name = try json.requiredString(item, "id", at: "\(at).\(kind).id")
                let typeId = try json.int(item, "type_id", at: "\(at).\(kind).type_id") ?? 0
                switch kind {
                case "Sequence":
                    guard name == "A" || name == "B" else {
                        throw TokenizerFileError("tokenizer.json: \(at).Sequence.id should be \"A\" or \"B\", "
                                                 + "found \"\(name)\"")
                    }
                    return .sequence(second: name == "B", typeId: typeId)
                case "SpecialToken":
                    return try special(name, typeId: typeId, specials, at: "\(path).special_tokens", vocabulary)
                default:
                    throw TokenizerFileError("tokenizer.json: \(at) should be {\"SpecialToken\": …} or "
                                             + "{\"Sequence\": …}, found \"\(kind)\"")
                }
            }
        }
        return TokenTemplate(single: try items("single"), pair: try items("pair"))
    }

    private func special(_ name: String, typeId: Int, _ specials: [String: Any], at path: String,
                         _ vocabulary: PieceVocabulary) throws -> TokenTemplate.Item {
        guard let entry = specials[name] as? [String: Any] else {
            throw TokenizerFileError("tokenizer.json: \(path) should describe \"\(name)\", which the template uses; "
                                     + "found \(JSONField.describe(specials[name]))")
        }
        let idList = try json.array(entry, "ids", at: "\(path)[\"\(name)\"].ids") ?? []
        let tokenList = try json.array(entry, "tokens", at: "\(path)[\"\(name)\"].tokens") ?? []
        let ids = try idList.map { try json.integer($0, at: "\(path)[\"\(name)\"].ids") }
        let tokens = tokenList.compactMap { $0 as? String }
        guard ids.count == tokens.count, !ids.isEmpty else {
            throw TokenizerFileError("tokenizer.json: \(path)[\"\(name)\"] should have as many tokens as ids "
                                     + "(at least one), found \(ids.count) ids and \(tokens.count) tokens")
        }
        for (id, t) in zip(ids, tokens) { try checkSpecialId(id, t, at: "\(path)[\"\(name)\"]", vocabulary) }
        return .special(ids: ids, tokens: tokens, typeId: typeId)
    }
}
