import Foundation
import Syntax
import Tensors

/// Executing statements: blocks, loops, function bodies and assignment.
extension Interpreter {
    /// How a statement ended: normally, or by break, continue or return.
    enum Flow {
        case normal, breakLoop, continueLoop
        case returnValue(Value)
    }

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
            throw RuntimeError(
                "maximum call depth \(Interpreter.maxCallDepth) exceeded in \(name) (runaway recursion?)")
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
                throw RuntimeError("'break' or 'continue' outside a loop", at: s.location, file: currentFile)
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
                try assign(target, try binary(op, current, try eval(e, scope)), scope)
            case .ifStmt(let cond, let then, let otherwise):
                if try eval(cond, scope).truthy() { return try execBlock(then, scope) }
                if let otherwise { return try execBlock(otherwise, scope) }
            case .whileStmt(let cond, let body):
                return try execWhile(cond, body, scope)
            case .forStmt(let target, let seqExpr, let body):
                return try execFor(target, seqExpr, body, scope)
            case .function(let decl):
                let f = UserFunction(decl: decl, closure: scope, file: currentFile)
                try scope.assign(decl.name ?? "<fn>", .function(f))
            case .returnStmt(let e):
                return .returnValue(try e.map { try eval($0, scope) } ?? .none)
            case .model(let decl):
                let type = ModelType(decl: decl, closure: scope, file: currentFile)
                try scope.assign(decl.name ?? "<model>", .function(type))
            case .outer: break   // read when the function was parsed (FunctionDecl.outerNames)
            case .breakStmt: return .breakLoop
            case .continueStmt: return .continueLoop
            }
            return .normal
        }
    }

    func execWhile(_ cond: Expr, _ body: [Stmt], _ scope: Scope) throws -> Flow {
        while try eval(cond, scope).truthy() {
            try step()
            switch try execBlock(body, scope) {
            case .breakLoop: return .normal
            case .returnValue(let v): return .returnValue(v)
            default: continue
            }
        }
        return .normal
    }

    func execFor(_ target: Target, _ seqExpr: Expr, _ body: [Stmt], _ scope: Scope) throws -> Flow {
        for item in try iterate(try eval(seqExpr, scope)) {
            try step()
            try assign(target, item, scope)
            switch try execBlock(body, scope) {
            case .breakLoop: return .normal
            case .returnValue(let v): return .returnValue(v)
            default: continue
            }
        }
        return .normal
    }

    // MARK: assignment

    /// The expression that reads what a target writes (for `x += 1`).
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
            try scope.assign(n, value)
        case .tuple(let targets, let loc):
            let items: [Value]
            switch value {
            case .list(let l): items = l.items
            case .tensor: items = try iterate(value)
            default:
                throw RuntimeError(
                    "cannot unpack \(value.typeName) into \(targets.count) names", at: loc, file: currentFile)
            }
            guard items.count == targets.count else {
                throw RuntimeError(
                    "cannot unpack \(items.count) values into \(targets.count) names", at: loc,
                    file: currentFile)
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
}
