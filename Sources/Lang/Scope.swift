import Foundation
import Syntax

/// Variables of one scope: the session's globals, or one call of a function. Blocks
/// (if/for/while) share their function's scope, as in Python; a call's scope has the scope the
/// function was defined in as its parent.
///
/// An assignment inside a function makes a variable of the function's own, unless the name is
/// declared `outer`: then it changes the nearest variable of that name outside the function.
public final class Scope {
    var vars: [String: Value] = [:]
    let parent: Scope?
    /// The function whose call this scope is (nil for the globals).
    let function: FunctionDecl?

    init(parent: Scope?, function: FunctionDecl? = nil) {
        self.parent = parent
        self.function = function
    }

    /// The value of `name` here or in an enclosing scope. A function's own variable that has
    /// no value yet hides the outer one of the same name (nil: see `unassignedLocal`).
    func lookup(_ name: String) -> Value? {
        var s: Scope? = self
        while let cur = s {
            if let v = cur.vars[name] { return v }
            if let f = cur.function, f.locals.contains(name) { return nil }
            s = cur.parent
        }
        return nil
    }

    /// The function in which `name` is its own variable, not yet assigned, while a variable of
    /// that name exists outside it: the program probably meant `outer name`.
    func unassignedLocal(_ name: String) -> FunctionDecl? {
        var s: Scope? = self
        while let cur = s {
            if cur.vars[name] != nil { return nil }
            if let f = cur.function, f.locals.contains(name) {
                return cur.parent?.lookup(name) != nil ? f : nil
            }
            s = cur.parent
        }
        return nil
    }

    /// Binds `name` here, or, for an `outer` name, in the nearest enclosing scope that has it.
    func assign(_ name: String, _ v: Value) throws {
        if let f = function, f.outerNames.contains(name) {
            var s = parent
            while let cur = s {
                if cur.vars[name] != nil {
                    cur.vars[name] = v
                    return
                }
                s = cur.parent
            }
            throw RuntimeError("'outer \(name)': there is no variable '\(name)' outside \(f.name ?? "this function") "
                + "to change; assign it outside the function first")
        }
        vars[name] = v
    }
}
