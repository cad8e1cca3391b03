import Explain
import Foundation
import Lang
import Syntax
import Training

/// Tab completion at the prompt. `Completion` is the pure part (no terminal, no session):
/// the word under the cursor and what Tab inserts; the `ReplLoop` extension below finds the
/// candidates in the session (variables, builtins, members, labels, files, `:commands`).
public enum Completion {
    /// The token being typed at the end of `line`, split at `.` for member completion:
    /// returns (receiver expression before the dot, if any; the partial name).
    public static func word(in line: String) -> (receiver: String?, partial: String, inString: Bool) {
        // Inside an unterminated string: complete file names.
        var quote: Character?
        var start = line.startIndex
        for i in line.indices {
            let c = line[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c; start = line.index(after: i)
            }
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

// MARK: candidates from the session

extension ReplLoop {
    func completions(for line: String) -> [String] { session.completions(for: line) }
}

extension Session {
    /// Candidates for the word at the end of `line`: variables and builtins, methods and
    /// properties after `.`, labels inside a call, file names inside a string, `:commands`.
    public func completions(for line: String) -> [String] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        // Words stop at ':', so command candidates are given without it.
        if trimmed.hasPrefix(":") && !trimmed.contains(" ") {
            return ReplLoop.commands.map { String($0.0.split(separator: " ")[0].dropFirst()) }
        }
        let (receiver, partial, inString) = Completion.word(in: line)
        if inString, let choices = Completion.stringChoices(in: line) { return choices }
        if inString || trimmed.hasPrefix(":save ") || trimmed.hasPrefix(":load ") { return fileNames(partial) }
        if let receiver { return memberNames(of: receiver) }
        var names = interp.globalNames + Array(interp.registry.functions.keys) + Array(Keywords.all)
        // Labels of the innermost open call: `fit(model, ep` → epochs:
        if let callee = Session.openCall(in: line),
           let b = interp.registry.lookup(callee) ?? Session.method(named: callee, interp) {
            names += b.params.map { $0.name + ": " }
        }
        return names
    }

    /// Methods and properties of the value `receiver` names (`t`, `model.net`).
    func memberNames(of receiver: String) -> [String] {
        // Evaluate only plain names (no calls) so completion never runs user code.
        guard receiver.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return [] }
        var v: Value?
        for (k, part) in receiver.split(separator: ".").enumerated() {
            if k == 0 {
                v = interp.global(String(part))
            } else if let cur = v {
                v = try? interp.member(cur, String(part))
            }
        }
        guard let value = v else { return [] }
        let owner: String
        var names: [String] = []
        switch value {
        case .object(let o): owner = o.typeName; names += o.propertyNames
        case .dict(let d):
            owner = "dict"
            names += d.keys.compactMap { if case .string(let s) = $0 { return s }; return nil }
        default: owner = value.typeName
        }
        names += interp.registry.methods[owner].map { Array($0.keys) } ?? []
        names += interp.registry.properties[owner].map { Array($0.keys) } ?? []
        return names
    }

    static func method(named callee: String, _ interp: Interpreter) -> Builtin? {
        guard let dot = callee.lastIndex(of: ".") else { return nil }
        let name = String(callee[callee.index(after: dot)...])
        for (_, ms) in interp.registry.methods { if let m = ms[name] { return m } }
        return nil
    }

    /// The name called by the innermost unclosed '(' in `line`.
    static func openCall(in line: String) -> String? {
        var depth = 0
        var i = line.endIndex
        while i > line.startIndex {
            i = line.index(before: i)
            let c = line[i]
            if c == ")" { depth += 1 } else if c == "(" {
                if depth == 0 {
                    var j = i
                    while j > line.startIndex, let p = Optional(line[line.index(before: j)]),
                          p.isLetter || p.isNumber || p == "_" || p == "." {
                        j = line.index(before: j)
                    }
                    let name = String(line[j..<i])
                    return name.isEmpty ? nil : name
                }
                depth -= 1
            }
        }
        return nil
    }

    func fileNames(_ partial: String) -> [String] {
        let expanded = (partial as NSString).expandingTildeInPath
        let dir = expanded.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        guard let base = try? interp.resolve(dir.isEmpty ? "." : dir) else { return [] }
        guard let items = try? FileManager.default.contentsOfDirectory(atPath: base.path) else { return [] }
        let prefix = partial.hasSuffix("/") ? partial
            : String(partial.dropLast((partial as NSString).lastPathComponent.count))
        return items.filter { !$0.hasPrefix(".") }.map { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: base.appendingPathComponent(name).path, isDirectory: &isDir)
            return prefix + name + (isDir.boolValue ? "/" : "")
        }
    }
}
