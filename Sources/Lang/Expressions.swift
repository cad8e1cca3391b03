import Foundation
import Syntax
import Tensors

/// Evaluating expressions: literals, names, operators, calls, indexing and members.
extension Interpreter {
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
            throw RuntimeError(undefinedMessage(n, scope), at: e.location, file: currentFile)
        case .list(let items), .tuple(let items):
            return .list(try items.map { try eval($0, scope) })
        case .dict(let entries):
            let d = DictBox()
            for (k, v) in entries {
                d[try located(k.location) { try DictKey(try eval(k, scope)) }] = try eval(v, scope)
            }
            return .dict(d)
        case .unary(let op, let x):
            let v = try eval(x, scope)
            return try located(e.location) { try unary(op, v) }
        case .logical(let op, let a, let b):
            let l = try eval(a, scope)
            let lt = try located(a.location) { try l.truthy() }
            switch op {
            case .and: return lt ? try eval(b, scope) : l
            case .or: return lt ? l : try eval(b, scope)
            }
        case .binary(let op, let a, let b):
            let l = try eval(a, scope)
            let r = try eval(b, scope)
            return try located(e.location) { try binary(op, l, r) }
        case .membership(let element, let container, let negated):
            let x = try eval(element, scope)
            let c = try eval(container, scope)
            return try located(e.location) { .bool(try contains(c, x) != negated) }
        case .call(let calleeExpr, let argExprs):
            return try evalCall(e, calleeExpr, argExprs, scope)
        case .index(let baseExpr, let subs):
            let base = try eval(baseExpr, scope)
            let s = try evalSubscripts(subs, scope)
            return try located(e.location) { try index(base, s) }
        case .member(let baseExpr, let name):
            let base = try eval(baseExpr, scope)
            return try located(e.location) { try member(base, name) }
        case .function(let decl):
            return .function(UserFunction(decl: decl, closure: scope, file: currentFile))
        }
    }

    /// `-x`, `+x` and `not x`.
    func unary(_ op: UnaryOperator, _ v: Value) throws -> Value {
        switch op {
        case .not: return .bool(!(try v.truthy()))
        case .negate:
            switch v {
            case .int(let i):
                guard i != .min else { throw Interpreter.intOverflow("-(\(i))") }
                return .int(-i)
            case .float(let d): return .float(-d)
            case .tensor(let t): return .tensor(try t.neg())
            default: throw RuntimeError("cannot negate \(v.typeName)")
            }
        case .plus:
            switch v {
            case .int, .float, .tensor: return v
            default: throw RuntimeError("unary + needs a number or tensor, found \(v.typeName)")
            }
        }
    }

    func evalCall(_ e: Expr, _ calleeExpr: Expr, _ argExprs: [Argument], _ scope: Scope) throws -> Value {
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
            case .object(let o as Callable): return try o.call(self, args)  // models: model(x)
            default:
                // x.name() where name is a property, not a method: say to drop the ().
                if case .member(_, let name) = calleeExpr.kind, argExprs.isEmpty {
                    throw RuntimeError("'\(name)' is a property, not a method: write .\(name) without ()")
                }
                throw RuntimeError(
                    "\(callee.typeName) is not callable"
                        + (calleeName(calleeExpr).map { " ('\($0)')" } ?? ""))
            }
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
                func bound(_ x: Expr?) throws -> Int? {
                    guard let x else { return nil }
                    let v = try eval(x, scope)
                    if case .none = v { return nil }
                    return try located(x.location) { try Convert.int(v, what: "slice bound") }
                }
                return .slice(start: try bound(a), stop: try bound(b), step: try bound(c))
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
        let known =
            (registry.properties[owner].map { Array($0.keys) } ?? [])
            + (registry.methods[owner].map { Array($0.keys) } ?? [])
        throw RuntimeError(
            "\(base.typeName) has no property or method '\(name)'" + Interpreter.suggestion(name, in: known))
    }
}
