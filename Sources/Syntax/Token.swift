/// The kinds of tokens of the xai language.
public enum TokenKind: Equatable, Sendable {
    case number(Double, isInteger: Bool)
    case string(String)
    case identifier(String)
    case keyword(String)
    /// Operators and punctuation, by their spelling.
    case symbol(String)
    case newline
    case end

    public var spelling: String {
        switch self {
        // Int.max reads as the Double 2^63, which Int(d) cannot hold.
        case .number(let d, let isInt): return isInt && d >= -0x1p63 && d < 0x1p63 ? String(Int(d)) : String(d)
        case .string(let s): return "\"" + s + "\""
        case .identifier(let s): return s
        case .keyword(let s): return s
        case .symbol(let s): return s
        case .newline: return "end of line"
        case .end: return "end of input"
        }
    }

    var isIdentifier: Bool {
        if case .identifier = self { return true }
        return false
    }

    /// A name: after 'def', 'class' or 'import' at a statement's start, the Python statement.
    var startsPythonStatement: Bool {
        if case .identifier = self { return true }
        return false
    }

    /// How an error message names this token.
    public var described: String {
        switch self {
        case .newline, .end: return spelling
        case .string: return "string " + spelling
        case .number: return "number " + spelling
        case .identifier(let s): return "name '\(s)'"
        case .keyword(let s), .symbol(let s): return "'\(s)'"
        }
    }
}

public struct Token: Equatable, Sendable {
    public var kind: TokenKind
    public var location: SourceLocation
    /// Integer literal text kept exactly (ints beyond 2^53 would lose digits as Double).
    public var integerValue: Int?
    public init(_ kind: TokenKind, _ location: SourceLocation, integerValue: Int? = nil) {
        self.kind = kind
        self.location = location
        self.integerValue = integerValue
    }
}

public enum Keywords {
    public static let all: Set<String> = [
        "if", "else", "for", "in", "while", "fn", "return", "break", "continue",
        "true", "false", "nil", "and", "or", "not", "outer",
    ]
}
