import Foundation
import Syntax
import Tensors
import Training

/// Variables of one scope. Blocks (if/for/while) share their function's scope, as in Python;
/// each function call gets a scope whose parent is the scope the function was defined in.
public final class Scope {
    var vars: [String: Value] = [:]
    let parent: Scope?
    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Value? {
        var s: Scope? = self
        while let cur = s {
            if let v = cur.vars[name] { return v }
            s = cur.parent
        }
        return nil
    }

    /// Assignment updates the nearest scope that has the name (so closures can keep state),
    /// and otherwise creates it here.
    func assign(_ name: String, _ v: Value) {
        var s: Scope? = self
        while let cur = s {
            if cur.vars[name] != nil { cur.vars[name] = v; return }
            s = cur.parent
        }
        vars[name] = v
    }
}

/// A function written in the language: parameters, body and the scope it closes over.
public final class UserFunction: Callable {
    let decl: FunctionDecl
    let closure: Scope
    public var name: String { decl.name ?? "<fn>" }
    init(decl: FunctionDecl, closure: Scope) { self.decl = decl; self.closure = closure }

    public var signature: String {
        "fn \(name)(" + decl.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name) = …" }.joined(separator: ", ") + ")"
    }

    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        let params = decl.parameters
        guard args.positional.count <= params.count else {
            throw RuntimeError("\(name) takes \(params.count) argument\(params.count == 1 ? "" : "s"), found \(args.positional.count)")
        }
        let scope = Scope(parent: closure)
        for (p, v) in zip(params, args.positional) { scope.vars[p.name] = v }
        for (label, v) in args.labelled {
            guard params.contains(where: { $0.name == label }) else {
                throw RuntimeError("\(name) has no parameter '\(label)'; expected \(params.map(\.name).joined(separator: ", "))")
            }
            guard scope.vars[label] == nil else { throw RuntimeError("\(name): argument '\(label)' given twice") }
            scope.vars[label] = v
        }
        for p in params where scope.vars[p.name] == nil {
            guard let d = p.defaultValue else { throw RuntimeError("\(name) needs argument '\(p.name)'") }
            scope.vars[p.name] = try interp.eval(d, scope)
        }
        return try interp.callBody(decl.body, scope, name: name)
    }
}

/// The tree-walking interpreter.
public final class Interpreter {
    public let registry: Registry
    public let globals = Scope(parent: nil)
    /// Receives every line of output; `volatile` marks lines that differ run to run (timings).
    public var output: (_ line: String, _ volatile: Bool) -> Void = { line, _ in print(line) }
    /// The last seed given to `seed()`, shown by `:env`.
    public var seedValue: Int?
    /// Relative paths in load/save resolve against this folder (the script's folder in `xai run`).
    public var baseDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// Stops a program after this many steps (statements, loop turns, calls); nil = unbounded.
    public var stepBudget: Int?
    /// True at a terminal prompt: training may draw a live progress bar.
    public var interactive = false
    /// The TensorBoard log of this session's last fit(log_dir:): explanation metrics go there too.
    public var trainingLog: EventWriter?
    public private(set) var wasInterrupted = false
    /// Whether Ctrl-C stopped a builtin early (training keeps what it learned and returns):
    /// the statement did not finish as written, so a saved session does not replay it.
    public private(set) var stoppedByCtrlC = false
    public func noteStoppedByCtrlC() { stoppedByCtrlC = true }
    var steps = 0
    var callDepth = 0
    static let maxCallDepth = 200

    public init(registry: Registry = Interpreter.standardRegistry()) {
        self.registry = registry
    }

    /// A function defined at the top level holds the global scope that holds it: emptying the
    /// scope breaks those cycles, so a finished session frees its values.
    deinit { globals.vars.removeAll() }

    /// The builtins every session starts with; later modules add theirs through `extensions`.
    public static func standardRegistry() -> Registry {
        let r = Registry()
        TensorBuiltins.register(r)
        CoreBuiltins.register(r)
        FileBuiltins.register(r)
        ModelBuiltins.register(r)
        TrainingBuiltins.register(r)
        ExplainBuiltins.register(r)
        PlotBuiltins.register(r)
        LanguageModelBuiltins.register(r)
        BertBuiltins.register(r)
        FusionBuiltins.register(r)
        CompressionBuiltins.register(r)
        for ext in Interpreter.extensions { ext(r) }
        return r
    }

    /// Registration hooks of modules above the language (layers, training, explanations).
    nonisolated(unsafe) public static var extensions: [(Registry) -> Void] = []

    public func emit(_ line: String) { output(line, false) }
    /// Prints text that may hold a picture, drawn by `draw`: through `outputPicture` when a
    /// session wants both a terminal's and a script's drawing, else as a plain line.
    public func emit(drawing draw: () -> String) {
        if let outputPicture { outputPicture(draw) } else { output(draw(), false) }
    }
    /// Receives each printed drawing as a function, so that it can be drawn for the terminal
    /// and again for a saved transcript (see Session).
    public var outputPicture: ((() -> String) -> Void)?
    public func emitVolatile(_ line: String) { output(line, true) }

    /// When set, files may only be read or written inside this folder (the fuzz test sets it).
    public var sandbox: URL?

    public func resolve(_ path: String) throws -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        let url = (expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : baseDirectory.appendingPathComponent(expanded)).standardizedFileURL
        if let sandbox, !url.path.hasPrefix(sandbox.standardizedFileURL.path + "/") {
            throw RuntimeError("\(path) is outside the folder this session may use (\(sandbox.path))")
        }
        return url
    }

    /// Names of global variables, sorted (for `:vars` and completion).
    public var globalNames: [String] { globals.vars.keys.sorted() }
    public func global(_ name: String) -> Value? { globals.vars[name] }
    public func setGlobal(_ name: String, _ value: Value) { globals.vars[name] = value }

    // MARK: running

    /// Runs one top-level statement; returns the text to show for an expression statement
    /// whose value is not nil.
    /// The value the last top-level statement showed (nil for statements that show nothing),
    /// so notebooks can draw it as a figure.
    public private(set) var lastShown: Value?

    public func executeTopLevel(_ stmt: Stmt) throws -> String? {
        lastShown = nil
        stoppedByCtrlC = false
        steps = 0
        callDepth = 0
        wasInterrupted = false
        do {
            if case .expression(let e) = stmt.kind {
                let v = try located(e.location) { try eval(e, globals) }
                if case .none = v { return nil }
                lastShown = v
                return v.repr
            }
            switch try exec(stmt, globals) {
            case .normal: return nil
            case .breakLoop, .continueLoop: throw RuntimeError("'break' or 'continue' outside a loop", line: stmt.location.line, column: stmt.location.column)
            case .returnValue: throw RuntimeError("'return' outside a function", line: stmt.location.line, column: stmt.location.column)
            }
        } catch is Interrupted {
            wasInterrupted = true
            throw Interrupted()
        } catch let limit as TimeLimitExceeded {
            wasInterrupted = true   // the rest of the run stops too
            throw limit
        }
    }

    /// Runs a whole source text (used by tests and `:load`); output goes to `output`.
    public func run(_ source: String, file: String = "<input>") throws {
        let program = try Parser.parse(source: source, file: file)
        for s in program.statements {
            if let shown = try executeTopLevel(s) { emit(shown) }
        }
    }

    /// Text for an error, with location and caret when known. `source` is the text the
    /// locations refer to (the whole session at the prompt, the whole file in a script).
    public func renderError(_ error: Error, source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        return renderError(error) { $0 >= 1 && $0 <= lines.count ? String(lines[$0 - 1]) : nil }
    }

    /// The same, with the source line looked up by number (1-based); `numbered` gives the
    /// number shown for a line.
    public func renderError(_ error: Error, line: (Int) -> String?, numbered: (Int) -> Int = { $0 }) -> String {
        switch error {
        case let e as SyntaxError: return e.render(line: line, numbered: numbered)
        case is Interrupted: return "interrupted (every variable keeps its value)"
        case let e as RuntimeError:
            if let number = e.line, let col = e.column {
                return SourceLocation.render(error: e.message, at: SourceLocation(line: number, column: col, offset: 0),
                                             line: line, numbered: numbered)
            }
            return "error: " + e.message
        case let e as TensorError: return "error: " + e.message
        default: return "error: \(error)"
        }
    }

    /// Attaches a location to errors raised without one.
    @inline(__always)
    func located<T>(_ loc: SourceLocation, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as RuntimeError {
            if e.line == nil { e.line = loc.line; e.column = loc.column }
            throw e
        } catch let e as TensorError {
            throw RuntimeError(e.message, line: loc.line, column: loc.column)
        } catch let e as SyntaxError {
            throw RuntimeError(e.message, line: loc.line, column: loc.column)
        }
    }

    func step() throws {
        steps += 1
        if let b = stepBudget, steps > b { throw RuntimeError("step budget of \(b) exceeded") }
        // Ctrl-C at every step (a flag read), so even a loop of slow steps stops within one;
        // the time limit, which reads the clock, every 64 steps.
        if Interruption.poll() { throw Interrupted() }
        if steps & 63 == 0 { try Interruption.checkDeadline() }
    }

    enum Flow { case normal, breakLoop, continueLoop, returnValue(Value) }

    func execBlock(_ stmts: [Stmt], _ scope: Scope) throws -> Flow {
        for s in stmts {
            let f = try exec(s, scope)
            if case .normal = f { continue }
            return f
        }
        return .normal
    }

    /// The body of a function: its value is `return`'s, or the last expression statement's.
    func callBody(_ body: [Stmt], _ scope: Scope, name: String) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        guard callDepth <= Interpreter.maxCallDepth else {
            throw RuntimeError("maximum call depth \(Interpreter.maxCallDepth) exceeded in \(name) (runaway recursion?)")
        }
        try Interruption.check()
        for (k, s) in body.enumerated() {
            if k == body.count - 1, case .expression(let e) = s.kind {
                try step()
                return try located(e.location) { try eval(e, scope) }
            }
            switch try exec(s, scope) {
            case .normal: continue
            case .returnValue(let v): return v
            case .breakLoop, .continueLoop:
                throw RuntimeError("'break' or 'continue' outside a loop", line: s.location.line, column: s.location.column)
            }
        }
        return .none
    }

    func exec(_ stmt: Stmt, _ scope: Scope) throws -> Flow {
        try step()
        return try located(stmt.location) {
            switch stmt.kind {
            case .expression(let e):
                _ = try eval(e, scope)
            case .assign(let target, let e):
                try assign(target, try eval(e, scope), scope)
            case .compoundAssign(let target, let op, let e):
                let current = try eval(targetExpr(target), scope)
                let rhs = try eval(e, scope)
                guard let bop = BinaryOperator(rawValue: op) else { throw RuntimeError("unknown operator \(op)=") }
                try assign(target, try binary(bop, current, rhs), scope)
            case .ifStmt(let cond, let then, let otherwise):
                if try eval(cond, scope).truthy() { return try execBlock(then, scope) }
                if let otherwise { return try execBlock(otherwise, scope) }
            case .whileStmt(let cond, let body):
                while try eval(cond, scope).truthy() {
                    try step()
                    switch try execBlock(body, scope) {
                    case .breakLoop: return .normal
                    case .returnValue(let v): return .returnValue(v)
                    default: continue
                    }
                }
            case .forStmt(let target, let seqExpr, let body):
                for item in try iterate(try eval(seqExpr, scope)) {
                    try step()
                    try assign(target, item, scope)
                    switch try execBlock(body, scope) {
                    case .breakLoop: return .normal
                    case .returnValue(let v): return .returnValue(v)
                    default: continue
                    }
                }
            case .function(let decl):
                scope.assign(decl.name ?? "<fn>", .function(UserFunction(decl: decl, closure: scope)))
            case .returnStmt(let e):
                return .returnValue(try e.map { try eval($0, scope) } ?? .none)
            case .breakStmt: return .breakLoop
            case .continueStmt: return .continueLoop
            }
            return .normal
        }
    }

    func targetExpr(_ t: Target) -> Expr {
        switch t {
        case .name(let n, let l): return Expr(.name(n), l)
        case .index(let b, let s, let l): return Expr(.index(b, s), l)
        case .member(let b, let n, let l): return Expr(.member(b, n), l)
        case .tuple(let items, let l): return Expr(.tuple(items.map(targetExpr)), l)
        }
    }

    func assign(_ target: Target, _ value: Value, _ scope: Scope) throws {
        switch target {
        case .name(let n, _):
            scope.assign(n, value)
        case .tuple(let targets, let loc):
            let items: [Value]
            switch value {
            case .list(let l): items = l.items
            case .tensor: items = try iterate(value)
            default: throw RuntimeError("cannot unpack \(value.typeName) into \(targets.count) names", line: loc.line, column: loc.column)
            }
            guard items.count == targets.count else {
                throw RuntimeError("cannot unpack \(items.count) values into \(targets.count) names", line: loc.line, column: loc.column)
            }
            for (t, v) in zip(targets, items) { try assign(t, v, scope) }
        case .index(let baseExpr, let subs, let loc):
            try located(loc) {
                let base = try eval(baseExpr, scope)
                let updated = try assignIndex(base, try evalSubscripts(subs, scope), value)
                // Tensors are values: store the updated tensor back where it came from.
                if case .tensor = updated { try assign(try storeTarget(baseExpr), updated, scope) }
            }
        case .member(let baseExpr, let name, let loc):
            try located(loc) {
                switch try eval(baseExpr, scope) {
                case .object(let o): try o.setProperty(name, value)
                case .dict(let d): d[name] = value
                case let v: throw RuntimeError("cannot set property '\(name)' on \(v.typeName)")
                }
            }
        }
    }

    func storeTarget(_ e: Expr) throws -> Target {
        switch e.kind {
        case .name(let n): return .name(n, e.location)
        case .index(let b, let s): return .index(b, s, e.location)
        case .member(let b, let n): return .member(b, n, e.location)
        default: throw RuntimeError("cannot assign into a temporary value")
        }
    }

    // MARK: expressions

    public func eval(_ e: Expr, _ scope: Scope) throws -> Value {
        switch e.kind {
        case .integer(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .nilLiteral: return .none
        case .name(let n):
            if let v = scope.lookup(n) { return v }
            if let b = registry.functions[n] { return .function(b) }
            throw RuntimeError(undefinedMessage(n, scope), line: e.location.line, column: e.location.column)
        case .list(let items):
            return .list(try items.map { try eval($0, scope) })
        case .tuple(let items):
            return .list(try items.map { try eval($0, scope) })
        case .dict(let entries):
            let d = DictBox()
            for (k, v) in entries { d[try located(k.location) { try DictKey(try eval(k, scope)) }] = try eval(v, scope) }
            return .dict(d)
        case .unary(let op, let x):
            let v = try eval(x, scope)
            return try located(e.location) {
                switch op {
                case "not": return .bool(!(try v.truthy()))
                case "-":
                    switch v {
                    case .int(let i):
                        guard i != .min else { throw Interpreter.intOverflow("-(\(i))") }
                        return .int(-i)
                    case .float(let d): return .float(-d)
                    case .tensor(let t): return .tensor(try t.neg())
                    default: throw RuntimeError("cannot negate \(v.typeName)")
                    }
                default:
                    switch v {
                    case .int, .float, .tensor: return v
                    default: throw RuntimeError("unary + needs a number or tensor, found \(v.typeName)")
                    }
                }
            }
        case .logical(let op, let a, let b):
            let l = try eval(a, scope)
            let lt = try located(a.location) { try l.truthy() }
            if op == "and" { return lt ? try eval(b, scope) : l }
            return lt ? l : try eval(b, scope)
        case .binary(let op, let a, let b):
            let l = try eval(a, scope), r = try eval(b, scope)
            return try located(e.location) {
                switch op {
                case "in": return .bool(try contains(r, l))
                case "not in": return .bool(!(try contains(r, l)))
                default:
                    guard let bop = BinaryOperator(rawValue: op) else { throw RuntimeError("unknown operator \(op)") }
                    return try binary(bop, l, r)
                }
            }
        case .call(let calleeExpr, let argExprs):
            let callee = try eval(calleeExpr, scope)
            var args = Arguments()
            for a in argExprs {
                let v = try eval(a.value, scope)
                if let label = a.label { args.labelled.append((label, v)) } else { args.positional.append(v) }
            }
            return try located(e.location) {
                try step()
                switch callee {
                case .function(let f): return try f.call(self, args)
                case .object(let o as Callable): return try o.call(self, args)   // models: model(x)
                default:
                    // x.name() where name is a property, not a method: say to drop the ().
                    if case .member(_, let name) = calleeExpr.kind, argExprs.isEmpty {
                        throw RuntimeError("'\(name)' is a property, not a method: write .\(name) without ()")
                    }
                    throw RuntimeError("\(callee.typeName) is not callable\(calleeName(calleeExpr).map { " ('\($0)')" } ?? "")")
                }
            }
        case .index(let baseExpr, let subs):
            let base = try eval(baseExpr, scope)
            let s = try evalSubscripts(subs, scope)
            return try located(e.location) { try index(base, s) }
        case .member(let baseExpr, let name):
            let base = try eval(baseExpr, scope)
            return try located(e.location) { try member(base, name) }
        case .function(let decl):
            return .function(UserFunction(decl: decl, closure: scope))
        }
    }

    func calleeName(_ e: Expr) -> String? {
        switch e.kind {
        case .name(let n): return n
        case .member(_, let n): return n
        default: return nil
        }
    }

    func evalSubscripts(_ subs: [SubscriptExpr], _ scope: Scope) throws -> [Subscript] {
        try subs.map { s in
            switch s {
            case .index(let e): return .index(try eval(e, scope))
            case .slice(let a, let b, let c):
                func opt(_ x: Expr?) throws -> Int? {
                    guard let x else { return nil }
                    let v = try eval(x, scope)
                    if case .none = v { return nil }
                    return try located(x.location) { try Convert.int(v, what: "slice bound") }
                }
                return .slice(start: try opt(a), stop: try opt(b), step: try opt(c))
            }
        }
    }

    /// `value.name`: a property, or a method bound to the value.
    public func member(_ base: Value, _ name: String) throws -> Value {
        let owner: String
        switch base {
        case .tensor(let t):
            if let p = try TensorBuiltins.property(t, name) { return p }
            owner = "tensor"
        case .dict(let d):
            if let v = d[name] { return v }
            owner = "dict"
        case .object(let o):
            if let v = try o.property(name) { return v }
            owner = o.typeName
        default:
            owner = base.typeName
        }
        if let m = registry.methods[owner]?[name] { return .function(BoundMethod(receiver: base, method: m)) }
        let known = (registry.properties[owner].map { Array($0.keys) } ?? []) + (registry.methods[owner].map { Array($0.keys) } ?? [])
        let near = Interpreter.closest(name, in: known)
        throw RuntimeError("\(base.typeName) has no property or method '\(name)'" + (near.map { "; did you mean '\($0)'?" } ?? ""))
    }

    /// Python spellings of the language's own words.
    static let pythonWords = ["True": "true", "False": "false", "None": "nil"]

    func undefinedMessage(_ name: String, _ scope: Scope) -> String {
        if let word = Interpreter.pythonWords[name] { return "'\(name)' is not defined; xai writes it '\(word)'" }
        var names = Array(registry.functions.keys)
        var s: Scope? = scope
        while let cur = s { names += cur.vars.keys; s = cur.parent }
        return "'\(name)' is not defined" + (Interpreter.closest(name, in: names).map { "; did you mean '\($0)'?" } ?? "")
    }

    /// The most similar name within edit distance 2 (or sharing a 3-letter prefix with a
    /// shorter name), for "did you mean" hints.
    static func closest(_ name: String, in unordered: [String]) -> String? {
        // In alphabetical order, so that ties give the same hint in every run (dictionary
        // order differs from process to process).
        let names = unordered.sorted()
        let a = Array(name.lowercased())
        var best: (String, Int)?
        if name.count >= 3, let p = names.filter({ $0.count >= 3 && $0.count < name.count && name.hasPrefix($0) }).max(by: { $0.count < $1.count }) {
            best = (p, 2)
        }
        for n in names {
            let b = Array(n.lowercased())
            guard abs(a.count - b.count) <= 2 else { continue }
            var prev = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var cur = [i] + Array(repeating: 0, count: b.count)
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                prev = cur
            }
            let d = prev[b.count]
            if d <= 2, d < (best?.1 ?? 3) { best = (n, d) }
        }
        return best?.0
    }

    // MARK: help

    public func helpText(for topic: Value?) throws -> String {
        switch topic {
        case nil:
            let names = registry.functions.keys.sorted()
            var s = "Builtins (help(name) for details):\n"
            var line = " "
            for n in names {
                if line.count + n.count > 78 { s += line + "\n"; line = " " }
                line += " " + n
            }
            s += line + "\nTensor methods: " + (registry.methods["tensor"]?.keys.sorted().joined(separator: ", ") ?? "")
            return s
        case .function(let f)?:
            if let b = f as? Builtin { return b.helpText }
            if let m = f as? BoundMethod { return m.method.helpText }
            if let u = f as? UserFunction { return u.signature + "\n  (a function defined in this session)" }
            return "<function \(f.name)>"
        case .string(let s)?:
            if let b = registry.lookup(s) { return b.helpText }
            for (owner, ms) in registry.methods.sorted(by: { $0.key < $1.key }) {
                if let m = ms[s] { return m.helpText + (owner == "tensor" ? "" : "\n  (a method of \(owner))") }
            }
            if let v = globals.vars[s] { return try helpText(for: v) }
            throw RuntimeError("no help for '\(s)'" + (Interpreter.closest(s, in: Array(registry.functions.keys)).map { "; did you mean '\($0)'?" } ?? ""))
        case .object(let o)?:
            let ms = registry.methods[o.typeName]?.keys.sorted() ?? []
            return o.summary + "\n  properties: " + o.propertyNames.joined(separator: ", ") + "\n  methods: " + ms.joined(separator: ", ")
        case let v?:
            let ms = registry.methods[v.typeName]?.keys.sorted() ?? []
            let ps = registry.properties[v.typeName]?.keys.sorted() ?? []
            return "\(v.typeName)" + (ps.isEmpty ? "" : "\n  properties: " + ps.joined(separator: ", ")) + (ms.isEmpty ? "" : "\n  methods: " + ms.joined(separator: ", "))
        }
    }
}
