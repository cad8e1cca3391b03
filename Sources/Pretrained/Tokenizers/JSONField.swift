import Foundation

/// Typed reading of the fields of a JSON object from JSONSerialization. An absent or null
/// field reads as nil; a field of the wrong type is an error naming the file, the field, what
/// was expected and what was found.
struct JSONField {
    /// The file the object came from, for messages.
    let file: String

    static func describe(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "null"
        case let s as String: return "the string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case let n as NSNumber: return "the number \(n)"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "a value of another kind"
        }
    }

    private func wrong(_ path: String, _ expected: String, _ value: Any?) -> TokenizerFileError {
        TokenizerFileError("\(file): \(path) should be \(expected), found \(JSONField.describe(value))")
    }

    private func present(_ object: [String: Any], _ key: String) -> Any? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        return value
    }

    func object(_ object: [String: Any], _ key: String, at path: String) throws -> [String: Any]? {
        guard let value = present(object, key) else { return nil }
        guard let o = value as? [String: Any] else { throw wrong(path, "an object", value) }
        return o
    }

    func array(_ object: [String: Any], _ key: String, at path: String) throws -> [Any]? {
        guard let value = present(object, key) else { return nil }
        guard let a = value as? [Any] else { throw wrong(path, "an array", value) }
        return a
    }

    func string(_ object: [String: Any], _ key: String, at path: String) throws -> String? {
        guard let value = present(object, key) else { return nil }
        guard let s = value as? String else { throw wrong(path, "a string", value) }
        return s
    }

    func bool(_ object: [String: Any], _ key: String, at path: String) throws -> Bool? {
        guard let value = present(object, key) else { return nil }
        guard let b = value as? Bool else { throw wrong(path, "true or false", value) }
        return b
    }

    func int(_ object: [String: Any], _ key: String, at path: String) throws -> Int? {
        guard let value = present(object, key) else { return nil }
        return try integer(value, at: path)
    }

    /// A whole number (JSON numbers such as 1.5 or 1e30 are not).
    func integer(_ value: Any, at path: String) throws -> Int {
        guard !(value is String), let i = value as? Int else { throw wrong(path, "a whole number", value) }
        return i
    }

    func requiredObject(_ object: [String: Any], _ key: String, at path: String) throws -> [String: Any] {
        guard let o = try self.object(object, key, at: path) else { throw wrong(path, "an object", nil) }
        return o
    }

    func requiredString(_ object: [String: Any], _ key: String, at path: String) throws -> String {
        guard let s = try string(object, key, at: path) else { throw wrong(path, "a string", nil) }
        return s
    }

    /// A token named by a configuration: a string, or an object with its "content".
    func tokenName(_ object: [String: Any], _ key: String, at path: String) throws -> String? {
        guard let value = present(object, key) else { return nil }
        if let s = value as? String { return s }
        if let o = value as? [String: Any], let s = o["content"] as? String { return s }
        throw wrong(path, "a token (a string, or an object with \"content\")", value)
    }
}
