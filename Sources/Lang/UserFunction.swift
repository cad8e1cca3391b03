import Foundation
import Syntax

/// A function written in the language: parameters, body, the scope it closes over and the
/// file it was written in (errors inside it are located there).
public final class UserFunction: Callable {
    let decl: FunctionDecl
    let closure: Scope
    let file: String
    public var name: String { decl.name ?? "<fn>" }
    init(decl: FunctionDecl, closure: Scope, file: String) {
        self.decl = decl
        self.closure = closure
        self.file = file
    }

    public var signature: String { decl.signature(keyword: "fn") }

    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        try call(interp, args, receiver: nil)
    }

    /// Calls the function; a model's method gets its model as `self`.
    func call(_ interp: Interpreter, _ args: Arguments, receiver: Value?) throws -> Value {
        let scope = try UserFunction.bind(args, to: decl, closure: closure, name: name, interp: interp)
        if let receiver { scope.vars["self"] = receiver }
        return try interp.inFile(file) {
            try UserFunction.bindDefaults(decl, scope, name: name, interp: interp)
            return try interp.callBody(decl.body, scope, name: name)
        }
    }

    /// A call's scope with the arguments bound to the parameters (defaults are bound later,
    /// in the function's file, by `bindDefaults`).
    static func bind(_ args: Arguments, to decl: FunctionDecl, closure: Scope, name: String,
                     interp: Interpreter) throws -> Scope {
        let params = decl.parameters
        guard args.positional.count <= params.count else {
            throw RuntimeError("\(name) takes \(params.count) argument\(params.count == 1 ? "" : "s"), "
                + "found \(args.positional.count)")
        }
        let scope = Scope(parent: closure, function: decl)
        for (p, v) in zip(params, args.positional) { scope.vars[p.name] = v }
        for (label, v) in args.labelled {
            guard params.contains(where: { $0.name == label }) else {
                let names = params.map(\.name).joined(separator: ", ")
                throw RuntimeError("\(name) has no parameter '\(label)'; expected \(names)")
            }
            guard scope.vars[label] == nil else { throw RuntimeError("\(name): argument '\(label)' given twice") }
            scope.vars[label] = v
        }
        return scope
    }

    static func bindDefaults(_ decl: FunctionDecl, _ scope: Scope, name: String, interp: Interpreter) throws {
        for p in decl.parameters where scope.vars[p.name] == nil {
            guard let d = p.defaultValue else { throw RuntimeError("\(name) needs argument '\(p.name)'") }
            scope.vars[p.name] = try interp.eval(d, scope)
        }
    }
}

extension FunctionDecl {
    /// `fn name(a, b = …)` or `model Name(a, b = …)`, as help shows a definition.
    func signature(keyword: String) -> String {
        "\(keyword) \(name ?? "<fn>")(" + parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name) = …" }
            .joined(separator: ", ") + ")"
    }
}
