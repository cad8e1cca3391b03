import Foundation

/// "did you mean" hints for names that are not defined.
extension Interpreter {
    /// Python spellings of the language's own words.
    static let pythonWords = ["True": "true", "False": "false", "None": "nil"]

    func undefinedMessage(_ name: String, _ scope: Scope) -> String {
        if let word = Interpreter.pythonWords[name] { return "'\(name)' is not defined; xai writes it '\(word)'" }
        if let f = scope.unassignedLocal(name) {
            let fn = f.name.map { "'\($0)'" } ?? "this function"
            return "'\(name)' is assigned in \(fn), so there it is the function's own variable, and it has no value "
                + "yet; to change the '\(name)' outside the function, write 'outer \(name)' in it"
        }
        var names = Array(registry.functions.keys)
        var s: Scope? = scope
        while let cur = s {
            names += cur.vars.keys
            s = cur.parent
        }
        return "'\(name)' is not defined" + Interpreter.suggestion(name, in: names)
    }

    /// "; did you mean 'x'?" for the closest name, or nothing.
    static func suggestion(_ name: String, in names: [String]) -> String {
        closest(name, in: names).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// The most similar name within edit distance 2 (or sharing a 3-letter prefix with a
    /// shorter name), for "did you mean" hints.
    static func closest(_ name: String, in unordered: [String]) -> String? {
        // In alphabetical order, so that ties give the same hint in every run (dictionary
        // order differs from process to process).
        let names = unordered.sorted()
        let a = Array(name.lowercased())
        var best: (String, Int)?
        if name.count >= 3,
            let p = names.filter({ $0.count >= 3 && $0.count < name.count && name.hasPrefix($0) })
                .max(by: { $0.count < $1.count })
        {
            best = (p, 2)
        }
        for n in names {
            let b = Array(n.lowercased())
            guard abs(a.count - b.count) <= 2 else { continue }
            let d = editDistance(a, b)
            if d <= 2, d < (best?.1 ?? 3) { best = (n, d) }
        }
        return best?.0
    }

    /// Levenshtein distance between two character arrays.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var prev = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
