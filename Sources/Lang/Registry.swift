import Foundation
import Syntax
import Tensors

/// One parameter of a builtin, parsed from its declaration (`dim: int? = nil`, `*shape: int`).
public struct Param {
    public let name: String
    public let type: String
    /// Text of the default value, nil when the parameter is required.
    public let defaultText: String?
    /// The default as a value: the one place a builtin's default is said is its declaration.
    /// nil when there is no default or its text is not a literal (the registry test reports that).
    public let defaultValue: Value?
    public let variadic: Bool

    init(name: String, type: String, defaultText: String?, variadic: Bool) {
        self.name = name
        self.type = type
        self.defaultText = defaultText
        self.variadic = variadic
        defaultValue = defaultText.flatMap(Param.literal)
    }

    /// A literal default (`nil`, `true`, `-1`, `0.00001`, `"mean"`) read by the language's own parser.
    static func literal(_ text: String) -> Value? {
        guard let program = try? Parser.parse(source: text), program.statements.count == 1,
            case .expression(let e) = program.statements[0].kind
        else { return nil }
        switch e.kind {
        case .integer(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .nilLiteral: return Value.none
        case .unary(op: .negate, let x):
            if case .integer(let i) = x.kind { return .int(-i) }
            if case .float(let d) = x.kind { return .float(-d) }
            return nil
        default: return nil
        }
    }

    var declaration: String {
        (variadic ? "*" : "") + name + ": " + type + (defaultText.map { " = " + $0 } ?? "")
    }
}

/// A builtin function or method: the single source of its help text, its signature, tab
/// completion of its labels, argument checking and its implementation.
public final class Builtin: Callable {
    public let name: String
    /// nil for a global function; a type name ("tensor", "Module"…) for a method.
    public let owner: String?
    public let params: [Param]
    public let returns: String
    public let summary: String
    public let details: String
    public let example: String
    let impl: (Call) throws -> Value

    init(
        name: String, owner: String?, params: [Param], returns: String, summary: String, details: String,
        example: String, impl: @escaping (Call) throws -> Value
    ) {
        self.name = name
        self.owner = owner
        self.params = params
        self.returns = returns
        self.summary = summary
        self.details = details
        self.example = example
        self.impl = impl
    }

    public var qualifiedName: String { owner.map { "\($0).\(name)" } ?? name }
    public var signature: String {
        qualifiedName + "(" + params.map(\.declaration).joined(separator: ", ") + ")"
            + (returns.isEmpty ? "" : " -> " + returns)
    }

    /// The text `help(name)` prints.
    public var helpText: String {
        var s = signature + "\n  " + summary
        if !details.isEmpty {
            s +=
                "\n\n"
                + details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(
                    separator: "\n")
        }
        if !example.isEmpty {
            s += "\n\nExample:\n" + example.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        }
        return s
    }

    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        try impl(try Call(builtin: self, interp: interp, receiver: nil, args: args))
    }

    func call(_ interp: Interpreter, receiver: Value, _ args: Arguments) throws -> Value {
        try impl(try Call(builtin: self, interp: interp, receiver: receiver, args: args))
    }
}

/// A method bound to its receiver (`t.sum` before it is called).
public final class BoundMethod: Callable {
    public let receiver: Value
    public let method: Builtin
    public var name: String { method.qualifiedName }
    init(receiver: Value, method: Builtin) {
        self.receiver = receiver
        self.method = method
    }
    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value {
        try method.call(interp, receiver: receiver, args)
    }
}

/// Arguments as written at a call site.
public struct Arguments {
    public var positional: [Value]
    public var labelled: [(String, Value)]
    public init(_ positional: [Value] = [], _ labelled: [(String, Value)] = []) {
        self.positional = positional
        self.labelled = labelled
    }
}

/// Every builtin, by name; methods by owner type. Later modules register their own.
public final class Registry {
    public private(set) var functions: [String: Builtin] = [:]
    public private(set) var methods: [String: [String: Builtin]] = [:]
    /// Documented properties per type (for help and completion): name → one-line description.
    public private(set) var properties: [String: [String: String]] = [:]

    public init() {}

    /// Registers a global function. `params` is a declaration list like
    /// `"x: tensor, dim: int? = nil, *rest: int"`.
    public func function(
        _ name: String, _ params: String = "", returns: String = "", _ summary: String,
        details: String = "", example: String = "", _ impl: @escaping (Call) throws -> Value
    ) {
        functions[name] = Builtin(
            name: name, owner: nil, params: Registry.parse(params), returns: returns,
            summary: summary, details: details, example: example, impl: impl)
    }

    public func method(
        _ owner: String, _ name: String, _ params: String = "", returns: String = "", _ summary: String,
        details: String = "", example: String = "", _ impl: @escaping (Call) throws -> Value
    ) {
        methods[owner, default: [:]][name] = Builtin(
            name: name, owner: owner, params: Registry.parse(params), returns: returns,
            summary: summary, details: details, example: example, impl: impl)
    }

    public func property(_ owner: String, _ name: String, _ summary: String) {
        properties[owner, default: [:]][name] = summary
    }

    public func lookup(_ name: String) -> Builtin? {
        if let f = functions[name] { return f }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2 { return methods[parts[0]]?[parts[1]] }
        return nil
    }

    /// Parses a parameter declaration list. Declarations are written by developers, so a
    /// malformed one is reported by the registry test rather than at a user's prompt.
    static func parse(_ decl: String) -> [Param] {
        var parts: [String] = []
        var depth = 0
        var cur = ""
        for ch in decl {
            if "([{".contains(ch) { depth += 1 } else if ")]}".contains(ch) { depth -= 1 }
            if ch == "," && depth == 0 {
                parts.append(cur)
                cur = ""
            } else {
                cur.append(ch)
            }
        }
        if !cur.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(cur) }
        return parts.map { raw in
            var p = raw.trimmingCharacters(in: .whitespaces)
            let variadic = p.hasPrefix("*")
            if variadic { p.removeFirst() }
            var dflt: String?
            if let eq = p.range(of: " = ") {
                dflt = String(p[eq.upperBound...]).trimmingCharacters(in: .whitespaces)
                p = String(p[..<eq.lowerBound])
            }
            let nameType = p.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return Param(
                name: nameType[0], type: nameType.count > 1 ? nameType[1] : "any", defaultText: dflt,
                variadic: variadic)
        }
    }
}

/// A call in progress: arguments bound to the builtin's parameters, with typed accessors
/// that throw errors naming the parameter, the expected type and what was found.
public struct Call {
    public let builtin: Builtin
    public let interp: Interpreter
    public let receiver: Value?
    /// Every parameter's value: given at the call site, or its declared default.
    var bound: [String: Value] = [:]
    /// The parameters given at the call site (the rest took their declared defaults).
    public private(set) var given: Set<String> = []
    /// Values taken by a variadic parameter.
    public private(set) var rest: [Value] = []

    init(builtin: Builtin, interp: Interpreter, receiver: Value?, args: Arguments) throws {
        self.builtin = builtin
        self.interp = interp
        self.receiver = receiver
        let params = builtin.params
        var pi = 0
        for v in args.positional {
            while pi < params.count, bound[params[pi].name] != nil { pi += 1 }
            guard pi < params.count else {
                throw RuntimeError(
                    "\(builtin.qualifiedName) takes at most \(params.count) argument\(params.count == 1 ? "" : "s"), "
                        + "found \(args.positional.count): \(builtin.signature)"
                )
            }
            if params[pi].variadic {
                rest.append(v)
            } else {
                bound[params[pi].name] = v
                pi += 1
            }
        }
        for (label, v) in args.labelled {
            guard let p = params.first(where: { $0.name == label }) else {
                let names = params.map(\.name).joined(separator: ", ")
                throw RuntimeError(
                    "\(builtin.qualifiedName) has no argument '\(label)'; "
                        + "expected \(names.isEmpty ? "no arguments" : names)"
                )
            }
            guard bound[label] == nil else {
                throw RuntimeError("\(builtin.qualifiedName): argument '\(label)' given twice")
            }
            if p.variadic { rest.append(v) } else { bound[label] = v }
        }
        given = Set(bound.keys)
        for p in params where !p.variadic && bound[p.name] == nil {
            guard p.defaultText != nil else {
                throw RuntimeError("\(builtin.qualifiedName) needs argument '\(p.name)': \(builtin.signature)")
            }
            bound[p.name] = p.defaultValue
        }
    }

    var fn: String { builtin.qualifiedName }

    /// The raw value of a parameter (nil when absent or explicitly nil).
    public func value(_ name: String) -> Value? {
        if let v = bound[name], case .none = v { return nil }
        return bound[name]
    }
    public func has(_ name: String) -> Bool { value(name) != nil }

    func typeError(_ name: String, _ expected: String, _ found: Value) -> RuntimeError {
        RuntimeError("\(fn): argument '\(name)' must be \(expected), found \(found.typeName)")
    }

    public func tensor(_ name: String) throws -> Tensor {
        guard let v = value(name) else { throw RuntimeError("\(fn) needs argument '\(name)'") }
        return try Convert.tensor(v, what: "\(fn): argument '\(name)'")
    }
    public func optionalTensor(_ name: String) throws -> Tensor? {
        try value(name).map { try Convert.tensor($0, what: "\(fn): argument '\(name)'") }
    }

    /// The value of a parameter that must have one (given, or a non-nil declared default).
    func required(_ name: String) throws -> Value {
        guard let v = value(name) else { throw RuntimeError("\(fn) needs argument '\(name)'") }
        return v
    }

    public func int(_ name: String) throws -> Int {
        try Convert.int(required(name), what: "\(fn): argument '\(name)'")
    }
    public func optionalInt(_ name: String) throws -> Int? {
        try value(name).map { try Convert.int($0, what: "\(fn): argument '\(name)'") }
    }

    public func double(_ name: String) throws -> Double {
        try Convert.double(required(name), what: "\(fn): argument '\(name)'")
    }
    public func optionalDouble(_ name: String) throws -> Double? {
        try value(name).map { try Convert.double($0, what: "\(fn): argument '\(name)'") }
    }
    public func float(_ name: String) throws -> Float { Float(try double(name)) }

    public func bool(_ name: String) throws -> Bool {
        let v = try required(name)
        if case .bool(let b) = v { return b }
        throw typeError(name, "true or false", v)
    }

    public func string(_ name: String) throws -> String {
        let v = try required(name)
        if case .string(let s) = v { return s }
        throw typeError(name, "a string", v)
    }
    public func optionalString(_ name: String) throws -> String? { value(name) == nil ? nil : try string(name) }

    public func list(_ name: String) throws -> [Value] {
        guard let v = value(name) else { throw RuntimeError("\(fn) needs argument '\(name)'") }
        if case .list(let l) = v { return l.items }
        throw typeError(name, "a list", v)
    }

    /// A shape given either as separate ints (`zeros(2, 3)`) or one list (`zeros([2, 3])`).
    public func shape(_ name: String) throws -> [Int] {
        var vals = rest
        if let v = value(name) { vals.insert(v, at: 0) }
        if vals.count == 1, case .list(let l) = vals[0] { vals = l.items }
        if vals.count == 1, case .tensor(let t) = vals[0] { return t.intValues.map { Int($0) } }
        return try vals.map { try Convert.int($0, what: "\(fn): shape") }
    }

    public func receiverTensor() throws -> Tensor {
        guard let r = receiver else { throw RuntimeError("\(fn) needs a receiver") }
        return try Convert.tensor(r, what: fn)
    }
    public func receiverObject<T>(_ type: T.Type) throws -> T {
        guard case .object(let o)? = receiver, let t = o as? T else {
            throw RuntimeError("\(fn) called on \(receiver?.typeName ?? "nothing")")
        }
        return t
    }
}

/// Conversions between language values and engine types.
public enum Convert {
    public static func int(_ v: Value, what: String) throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let d) where d == d.rounded() && abs(d) < 9e15: return Int(d)
        case .tensor(let t) where t.count == 1 && t.dtype != .float32: return Int(t.ints[0])
        default:
            throw RuntimeError(
                "\(what) must be an integer, found \(v.typeName)\(v.typeName == "float" ? " \(v.display)" : "")")
        }
    }
    /// A whole-valued double as an int, or an error when it is NaN, infinite or beyond int64
    /// (a plain conversion would trap there, or wrap in an unchecked build).
    public static func int(whole d: Double, what: String) throws -> Int {
        guard d >= -0x1p63, d < 0x1p63 else {
            throw RuntimeError("\(what): \(Value.float(d).display) is out of int64's range")
        }
        return Int(d)
    }
    public static func double(_ v: Value, what: String) throws -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.count == 1: return Double(try t.item())
        default: throw RuntimeError("\(what) must be a number, found \(v.typeName)")
        }
    }
    /// Numbers, nested lists of numbers and tensors become tensors (lists of ints → int64,
    /// any float → float32, lists of bools → bool).
    public static func tensor(_ v: Value, what: String) throws -> Tensor {
        switch v {
        case .tensor(let t): return t
        case .int(let i): return try Tensor(shape: [], ints: [Int64(i)])
        case .float(let d): return Tensor(scalar: Float(d))
        case .bool(let b): return try Tensor(shape: [], bools: [b])
        case .list:
            // A dataset row is [features, label]: say so, rather than "ragged nested list".
            if case .list(let l) = v, l.items.count == 2, case .tensor(let features) = l.items[0], features.rank >= 1,
                case .int = l.items[1]
            {
                throw RuntimeError("\(what): this is a dataset row [features, label]; pass its features, row[0]")
            }
            var shape: [Int] = []
            var flat: [Value] = []
            try flatten(v, depth: 0, shape: &shape, flat: &flat, what: what)
            if !flat.isEmpty,
                flat.allSatisfy({
                    if case .bool = $0 { return true }
                    return false
                })
            {
                return try Tensor(
                    shape: shape,
                    bools: flat.map {
                        if case .bool(let b) = $0 { return b }
                        return false
                    })
            }
            if flat.allSatisfy({
                if case .int = $0 { return true }
                return false
            }) && !flat.isEmpty {
                return try Tensor(
                    shape: shape,
                    ints: flat.map {
                        if case .int(let i) = $0 { return Int64(i) }
                        return 0
                    })
            }
            return try Tensor(shape: shape, floats: flat.map { Float(try double($0, what: what)) })
        default:
            throw RuntimeError("\(what) must be a tensor (or a number or list of numbers), found \(v.typeName)")
        }
    }

    static func flatten(_ v: Value, depth: Int, shape: inout [Int], flat: inout [Value], what: String) throws {
        guard depth < 32 else { throw RuntimeError("\(what): lists nested more than 32 deep") }
        switch v {
        case .list(let l):
            if shape.count == depth {
                shape.append(l.items.count)
            } else if shape.count <= depth || shape[depth] != l.items.count {
                throw RuntimeError("\(what): ragged nested list (rows of different lengths) cannot become a tensor")
            }
            for item in l.items { try flatten(item, depth: depth + 1, shape: &shape, flat: &flat, what: what) }
        case .tensor(let t):
            if shape.count == depth { shape.append(contentsOf: t.shape) }
            guard Array(shape[depth...]) == t.shape else {
                throw RuntimeError("\(what): tensors of different shapes in a list")
            }
            flat.append(contentsOf: t.floatValues.map { .float(Double($0)) })
        default:
            guard shape.count == depth else {
                throw RuntimeError("\(what): ragged nested list (a number where a list was expected)")
            }
            flat.append(v)
        }
    }

    public static func toValue(_ t: Tensor) -> Value { .tensor(t) }

    /// A tensor's values as nested lists (`tolist()`).
    public static func list(_ t: Tensor) -> Value {
        let vals: [Value]
        switch t.dtype {
        case .float32: vals = t.floats.map { .float(Double($0)) }
        case .int64: vals = t.ints.map { .int(Int($0)) }
        case .bool: vals = t.ints.map { .bool($0 != 0) }
        }
        if t.shape.isEmpty { return vals.first ?? .none }
        func rec(_ d: Int, _ off: Int) -> Value {
            let stride = t.shape[(d + 1)...].reduce(1, *)
            if d == t.shape.count - 1 { return .list(Array(vals[off..<(off + t.shape[d])])) }
            return .list((0..<t.shape[d]).map { rec(d + 1, off + $0 * stride) })
        }
        return rec(0, 0)
    }
}
