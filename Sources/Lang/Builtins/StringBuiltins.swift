import Foundation

/// The methods of strings.
extension CoreBuiltins {
    /// The longest string a builtin builds (join, replace): 128 MiB of UTF-8.
    static let maxStringBytes = 1 << 27

    static func checkStringSize(_ bytes: Int, _ what: String) throws {
        guard bytes <= maxStringBytes else {
            throw RuntimeError(
                "\(what) would build a string of \(bytes) bytes, more than the limit of \(maxStringBytes)")
        }
    }

    /// Registers a method of strings; `body` gets the string it is called on.
    static func stringMethod(_ r: Registry, _ name: String, _ params: String, returns: String, _ summary: String,
                             example: String, _ body: @escaping (String, Call) throws -> Value) {
        valueMethod(r, "string", name, params, returns: returns, summary, example: example,
                    { if case .string(let s)? = $0 { s } else { nil } }, body)
    }

    /// Splitting a string and testing its ends.
    static func registerStringQueries(_ r: Registry) {
        stringMethod(r, "split", "separator: string? = nil", returns: "list",
                     "Splits on a separator (whitespace by default).",
                     example: "\"a b  c\".split()") { s, c in
            if let sep = try c.optionalString("separator"), !sep.isEmpty {
                return .list(s.components(separatedBy: sep).map { .string($0) })
            }
            return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
        }
        stringMethod(r, "startswith", "prefix: string", returns: "bool", "Whether the string starts with prefix.",
                     example: "\"xai\".startswith(\"x\")") { s, c in
            .bool(s.hasPrefix(try c.string("prefix")))
        }
        stringMethod(r, "endswith", "suffix: string", returns: "bool", "Whether the string ends with suffix.",
                     example: "\"xai\".endswith(\"i\")") { s, c in
            .bool(s.hasSuffix(try c.string("suffix")))
        }
    }

    /// New strings made from this one (join and replace within the size limit).
    static func registerStringCopies(_ r: Registry) {
        stringMethod(r, "lower", "", returns: "string", "Lower-case copy.", example: "\"ABC\".lower()") { s, _ in
            .string(s.lowercased())
        }
        stringMethod(r, "upper", "", returns: "string", "Upper-case copy.", example: "\"abc\".upper()") { s, _ in
            .string(s.uppercased())
        }
        stringMethod(r, "join", "items: list", returns: "string", "Joins items' text with this string between them.",
                     example: "\", \".join([\"a\", \"b\"])") { s, c in
            let parts = try c.list("items").map(\.display)
            let bytes = parts.reduce(s.utf8.count * max(0, parts.count - 1)) { $0 + $1.utf8.count }
            try checkStringSize(bytes, "join()")
            return .string(parts.joined(separator: s))
        }
        stringMethod(r, "strip", "", returns: "string", "Copy without leading and trailing whitespace.",
                     example: "\"  x \".strip()") { s, _ in
            .string(s.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        stringMethod(r, "replace", "old: string, new: string", returns: "string",
                     "Copy with every occurrence of old replaced.", example: "\"a-b\".replace(\"-\", \"+\")") { s, c in
            let old = try c.string("old")
            guard !old.isEmpty else { throw RuntimeError("replace(): old must not be empty") }
            let new = try c.string("new")
            if new.utf8.count > old.utf8.count {
                let occurrences = s.components(separatedBy: old).count - 1
                try checkStringSize(s.utf8.count + occurrences * (new.utf8.count - old.utf8.count), "replace()")
            }
            return .string(s.replacingOccurrences(of: old, with: new))
        }
    }
}
