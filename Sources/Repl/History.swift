import Foundation
import Tensors

/// Entries typed at the prompt, kept across sessions in a file (`~/.xai_history`, or
/// `$XAI_HISTORY`). One entry per line; backslash and newline are escaped (`\\`, `\n`) so a
/// multi-line function is one entry and any UTF-8 text survives. Saved atomically.
public struct History {
    public static let limit = 1000
    public private(set) var entries: [String] = []
    public let url: URL?

    public init(url: URL?) {
        self.url = url
        if let url, let data = FileManager.default.contents(atPath: url.path) {
            let text = String(decoding: data, as: UTF8.self)
            entries = text.split(separator: "\n", omittingEmptySubsequences: true).map { History.decode(String($0)) }
            if entries.count > History.limit { entries.removeFirst(entries.count - History.limit) }
        }
    }

    public static var defaultURL: URL { url(environment: ProcessInfo.processInfo.environment) }

    /// XAI_HISTORY, else ~/.xai_history with ~ from $HOME.
    static func url(environment: [String: String]) -> URL {
        if let p = environment["XAI_HISTORY"], !p.isEmpty { return URL(fileURLWithPath: p) }
        // $HOME first, as shells do; the password database only when it is unset.
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
        return (home ?? FileManager.default.homeDirectoryForCurrentUser).appendingPathComponent(".xai_history")
    }

    /// Adds an entry (not blank, not a repeat of the last one).
    public mutating func add(_ entry: String) {
        let e = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !e.isEmpty, entries.last != e else { return }
        entries.append(e)
        if entries.count > History.limit { entries.removeFirst(entries.count - History.limit) }
    }

    public func save() throws {
        guard let url else { return }
        let text = entries.map(History.encode).joined(separator: "\n") + "\n"
        try SafeFile.write(Data(text.utf8), to: url)
    }

    /// What a history line escapes: only what would break the one-entry-per-line format
    /// (unlike a string literal or JSON, quotes and tabs stay as they are).
    static let escapes: [Unicode.Scalar: String] = ["\\": "\\\\", "\n": "\\n", "\r": "\\r"]

    static func encode(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if let e = escapes[c] { out += e } else { out.unicodeScalars.append(c) }
        }
        return out
    }

    static func decode(_ s: String) -> String {
        var out = ""
        var escape = false
        for c in s.unicodeScalars {
            if escape {
                switch c {
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(c)
                }
                escape = false
            } else if c == "\\" {
                escape = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
