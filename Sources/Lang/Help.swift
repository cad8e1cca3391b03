import Foundation

/// What `help()` prints: the list of builtins, a builtin's or method's entry, a user
/// function's signature, or an object's properties and methods.
extension Interpreter {
    public func helpText(for topic: Value?) throws -> String {
        switch topic {
        case nil: return overview()
        case .function(let f)?:
            if let b = f as? Builtin { return b.helpText }
            if let m = f as? BoundMethod { return m.method.helpText }
            if let u = f as? UserFunction { return u.signature + "\n  (a function defined in this session)" }
            if let m = f as? ModelType {
                return m.signature + "\n  (a model defined in this session; calling it builds one)"
            }
            return "<function \(f.name)>"
        case .string(let s)?:
            if let b = registry.lookup(s) { return b.helpText }
            for (owner, ms) in registry.methods.sorted(by: { $0.key < $1.key }) {
                if let m = ms[s] { return m.helpText + (owner == "tensor" ? "" : "\n  (a method of \(owner))") }
            }
            if let v = globals.vars[s] { return try helpText(for: v) }
            throw RuntimeError("no help for '\(s)'" + Interpreter.suggestion(s, in: Array(registry.functions.keys)))
        case .object(let o)?:
            let ms = registry.methods[o.typeName]?.keys.sorted() ?? []
            return o.summary + "\n  properties: " + o.propertyNames.joined(separator: ", ")
                + "\n  methods: " + ms.joined(separator: ", ")
        case let v?:
            let ms = registry.methods[v.typeName]?.keys.sorted() ?? []
            let ps = registry.properties[v.typeName]?.keys.sorted() ?? []
            return "\(v.typeName)" + (ps.isEmpty ? "" : "\n  properties: " + ps.joined(separator: ", "))
                + (ms.isEmpty ? "" : "\n  methods: " + ms.joined(separator: ", "))
        }
    }

    /// Every builtin's name in lines of at most 80 columns, then the tensor methods.
    func overview() -> String {
        var s = "Builtins (help(name) for details):\n"
        var line = " "
        for n in registry.functions.keys.sorted() {
            if line.count + n.count > 78 {
                s += line + "\n"
                line = " "
            }
            line += " " + n
        }
        return s + line + "\nTensor methods: "
            + (registry.methods["tensor"]?.keys.sorted().joined(separator: ", ") ?? "")
    }
}
