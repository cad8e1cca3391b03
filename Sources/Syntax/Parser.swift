/// Recursive-descent parser for the xai language.
///
/// Grammar (EBNF; NL is a significant newline, see Lexer):
///
///   program    = { sep } { statement { sep } }
///   sep        = NL | ";"
///   statement  = "if" expr block [ "else" ( block | ifstmt ) ]
///              | "for" targets "in" expr block
///              | "while" expr block
///              | "fn" NAME params block
///              | "return" [ exprlist ] | "break" | "continue"
///              | exprlist [ ( "=" | "+=" | "-=" | "*=" | "/=" ) exprlist ]
///   block      = "{" { sep } { statement { sep } } "}"
///   params     = "(" [ param { "," param } [","] ] ")"      param = NAME [ "=" expr ]
///   exprlist   = expr { "," expr }                          (several make a tuple)
///   expr       = or
///   or         = and { ( "or" | "||" ) and }
///   and        = not { ( "and" | "&&" ) not }
///   not        = ( "not" | "!" ) not | comparison
///   comparison = sum [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in" ) sum ]
///   sum        = term { ( "+" | "-" ) term }
///   term       = unary { ( "*" | "/" | "%" | "@" ) unary }
///   unary      = ( "-" | "+" ) unary | power
///   power      = postfix [ "**" unary ]                      (right-associative; -2**2 == -4)
///   postfix    = primary { "(" args ")" | "[" subscripts "]" | "." NAME }
///   args       = [ arg { "," arg } [","] ]     arg = [ NAME ( ":" | "=" ) ] expr
///   subscripts = subscript { "," subscript }   subscript = expr | [expr] ":" [expr] [ ":" [expr] ]
///   primary    = NUMBER | STRING | "true" | "false" | "nil" | NAME
///              | "(" [ exprlist [","] ] ")" | "[" [ expr { "," expr } [","] ] "]"
///              | "{" [ entry { "," entry } [","] ] "}"   entry = ( NAME | expr ) ":" expr
///              | "fn" params block
///
/// Comparisons do not chain (`a < b < c` is an error): write `a < b and b < c`.
public struct Parser {
    var tokens: [Token]
    var p = 0
    let file: String
    /// How many function bodies enclose the current token (`outer` needs one).
    var functionDepth = 0
    var depth = 0
    static let maxDepth = 200

    init(tokens: [Token], file: String) {
        self.tokens = tokens
        self.file = file
    }

    /// Parses a whole program.
    public static func parse(source: String, file: String = "<input>", firstLine: Int = 1) throws -> Program {
        var lexer = Lexer(source, file: file, firstLine: firstLine)
        let tokens = try lexer.tokenize()
        var parser = Parser(tokens: tokens, file: file)
        let stmts = try parser.parseProgram()
        return Program(statements: stmts, comments: lexer.comments)
    }

    /// Whether `source` stops in the middle of a construct (open brackets or braces, or a
    /// line ending in an operator), so the REPL should read another line.
    /// How many brackets one line opens minus those it closes, outside strings and comments
    /// (strings end on their line); nil for a line with an unterminated string. A prompt
    /// reading a long pasted list adds these up instead of re-reading the whole entry.
    public static func bracketChange(_ line: String) -> Int? {
        var change = 0
        var quote: Character?
        var escaped = false
        for c in line {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'": quote = c
            case "#": return change
            case "(", "[", "{": change += 1
            case ")", "]", "}": change -= 1
            default: break
            }
        }
        return quote == nil ? change : nil
    }

    public static func isIncomplete(_ source: String) -> Bool {
        var lexer = Lexer(source)
        guard let tokens = try? lexer.tokenize() else { return false }
        if lexer.openBracketCount > 0 { return true }
        let significant = tokens.filter { $0.kind != .end && $0.kind != .newline }
        guard let last = significant.last else { return false }
        if case .symbol(let s) = last.kind, Lexer.continuing.contains(s), s != "." { return true }
        if case .keyword(let k) = last.kind,
            Lexer.continuingKeywords.contains(k) || ["else", "fn", "if", "while", "for"].contains(k)
        {
            return true
        }
        // A trailing backslash before the end of input.
        let trimmed = source.reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        return trimmed.first == "\\"
    }

    // MARK: helpers

    var current: Token { tokens[p] }
    var kind: TokenKind { tokens[p].kind }

    func error(_ m: String, _ at: SourceLocation? = nil) -> SyntaxError {
        SyntaxError(m, at: at ?? current.location, file: file)
    }

    func isSymbol(_ s: String) -> Bool {
        if case .symbol(s) = kind { return true }
        return false
    }
    func isKeyword(_ k: String) -> Bool {
        if case .keyword(k) = kind { return true }
        return false
    }

    mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    mutating func expectSymbol(_ s: String, _ context: String) throws -> Token {
        guard isSymbol(s) else { throw error("expected '\(s)' \(context), found \(kind.described)") }
        return advance()
    }

    /// Expects the closing bracket for one opened at `open`.
    mutating func close(_ s: String, opened open: Token) throws {
        guard isSymbol(s) else {
            throw error(
                "expected '\(s)' to close '\(open.kind.spelling)' opened at \(open.location), found \(kind.described)")
        }
        _ = advance()
    }

    mutating func skipNewlines() { while kind == .newline { _ = advance() } }
    mutating func skipSeparators() { while kind == .newline || isSymbol(";") { _ = advance() } }

    mutating func nested<T>(_ body: (inout Parser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maxDepth else { throw error("nesting too deep (limit \(Parser.maxDepth))") }
        return try body(&self)
    }

    var lastLine: Int { p > 0 ? tokens[p - 1].location.line : 1 }

    // MARK: statements

    mutating func parseProgram() throws -> [Stmt] {
        var out: [Stmt] = []
        skipSeparators()
        while kind != .end {
            out.append(try parseStatement())
            try endOfStatement()
            skipSeparators()
        }
        return out
    }

    mutating func endOfStatement() throws {
        if kind == .newline || isSymbol(";") || kind == .end || isSymbol("}") { return }
        throw error("expected a new line or ';' after the statement, found \(kind.described)")
    }

    /// A function's block; `outer` may appear in it.
    mutating func parseFunctionBody(_ context: String) throws -> [Stmt] {
        functionDepth += 1
        defer { functionDepth -= 1 }
        return try parseBlock(context)
    }

    /// `model Name(params) { body }` ("model" is a keyword only there, so variables may be
    /// called model).
    mutating func parseModel() throws -> StmtKind {
        let at = advance().location
        guard case .identifier(let name) = advance().kind else { throw error("expected a model name") }
        let params = try parseParameters()
        let body = try parseFunctionBody("the body of model '\(name)'")
        if let p = params.first(where: { $0.name == "self" }) {
            throw error("'self' is the model itself inside its body; it cannot also be a parameter", p.location)
        }
        return .model(try checked(FunctionDecl(name: name, parameters: params, body: body, location: at)))
    }

    /// A function whose `outer` names are not also its parameters.
    func checked(_ decl: FunctionDecl) throws -> FunctionDecl {
        if let p = decl.parameters.first(where: { decl.outerNames.contains($0.name) }) {
            throw error("'\(p.name)' is a parameter of this function, so 'outer \(p.name)' cannot name a variable "
                + "outside it", p.location)
        }
        return decl
    }

    /// `outer x, y`: names a function changes outside itself.
    mutating func parseOuter() throws -> StmtKind {
        let at = advance().location
        guard functionDepth > 0 else {
            throw error("'outer' belongs inside a function: it lets the function change a variable outside it", at)
        }
        var names: [String] = []
        repeat {
            if !names.isEmpty { _ = advance() }
            guard case .identifier(let n) = kind else {
                throw error("expected a variable name after 'outer', found \(kind.described)")
            }
            names.append(n)
            _ = advance()
        } while isSymbol(",")
        return .outer(names)
    }

    mutating func parseBlock(_ context: String) throws -> [Stmt] {
        guard isSymbol("{") else { throw error("expected '{' to start \(context), found \(kind.described)") }
        let open = advance()
        return try nested { parser in
            var body: [Stmt] = []
            parser.skipSeparators()
            while !parser.isSymbol("}") {
                guard parser.kind != .end else {
                    throw parser.error("expected '}' to close '{' opened at \(open.location), found end of input")
                }
                body.append(try parser.parseStatement())
                try parser.endOfStatement()
                parser.skipSeparators()
            }
            _ = parser.advance()
            return body
        }
    }

    /// Python statements people type from habit, and what xai writes instead.
    static let pythonStatements = [
        "def": "xai defines functions with 'fn name(a, b = 1) { … }', not 'def'",
        "import": "xai has no 'import': its builtins are always there (help() lists them)",
        "from": "xai has no 'import': its builtins are always there (help() lists them)",
        "class": "xai has no classes: define a model with 'model Name(a, b = 1) { self.fc = Linear(a, b); "
            + "fn forward(x) { self.fc(x) } }', or stack layers with Sequential(Linear(4, 8), ReLU(), Linear(8, 3))",
        "lambda": "xai writes anonymous functions as 'fn(x) { x * 2 }', not 'lambda'",
    ]

    mutating func parseStatement() throws -> Stmt {
        let start = current.location
        let k = try parseStatementKind()
        return Stmt(kind: k, location: start, range: LineRange(firstLine: start.line, lastLine: lastLine))
    }

    mutating func parseStatementKind() throws -> StmtKind {
        switch kind {
        case .keyword("if"): return try parseIf()
        case .keyword("for"):
            _ = advance()
            let targetExpr = try parseExprList(allowIn: false)
            let target = try toTarget(targetExpr)
            guard isKeyword("in") else { throw error("expected 'in' after the loop variable, found \(kind.described)") }
            _ = advance()
            let seq = try parseExpr()
            return .forStmt(target, seq, try parseBlock("the body of 'for'"))
        case .keyword("while"):
            _ = advance()
            let cond = try parseExpr()
            return .whileStmt(cond, try parseBlock("the body of 'while'"))
        case .keyword("fn"):
            if case .identifier = tokens[min(p + 1, tokens.count - 1)].kind {
                let at = advance().location
                guard case .identifier(let name) = advance().kind else { throw error("expected a function name") }
                let params = try parseParameters()
                let body = try parseFunctionBody("the body of '\(name)'")
                return .function(try checked(FunctionDecl(name: name, parameters: params, body: body, location: at)))
            }
        case .keyword("return"):
            _ = advance()
            if kind == .newline || kind == .end || isSymbol(";") || isSymbol("}") { return .returnStmt(nil) }
            return .returnStmt(try parseExprList())
        case .keyword("outer"):
            return try parseOuter()
        case .identifier("model") where tokens[min(p + 1, tokens.count - 1)].kind.isIdentifier
            && tokens[min(p + 2, tokens.count - 1)].kind == .symbol("("):
            return try parseModel()
        case .keyword("break"):
            _ = advance()
            return .breakStmt
        case .keyword("continue"):
            _ = advance()
            return .continueStmt
        case .identifier(let word)
        where Parser.pythonStatements[word] != nil
            && tokens[min(p + 1, tokens.count - 1)].kind.startsPythonStatement:
            throw error(Parser.pythonStatements[word]!)
        default: break
        }
        let lhs = try parseExprList()
        if isSymbol("=") {
            let eq = advance()
            let target = try toTarget(lhs)
            skipNewlines()
            guard kind != .end else { throw error("expected a value after '=' at \(eq.location), found end of input") }
            return .assign(target, try parseExprList())
        }
        for op in BinaryOperator.compoundAssignable where isSymbol(op.rawValue + "=") {
            _ = advance()
            let target = try toTarget(lhs)
            if case .tuple = target { throw error("'\(op.rawValue)=' needs a single target", lhs.location) }
            return .compoundAssign(target, op: op, try parseExpr())
        }
        return .expression(lhs)
    }

    mutating func parseIf() throws -> StmtKind {
        _ = advance()
        let cond = try parseExpr()
        let then = try parseBlock("the body of 'if'")
        // 'else' may follow on the same line or the next.
        var look = p
        while tokens[look].kind == .newline { look += 1 }
        if case .keyword("else") = tokens[look].kind {
            p = look
            _ = advance()
            if isKeyword("if") {
                let start = current.location
                let inner = try nested { try $0.parseIf() }
                return .ifStmt(
                    condition: cond, then: then,
                    otherwise: [
                        Stmt(kind: inner, location: start, range: LineRange(firstLine: start.line, lastLine: lastLine))
                    ])
            }
            return .ifStmt(condition: cond, then: then, otherwise: try parseBlock("the body of 'else'"))
        }
        return .ifStmt(condition: cond, then: then, otherwise: nil)
    }

    mutating func parseParameters() throws -> [Parameter] {
        let open = try expectSymbol("(", "to start the parameter list")
        var params: [Parameter] = []
        while !isSymbol(")") {
            guard case .identifier(let name) = kind else {
                throw error(
                    "expected a parameter name or ')' to close '(' opened at \(open.location), found \(kind.described)")
            }
            let at = advance().location
            guard !params.contains(where: { $0.name == name }) else {
                throw error("parameter '\(name)' appears twice", at)
            }
            var dflt: Expr?
            if isSymbol("=") {
                _ = advance()
                dflt = try parseExpr()
            } else if params.last?.defaultValue != nil {
                throw error("parameter '\(name)' without a default follows one with a default", at)
            }
            params.append(Parameter(name: name, defaultValue: dflt, location: at))
            if isSymbol(",") { _ = advance() } else { break }
        }
        try close(")", opened: open)
        return params
    }

    /// Turns a parsed expression into an assignment target.
    func toTarget(_ e: Expr) throws -> Target {
        switch e.kind {
        case .name(let n): return .name(n, e.location)
        case .index(let base, let subs): return .index(base, subs, e.location)
        case .member(let base, let name): return .member(base, name, e.location)
        case .tuple(let items), .list(let items):
            guard !items.isEmpty else { throw error("cannot assign to an empty tuple", e.location) }
            return .tuple(try items.map(toTarget), e.location)
        default:
            throw error("cannot assign to this expression (expected a name, x[i], x.field or a, b)", e.location)
        }
    }

    // MARK: expressions

    /// One expression, or several separated by commas (a tuple).
    mutating func parseExprList(allowIn: Bool = true) throws -> Expr {
        let first = try allowIn ? parseExpr() : parseNoIn()
        guard isSymbol(",") else { return first }
        var items = [first]
        while isSymbol(",") {
            _ = advance()
            if isSymbol("=") || kind == .newline || kind == .end || isKeyword("in") { break }
            items.append(try allowIn ? parseExpr() : parseNoIn())
        }
        return Expr(.tuple(items), first.location)
    }

    /// A loop variable: postfix expressions only (so 'in' is left for the for statement).
    mutating func parseNoIn() throws -> Expr { try parsePostfix() }

    public mutating func parseExpr() throws -> Expr { try nested { try $0.parseOr() } }

    mutating func parseOr() throws -> Expr {
        var lhs = try parseAnd()
        while isKeyword("or") || isSymbol("||") {
            let at = advance().location
            lhs = Expr(.logical(op: .or, lhs, try parseAnd()), at)
        }
        return lhs
    }

    mutating func parseAnd() throws -> Expr {
        var lhs = try parseNot()
        while isKeyword("and") || isSymbol("&&") {
            let at = advance().location
            lhs = Expr(.logical(op: .and, lhs, try parseNot()), at)
        }
        return lhs
    }

    mutating func parseNot() throws -> Expr {
        if isKeyword("not") || isSymbol("!") {
            let at = advance().location
            return Expr(.unary(op: .not, try nested { try $0.parseNot() }), at)
        }
        return try parseComparison()
    }

    static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    mutating func parseComparison() throws -> Expr {
        let lhs = try parseSum()
        var op: String?
        if case .symbol(let s) = kind, Parser.comparisons.contains(s) {
            op = s
        } else if isKeyword("in") {
            op = "in"
        } else if isKeyword("not"), case .keyword("in") = tokens[min(p + 1, tokens.count - 1)].kind {
            _ = advance()
            op = "not in"
        }
        guard let op else { return lhs }
        let at = advance().location
        let rhs = try parseSum()
        if case .symbol(let s) = kind, Parser.comparisons.contains(s) {
            throw error("comparisons do not chain; write 'a \(op) b and b \(s) c'")
        }
        guard let comparison = BinaryOperator(rawValue: op) else {
            return Expr(.membership(element: lhs, container: rhs, negated: op == "not in"), at)
        }
        return Expr(.binary(op: comparison, lhs, rhs), at)
    }

    /// The operator a symbol token spells (the callers have checked it is one).
    func binaryOperator(_ t: Token) throws -> BinaryOperator {
        guard let op = BinaryOperator(rawValue: t.kind.spelling) else {
            throw SyntaxError("'\(t.kind.spelling)' is not an operator", at: t.location, file: file)
        }
        return op
    }

    mutating func parseSum() throws -> Expr {
        var lhs = try parseTerm()
        while isSymbol("+") || isSymbol("-") {
            let t = advance()
            lhs = Expr(.binary(op: try binaryOperator(t), lhs, try parseTerm()), t.location)
        }
        return lhs
    }

    mutating func parseTerm() throws -> Expr {
        var lhs = try parseUnary()
        while isSymbol("*") || isSymbol("/") || isSymbol("%") || isSymbol("@") {
            let t = advance()
            lhs = Expr(.binary(op: try binaryOperator(t), lhs, try parseUnary()), t.location)
        }
        return lhs
    }

    mutating func parseUnary() throws -> Expr {
        if isSymbol("-") || isSymbol("+") {
            let t = advance()
            let op: UnaryOperator = t.kind == .symbol("-") ? .negate : .plus
            return Expr(.unary(op: op, try nested { try $0.parseUnary() }), t.location)
        }
        return try parsePower()
    }

    mutating func parsePower() throws -> Expr {
        let base = try parsePostfix()
        guard isSymbol("**") else { return base }
        let at = advance().location
        return Expr(.binary(op: .pow, base, try nested { try $0.parseUnary() }), at)
    }

    mutating func parsePostfix() throws -> Expr {
        var e = try parsePrimary()
        var chain = 0
        while true {
            chain += 1
            guard chain < 10_000 else { throw error("expression too long") }
            if isSymbol("(") {
                let open = advance()
                let args = try nested { try $0.parseArguments(open) }
                e = Expr(.call(callee: e, arguments: args), open.location)
            } else if isSymbol("[") {
                let open = advance()
                let subs = try nested { try $0.parseSubscripts(open) }
                e = Expr(.index(e, subs), open.location)
            } else if isSymbol(".") {
                let dot = advance()
                switch kind {
                case .identifier(let name), .keyword(let name):
                    _ = advance()
                    e = Expr(.member(e, name), dot.location)
                default:
                    throw error("expected a property or method name after '.', found \(kind.described)")
                }
            } else {
                return e
            }
        }
    }

    mutating func parseArguments(_ open: Token) throws -> [Argument] {
        var args: [Argument] = []
        while !isSymbol(")") {
            guard kind != .end else {
                throw error("expected ')' to close '(' opened at \(open.location), found end of input")
            }
            let at = current.location
            var label: String?
            if case .identifier(let name) = kind, case .symbol(let s) = tokens[min(p + 1, tokens.count - 1)].kind,
                s == ":" || s == "="
            {
                label = name
                _ = advance()
                _ = advance()
            }
            if label == nil, !args.isEmpty, args.last?.label != nil {
                throw error("a positional argument cannot follow a labelled one", at)
            }
            if let label, args.contains(where: { $0.label == label }) {
                throw error("argument '\(label)' given twice", at)
            }
            args.append(Argument(label: label, value: try parseExpr(), location: at))
            if isSymbol(",") { _ = advance() } else { break }
        }
        try close(")", opened: open)
        return args
    }

    mutating func parseSubscripts(_ open: Token) throws -> [SubscriptExpr] {
        var subs: [SubscriptExpr] = []
        repeat {
            if isSymbol(",") { _ = advance() }
            var start: Expr?
            if !isSymbol(":") { start = try parseExpr() }
            if isSymbol(":") {
                _ = advance()
                var stop: Expr?
                var step: Expr?
                if !isSymbol(":") && !isSymbol(",") && !isSymbol("]") { stop = try parseExpr() }
                if isSymbol(":") {
                    _ = advance()
                    if !isSymbol(",") && !isSymbol("]") { step = try parseExpr() }
                }
                subs.append(.slice(start: start, stop: stop, step: step))
            } else if let start {
                subs.append(.index(start))
            }
        } while isSymbol(",")
        guard !subs.isEmpty else { throw error("expected an index inside '[ ]'") }
        try close("]", opened: open)
        return subs
    }

    mutating func parsePrimary() throws -> Expr {
        let t = current
        switch t.kind {
        case .number(let d, let isInt):
            _ = advance()
            if isInt, let i = t.integerValue { return Expr(.integer(i), t.location) }
            return Expr(.float(d), t.location)
        case .string(let s):
            _ = advance()
            return Expr(.string(s), t.location)
        case .keyword("true"):
            _ = advance()
            return Expr(.bool(true), t.location)
        case .keyword("false"):
            _ = advance()
            return Expr(.bool(false), t.location)
        case .keyword("nil"):
            _ = advance()
            return Expr(.nilLiteral, t.location)
        case .identifier(let n):
            _ = advance()
            return Expr(.name(n), t.location)
        case .keyword("fn"):
            _ = advance()
            let params = try parseParameters()
            let body = try parseFunctionBody("the body of the function")
            let decl = try checked(FunctionDecl(name: nil, parameters: params, body: body, location: t.location))
            return Expr(.function(decl), t.location)
        case .symbol("("):
            let open = advance()
            if isSymbol(")") {
                _ = advance()
                return Expr(.tuple([]), t.location)
            }
            let first = try parseExpr()
            if isSymbol(")") {
                _ = advance()
                return first
            }
            var items = [first]
            while isSymbol(",") {
                _ = advance()
                if isSymbol(")") { break }
                items.append(try parseExpr())
            }
            try close(")", opened: open)
            return Expr(.tuple(items), t.location)
        case .symbol("["):
            let open = advance()
            var items: [Expr] = []
            while !isSymbol("]") {
                guard kind != .end else {
                    throw error("expected ']' to close '[' opened at \(open.location), found end of input")
                }
                items.append(try parseExpr())
                if isSymbol(",") { _ = advance() } else { break }
            }
            try close("]", opened: open)
            return Expr(.list(items), t.location)
        case .symbol("{"):
            return try parseDict()
        case .end:
            throw error("expected an expression, found end of input")
        default:
            throw error("expected an expression, found \(t.kind.described)")
        }
    }

    /// `{ key: value, ... }`; newlines inside are ignored. A bare name as key is a string.
    mutating func parseDict() throws -> Expr {
        let open = advance()
        var entries: [(key: Expr, value: Expr)] = []
        skipNewlines()
        while !isSymbol("}") {
            guard kind != .end else {
                throw error("expected '}' to close '{' opened at \(open.location), found end of input")
            }
            var key: Expr
            if case .identifier(let n) = kind, case .symbol(":") = tokens[min(p + 1, tokens.count - 1)].kind {
                key = Expr(.string(n), current.location)
                _ = advance()
            } else {
                key = try parseExpr()
            }
            skipNewlines()
            _ = try expectSymbol(":", "between a dict key and its value")
            skipNewlines()
            entries.append((key, try parseExpr()))
            skipNewlines()
            if isSymbol(",") {
                _ = advance()
                skipNewlines()
            } else {
                break
            }
        }
        skipNewlines()
        try close("}", opened: open)
        return Expr(.dict(entries), open.location)
    }
}
