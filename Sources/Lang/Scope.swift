import Foundation

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
            if cur.vars[name] != nil {
                cur.vars[name] = v
                return
            }
            s = cur.parent
        }
        vars[name] = v
    }
}
