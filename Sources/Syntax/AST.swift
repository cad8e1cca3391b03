/// The abstract syntax of xai programs. Every node carries the location where it starts;
/// every statement also carries the lines it spans (the script runner prints a statement's
/// output under its last line).

public struct Expr {
    public var kind: ExprKind
    public var location: SourceLocation
    public init(_ kind: ExprKind, _ location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

public indirect enum ExprKind {
    case integer(Int)
    case float(Double)
    case string(String)
    case bool(Bool)
    case nilLiteral
    case name(String)
    case list([Expr])
    case dict([(key: Expr, value: Expr)])
    /// `(a, b)` or `a, b` on the left or right of an assignment.
    case tuple([Expr])
    /// `-x`, `+x`, `not x`
    case unary(op: UnaryOperator, Expr)
    /// Arithmetic and comparison.
    case binary(op: BinaryOperator, Expr, Expr)
    /// `element in container`, or `element not in container` when negated.
    case membership(element: Expr, container: Expr, negated: Bool)
    /// Short-circuit `and` / `or`.
    case logical(op: LogicalOperator, Expr, Expr)
    case call(callee: Expr, arguments: [Argument])
    case index(Expr, [SubscriptExpr])
    case member(Expr, String)
    case function(FunctionDecl)
}

/// A call argument, positional or labelled (`lr: 0.1` or `lr = 0.1`).
public struct Argument {
    public var label: String?
    public var value: Expr
    public var location: SourceLocation
}

public enum SubscriptExpr {
    case index(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?)
}

public struct Parameter {
    public var name: String
    public var defaultValue: Expr?
    public var location: SourceLocation
}

/// `fn name(a, b = 1) { ... }` or an anonymous `fn(x) { ... }`.
public final class FunctionDecl {
    public let name: String?
    public let parameters: [Parameter]
    public let body: [Stmt]
    public let location: SourceLocation
    /// The function's own variables: its parameters and every name its body assigns (`x = …`,
    /// `x += …`, a `for` variable, a nested `fn x`), except those declared `outer`.
    public let locals: Set<String>
    /// Names declared `outer x`: assigning them changes the variable outside the function.
    public let outerNames: Set<String>

    init(name: String?, parameters: [Parameter], body: [Stmt], location: SourceLocation) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.location = location
        var assigned = Set(parameters.map(\.name)), outer = Set<String>()
        FunctionDecl.collect(body, assigned: &assigned, outer: &outer)
        outerNames = outer
        locals = assigned.subtracting(outer)
    }

    /// The names a body assigns and declares `outer`; nested functions' bodies are their own.
    static func collect(_ body: [Stmt], assigned: inout Set<String>, outer: inout Set<String>) {
        func names(_ t: Target) {
            switch t {
            case .name(let n, _): assigned.insert(n)
            case .tuple(let items, _): items.forEach(names)
            case .index, .member: break   // changes a value, binds no name
            }
        }
        for s in body {
            switch s.kind {
            case .assign(let t, _), .compoundAssign(let t, _, _): names(t)
            case .forStmt(let t, _, let b):
                names(t)
                collect(b, assigned: &assigned, outer: &outer)
            case .ifStmt(_, let then, let otherwise):
                collect(then, assigned: &assigned, outer: &outer)
                collect(otherwise ?? [], assigned: &assigned, outer: &outer)
            case .whileStmt(_, let b): collect(b, assigned: &assigned, outer: &outer)
            case .function(let d), .model(let d): if let n = d.name { assigned.insert(n) }
            case .outer(let ns): outer.formUnion(ns)
            case .expression, .returnStmt, .breakStmt, .continueStmt: break
            }
        }
    }
}

/// Where an assignment stores.
public indirect enum Target {
    case name(String, SourceLocation)
    case index(Expr, [SubscriptExpr], SourceLocation)
    case member(Expr, String, SourceLocation)
    case tuple([Target], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .name(_, let l), .index(_, _, let l), .member(_, _, let l), .tuple(_, let l): return l
        }
    }
}

public struct LineRange: Equatable {
    public var firstLine: Int
    public var lastLine: Int
}

public struct Stmt {
    public var kind: StmtKind
    public var location: SourceLocation
    public var range: LineRange
}

public indirect enum StmtKind {
    case expression(Expr)
    case assign(Target, Expr)
    /// `x += e` and friends; `op` is the arithmetic operator (+, -, *, /).
    case compoundAssign(Target, op: BinaryOperator, Expr)
    case ifStmt(condition: Expr, then: [Stmt], otherwise: [Stmt]?)
    case forStmt(Target, Expr, [Stmt])
    case whileStmt(Expr, [Stmt])
    case function(FunctionDecl)
    case returnStmt(Expr?)
    case breakStmt
    case continueStmt
    /// `outer x, y` inside a function: assigning x or y changes the variable outside it.
    case outer([String])
    /// `model Name(params) { body }`: a model type. The body is its constructor: it runs with
    /// `self` bound to the new model, and the functions it defines are the model's methods.
    case model(FunctionDecl)
}

public struct Program {
    public var statements: [Stmt]
    public var comments: [Lexer.Comment]
}
