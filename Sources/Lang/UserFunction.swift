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

    public var signature: String {
        "fn \(name)("
            + decl.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name) = …" }
            .joined(separator: ", ") + ")"
    }

    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        let params = decl.parameters
        guard args.positional.count <= params.count else {
            throw RuntimeError(
                "\(name) takes \(params.count) argument\(params.count == 1 ? "" : "s"), "
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
        return try interp.inFile(file) {
            for p in params where scope.vars[p.name] == nil {
                guard let d = p.defaultValue else { throw RuntimeError("\(name) needs argument '\(p.name)'") }
                scope.vars[p.name] = try interp.eval(d, scope)
            }
            return try interp.callBody(decl.body, scope, name: name)
        }
    }
}
