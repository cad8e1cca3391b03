import Foundation

/// The `.xai` transcript format (R's reprex convention): each statement's output is recorded
/// under it as `#> ` lines. Output that cannot repeat from run to run (durations, speeds,
/// ETAs) is recorded as `#~ ` lines, which `check` does not compare.
public enum Transcript {
    public static let outputPrefix = "#>"
    public static let volatilePrefix = "#~"

    /// One line a statement printed.
    public struct Line: Equatable {
        public var text: String
        public var volatile: Bool
        public init(_ text: String, volatile: Bool = false) { self.text = text; self.volatile = volatile }
        var rendered: String {
            let p = volatile ? Transcript.volatilePrefix : Transcript.outputPrefix
            return text.isEmpty ? p : p + " " + text
        }
    }

    /// A script split into its code (output lines removed) and the recorded outputs, keyed by
    /// the index of the code line they follow.
    public struct Parsed {
        public var codeLines: [String]
        public var recorded: [Int: [Line]]
        /// Each code line's line in the file (from 0): output lines sit between them.
        public var fileLines: [Int] = []
        public var code: String { codeLines.joined(separator: "\n") }
        /// The code line (index into codeLines) at a file line (from 0); other lines map to themselves.
        public func codeLine(atFileLine line: Int) -> Int {
            var lo = 0, hi = fileLines.count
            while lo < hi { let mid = (lo + hi) / 2; if fileLines[mid] < line { lo = mid + 1 } else { hi = mid } }
            return lo < fileLines.count && fileLines[lo] == line ? lo : line
        }
        /// The code with every output line left blank, so that line numbers are the file's.
        public var codeAtFileLines: String {
            var lines = [String](repeating: "", count: (fileLines.last ?? -1) + 1)
            for (line, text) in zip(fileLines, codeLines) { lines[line] = text }
            return lines.joined(separator: "\n")
        }
    }

    static func isOutput(_ line: String) -> Line? {
        let t = line.drop(while: { $0 == " " || $0 == "\t" })
        for (p, v) in [(outputPrefix, false), (volatilePrefix, true)] where t.hasPrefix(p) {
            var rest = t.dropFirst(p.count)
            if rest.first == " " { rest = rest.dropFirst() }
            return Line(String(rest), volatile: v)
        }
        return nil
    }

    public static func parse(_ text: String) -> Parsed {
        var code: [String] = []
        var fileLines: [Int] = []
        var recorded: [Int: [Line]] = [:]
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        for (number, line) in lines.enumerated() {
            if let out = isOutput(line) {
                recorded[code.count - 1, default: []].append(out)
            } else {
                code.append(line)
                fileLines.append(number)
            }
        }
        return Parsed(codeLines: code, recorded: recorded, fileLines: fileLines)
    }

    /// The script with fresh outputs placed under the code lines they follow.
    public static func render(code: [String], outputs: [Int: [Line]]) -> String {
        var out: [String] = []
        for line in outputs[-1] ?? [] { out.append(line.rendered) }
        for (i, line) in code.enumerated() {
            out.append(line)
            for o in outputs[i] ?? [] { out.append(o.rendered) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: comparison

    /// A difference found by `check`.
    public struct Mismatch: CustomStringConvertible {
        public let codeLine: Int
        public let code: String
        public let expected: [String]
        public let actual: [String]
        public var description: String {
            var s = "line \(codeLine + 1): \(code.trimmingCharacters(in: .whitespaces))\n"
            let n = max(expected.count, actual.count)
            for i in 0..<n {
                let e = i < expected.count ? expected[i] : nil, a = i < actual.count ? actual[i] : nil
                if e == a { s += "    #> \(e ?? "")\n"; continue }
                if let e { s += "  - #> \(e)\n" }
                if let a { s += "  + #> \(a)\n" }
            }
            return s
        }
    }

    /// How recorded and produced output lines are compared.
    public enum Match: Sendable, Equatable {
        /// The same text, byte for byte (results are the same bits on every machine).
        case exact
        /// The same text, numbers within a relative tolerance (for transcripts edited by hand).
        case within(Double)
    }

    /// Compares recorded and produced outputs line by line; volatile lines are skipped.
    public static func compare(code: [String], recorded: [Int: [Line]], produced: [Int: [Line]],
                               match: Match) -> [Mismatch] {
        var result: [Mismatch] = []
        for key in Set(recorded.keys).union(produced.keys).sorted() {
            let e = (recorded[key] ?? []).filter { !$0.volatile }.map(\.text)
            let a = (produced[key] ?? []).filter { !$0.volatile }.map(\.text)
            let same = e.count == a.count && zip(e, a).allSatisfy { x, y in
                switch match {
                case .exact: return x == y
                case .within(let tolerance): return linesMatch(x, y, tolerance: tolerance)
                }
            }
            if !same {
                let line = key >= 0 && key < code.count ? code[key] : ""
                result.append(Mismatch(codeLine: key, code: line, expected: e, actual: a))
            }
        }
        return result
    }

    /// Two output lines match when their non-numeric text is identical and each pair of
    /// numbers agrees within `tolerance` relative to the larger (absolute 1e-6 near zero).
    public static func linesMatch(_ a: String, _ b: String, tolerance: Double) -> Bool {
        if a == b { return true }
        let ta = tokens(a), tb = tokens(b)
        guard ta.count == tb.count else { return false }
        for (x, y) in zip(ta, tb) {
            switch (x, y) {
            case (.text(let s), .text(let t)): if s != t { return false }
            case (.number(let u), .number(let v)):
                if u.isNaN && v.isNaN { continue }
                if abs(u - v) > max(tolerance * max(abs(u), abs(v)), 1e-6) { return false }
            default: return false
            }
        }
        return true
    }

    enum Token: Equatable { case text(String), number(Double) }

    /// Splits a line into numbers (optionally signed, with decimals and exponents) and text.
    static func tokens(_ s: String) -> [Token] {
        var out: [Token] = []
        var text = ""
        let chars = Array(s)
        var i = 0
        func isDigit(_ c: Character) -> Bool { c >= "0" && c <= "9" }
        while i < chars.count {
            let c = chars[i]
            let signed = (c == "-" || c == "+") && i + 1 < chars.count && (isDigit(chars[i + 1]) || chars[i + 1] == ".")
                && (i == 0 || !(chars[i - 1].isLetter || isDigit(chars[i - 1])))
            let prevIsWord = i > 0 && (chars[i - 1].isLetter || chars[i - 1] == "_")
            if (isDigit(c) || signed || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1]))) && !prevIsWord {
                var j = i + (signed ? 1 : 0)
                while j < chars.count && (isDigit(chars[j]) || chars[j] == ".") { j += 1 }
                if j < chars.count && (chars[j] == "e" || chars[j] == "E") {
                    var k = j + 1
                    if k < chars.count && (chars[k] == "-" || chars[k] == "+") { k += 1 }
                    if k < chars.count && isDigit(chars[k]) {
                        j = k
                        while j < chars.count && isDigit(chars[j]) { j += 1 }
                    }
                }
                let literal = String(chars[i..<j])
                if let d = Double(literal.trimmingCharacters(in: CharacterSet(charactersIn: "."))) ?? Double(literal) {
                    if !text.isEmpty { out.append(.text(text)); text = "" }
                    out.append(.number(d))
                    i = j
                    continue
                }
            }
            text.append(c)
            i += 1
        }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }
}
