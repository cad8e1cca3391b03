import Explain
import Foundation
import Training

/// Pure completion logic (no terminal): the word under the cursor, and what Tab inserts.
public enum Completion {
    /// The token being typed at the end of `line`, split at `.` for member completion:
    /// returns (receiver expression before the dot, if any; the partial name).
    public static func word(in line: String) -> (receiver: String?, partial: String, inString: Bool) {
        // Inside an unterminated string: complete file names.
        var quote: Character?
        var start = line.startIndex
        for i in line.indices {
            let c = line[i]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c; start = line.index(after: i) }
        }
        if quote != nil { return (nil, String(line[start...]), true) }
        let stops = Set(" \t()[]{},:;=+-*/%@<>!\n")
        var i = line.endIndex
        while i > line.startIndex, !stops.contains(line[line.index(before: i)]) { i = line.index(before: i) }
        let token = String(line[i...])
        if let dot = token.lastIndex(of: ".") {
            return (String(token[..<dot]), String(token[token.index(after: dot)...]), false)
        }
        return (nil, token, false)
    }

    /// Inside a string whose value is one of a fixed set (`method: "`, `loss: "`,
    /// `dataset("`), those values; nil elsewhere (file names are completed instead).
    public static func stringChoices(in line: String) -> [String]? {
        var quote: Character?
        var open = line.startIndex
        for i in line.indices {
            let c = line[i]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c; open = i }
        }
        guard quote != nil else { return nil }
        let before = line[..<open].trimmingCharacters(in: .whitespaces)
        for (context, choices) in choiceContexts where before.hasSuffix(context) {
            // `method:` as a whole label, not the end of `my_method:`.
            let head = before.dropLast(context.count)
            if let last = head.last, last.isLetter || last.isNumber || last == "_" { continue }
            return choices
        }
        return nil
    }

    static let choiceContexts: [(String, [String])] = [
        ("method:", ExplainRequest.methods),
        ("loss:", ["bce", "cross_entropy", "mse"]),
        ("output:", ["logit", "probability"]),
        ("schedule:", ["cosine", "step"]),
        ("dataset(", Datasets.names),
    ]

    public static func commonPrefix(_ items: [String]) -> String {
        guard var prefix = items.first else { return "" }
        for s in items.dropFirst() {
            while !s.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    /// The shim's answer: first line the text to insert, further lines candidates to list.
    /// `candidates` are full words matching the partial word at the end of `typed`.
    public static func answer(typed: String, candidates: [String]) -> String? {
        let partial = word(in: typed).partial
        let matches = Array(Set(candidates.filter { $0.hasPrefix(partial) })).sorted()
        guard !matches.isEmpty else { return nil }
        if matches.count == 1 {
            let only = matches[0]
            return String(only.dropFirst(partial.count))
        }
        let common = commonPrefix(matches)
        let insert = String(common.dropFirst(partial.count))
        if !insert.isEmpty { return insert }
        return "\n" + matches.joined(separator: "\n")
    }
}
