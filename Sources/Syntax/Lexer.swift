/// Turns source text into tokens.
///
/// Newlines end statements, except: inside ( ) and [ ] (but not inside a { } block nested in
/// them), after a token that cannot end an expression (a binary operator, ',', '='…), after a
/// line-ending backslash, and before a line that starts with '.' (a method chain).
public struct Lexer {
    /// A comment line, kept for the transcript machinery and the notebook export.
    public struct Comment: Equatable {
        public enum Kind: Equatable { case plain, prose, output, volatileOutput }
        public var kind: Kind
        public var text: String
        public var line: Int
    }

    let chars: [Character]
    let file: String
    var i = 0
    var line = 1
    var column = 1
    var tokens: [Token] = []
    var brackets: [(Character, SourceLocation)] = []
    public private(set) var comments: [Comment] = []

    /// `firstLine` numbers lines from where this text starts in a longer session.
    public init(_ source: String, file: String = "<input>", firstLine: Int = 1) {
        // Windows line ends (CRLF) are one Character in Swift; read them as plain new lines.
        chars = source.map { $0 == "\r\n" ? "\n" : $0 }
        self.file = file
        line = firstLine
    }

    static let continuing: Set<String> = [
        "+", "-", "*", "/", "%", "**", "@", "==", "!=", "<", "<=", ">", ">=", "=", "+=",
        "-=", "*=", "/=", ",", ".", "(", "[", "{", ":", "&&", "||", "!", "->",
    ]
    static let continuingKeywords: Set<String> = ["and", "or", "not", "in"]
    static let symbols3: [String] = []
    static let symbols2: Set<String> = ["**", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "&&", "||", "->"]
    static let symbols1: Set<Character> = [
        "+", "-", "*", "/", "%", "@", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "!",
    ]

    var here: SourceLocation { SourceLocation(line: line, column: column, offset: i) }

    func error(_ m: String, _ at: SourceLocation) -> SyntaxError { SyntaxError(m, at: at, file: file) }

    mutating func advance() {
        if chars[i] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        i += 1
    }

    func peek(_ k: Int = 0) -> Character? { i + k < chars.count ? chars[i + k] : nil }

    /// Whether a newline here separates statements.
    func newlineIsSignificant() -> Bool {
        if let top = brackets.last, top.0 != "{" { return false }
        guard let last = tokens.last else { return false }
        switch last.kind {
        case .newline: return false
        case .symbol(let s): if Lexer.continuing.contains(s) { return false }
        case .keyword(let k): if Lexer.continuingKeywords.contains(k) { return false }
        default: break
        }
        // A following line that starts with '.' continues a method chain.
        var j = i + 1
        while j < chars.count, chars[j] == " " || chars[j] == "\t" || chars[j] == "\r" { j += 1 }
        if j + 1 < chars.count, chars[j] == ".", chars[j + 1].isLetter || chars[j + 1] == "_" { return false }
        return true
    }

    public mutating func tokenize() throws -> [Token] {
        while i < chars.count {
            let c = chars[i]
            let start = here
            switch c {
            case " ", "\t", "\r":
                advance()
            case "\n":
                if newlineIsSignificant() { tokens.append(Token(.newline, start)) }
                advance()
            case "\\":
                // A backslash at the end of a line joins it with the next.
                var j = i + 1
                while j < chars.count, chars[j] == " " || chars[j] == "\t" || chars[j] == "\r" { j += 1 }
                guard j >= chars.count || chars[j] == "\n" else {
                    throw error("unexpected '\\' (a backslash only continues a line at its end)", start)
                }
                while i < j { advance() }
                if i < chars.count { advance() }
            case "#":
                lexComment(start)
            case "\"", "'":
                tokens.append(Token(.string(try lexString(quote: c, start)), start))
            case "0"..."9":
                tokens.append(try lexNumber(start))
            case ".":
                if let d = peek(1), d.isNumber, d.isASCII {
                    tokens.append(try lexNumber(start))
                } else {
                    advance()
                    tokens.append(Token(.symbol("."), start))
                }
            default:
                if c.isLetter || c == "_" {
                    var s = ""
                    while let d = peek(), d.isLetter || d.isNumber || d == "_" {
                        s.append(d)
                        advance()
                    }
                    tokens.append(Token(Keywords.all.contains(s) ? .keyword(s) : .identifier(s), start))
                } else if let n = peek(1), Lexer.symbols2.contains(String([c, n])) {
                    advance()
                    advance()
                    tokens.append(Token(.symbol(String([c, n])), start))
                } else if Lexer.symbols1.contains(c) {
                    advance()
                    try trackBracket(c, start)
                    tokens.append(Token(.symbol(String(c)), start))
                } else {
                    throw error("unexpected character '\(c)'", start)
                }
            }
        }
        tokens.append(Token(.end, here))
        return tokens
    }

    /// Brackets still open at the end (the REPL keeps reading lines while there are any).
    public var openBracketCount: Int { brackets.count }

    mutating func trackBracket(_ c: Character, _ at: SourceLocation) throws {
        switch c {
        case "(", "[", "{":
            guard brackets.count < 256 else { throw error("brackets nested too deep (limit 256)", at) }
            brackets.append((c, at))
        case ")", "]", "}":
            let open: Character = c == ")" ? "(" : (c == "]" ? "[" : "{")
            guard let top = brackets.last else { throw error("unmatched '\(c)'", at) }
            guard top.0 == open else {
                let expected: Character = top.0 == "(" ? ")" : (top.0 == "[" ? "]" : "}")
                throw error("expected '\(expected)' to close '\(top.0)' opened at \(top.1), found '\(c)'", at)
            }
            brackets.removeLast()
        default: break
        }
    }

    mutating func lexComment(_ start: SourceLocation) {
        var text = ""
        while let d = peek(), d != "\n" {
            text.append(d)
            advance()
        }
        let kind: Comment.Kind
        if text.hasPrefix("##") {
            kind = .prose
        } else if text.hasPrefix("#>") {
            kind = .output
        } else if text.hasPrefix("#~") {
            kind = .volatileOutput
        } else {
            kind = .plain
        }
        comments.append(Comment(kind: kind, text: text, line: start.line))
    }

    mutating func lexString(quote: Character, _ start: SourceLocation) throws -> String {
        advance()
        var s = ""
        while true {
            guard let c = peek(), c != "\n" else {
                throw error("unterminated string (expected a closing \(quote) on the same line)", start)
            }
            advance()
            if c == quote { return s }
            guard c == "\\" else {
                s.append(c)
                continue
            }
            let escAt = here
            guard let e = peek() else { throw error("unterminated string (expected a closing \(quote))", start) }
            advance()
            switch e {
            case "n": s.append("\n")
            case "t": s.append("\t")
            case "r": s.append("\r")
            case "0": s.append("\0")
            case "\\": s.append("\\")
            case "\"": s.append("\"")
            case "'": s.append("'")
            case "u":
                guard peek() == "{" else { throw error("expected '{' after \\u (write \\u{1F600})", escAt) }
                advance()
                var hex = ""
                while let h = peek(), h != "}", hex.count <= 8 {
                    hex.append(h)
                    advance()
                }
                guard peek() == "}", let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                    throw error(
                        "invalid unicode escape \\u{\(hex)} "
                            + "(expected 1 to 8 hex digits of a valid code point)", escAt)
                }
                advance()
                s.unicodeScalars.append(scalar)
            default:
                throw error(
                    "unknown escape '\\\(e)' in string "
                        + "(expected \\n, \\t, \\r, \\0, \\\\, \\\", \\' or \\u{...})", escAt)
            }
        }
    }

    mutating func lexNumber(_ start: SourceLocation) throws -> Token {
        var digits = ""
        var isInteger = true
        func take(_ pred: (Character) -> Bool) {
            while let d = peek(), pred(d) || (d == "_" && peek(1).map(pred) == true && !digits.isEmpty) {
                if d != "_" { digits.append(d) }
                advance()
            }
        }
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        take(isDigit)
        if peek() == ".", let d = peek(1), isDigit(d) {
            isInteger = false
            digits.append(".")
            advance()
            take(isDigit)
        }
        if let e = peek(), e == "e" || e == "E" {
            var k = 1
            if let s = peek(1), s == "+" || s == "-" { k = 2 }
            if let d = peek(k), isDigit(d) {
                isInteger = false
                digits.append("e")
                advance()
                if k == 2, let s = peek() {
                    digits.append(s)
                    advance()
                }
                take(isDigit)
            }
        }
        if let d = peek(), d.isLetter || d == "_" {
            throw error("unexpected '\(d)' after number \(digits)", here)
        }
        if digits.hasPrefix(".") { digits = "0" + digits }
        guard let value = Double(digits) else { throw error("invalid number \(digits)", start) }
        if isInteger {
            guard let iv = Int(digits) else { throw error("integer \(digits) is too large (limit \(Int.max))", start) }
            return Token(.number(value, isInteger: true), start, integerValue: iv)
        }
        return Token(.number(value, isInteger: false), start)
    }
}
