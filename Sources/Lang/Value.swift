import Foundation
import Tensors

/// A value of the xai language. Lists and dicts are references (as in Python), so
/// `b = a; b.append(1)` changes `a` too; tensors are values with copy-on-write storage.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list(ListBox)
    case dict(DictBox)
    case tensor(Tensor)
    case function(Callable)
    case object(HostObject)

    public static func list(_ items: [Value]) -> Value { .list(ListBox(items)) }

    /// The name users see in messages and `type(x)`.
    public var typeName: String {
        switch self {
        case .none: return "nil"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .list: return "list"
        case .dict: return "dict"
        case .tensor: return "tensor"
        case .function(let f): return f is ModelType ? "model" : "function"
        case .object(let o): return o.typeName
        }
    }

    /// Truthiness: nil, false, 0, "", empty collections are false; a tensor only if it has one element.
    public func truthy() throws -> Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .dict(let d): return !d.keys.isEmpty
        case .tensor(let t):
            guard t.count == 1 else {
                throw RuntimeError(
                    "the truth value of a tensor with \(t.count) elements is ambiguous; use .any() or .all()")
            }
            return try t.item() != 0
        case .function, .object: return true
        }
    }
}

public final class ListBox {
    public var items: [Value]
    public init(_ items: [Value]) { self.items = items }
}

/// Dict keys: strings, integers and booleans.
public enum DictKey: Hashable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)

    public init(_ v: Value) throws {
        switch v {
        case .string(let s): self = .string(s)
        case .int(let i): self = .int(i)
        case .bool(let b): self = .bool(b)
        case .float(let d) where d == d.rounded() && abs(d) < 1e15: self = .int(Int(d))
        default: throw RuntimeError("dict keys must be strings, ints or bools, found \(v.typeName)")
        }
    }
    public var value: Value {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        }
    }
    public var description: String { value.repr }
}

/// An insertion-ordered dictionary.
public final class DictBox {
    public private(set) var keys: [DictKey] = []
    public private(set) var storage: [DictKey: Value] = [:]
    public init() {}
    public init(_ pairs: [(String, Value)]) { for (k, v) in pairs { self[.string(k)] = v } }

    public subscript(key: DictKey) -> Value? {
        get { storage[key] }
        set {
            if let v = newValue {
                if storage.updateValue(v, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }
    public subscript(name: String) -> Value? {
        get { storage[.string(name)] }
        set { self[.string(name)] = newValue }
    }
    public var pairs: [(DictKey, Value)] { keys.compactMap { k in storage[k].map { (k, $0) } } }
}

/// Something callable from the language: a builtin, a bound method or a user function.
public protocol Callable: AnyObject {
    var name: String { get }
    func call(_ interp: Interpreter, _ args: Arguments) throws -> Value
}

/// Objects of the host (models, datasets, optimizers, explanations…) exposed to the language.
/// Later modules add their own types by conforming and registering methods.
public protocol HostObject: AnyObject {
    var typeName: String { get }
    /// A property (`obj.name`), or nil when there is none (methods come from the registry).
    func property(_ name: String) throws -> Value?
    /// Sets a property (`obj.name = v`); the default refuses.
    func setProperty(_ name: String, _ value: Value) throws
    /// Names of properties, for completion and `:vars`.
    var propertyNames: [String] { get }
    /// One-line summary for `:vars` and the REPL.
    var summary: String { get }
    /// Full display when the object is the value of a statement.
    var display: String { get }
}

extension HostObject {
    public func property(_ name: String) throws -> Value? { nil }
    public func setProperty(_ name: String, _ value: Value) throws {
        throw RuntimeError("\(typeName) has no settable property '\(name)'")
    }
    public var propertyNames: [String] { [] }
    public var display: String { summary }
}

// MARK: display

extension Value {
    /// How a value is shown inside containers and as a statement's result (strings quoted).
    public var repr: String {
        var seen = Set<ObjectIdentifier>()
        var out = ""
        write(to: &out, quoted: true, &seen)
        return out
    }

    /// How `print` shows a value (strings raw).
    public var display: String {
        var seen = Set<ObjectIdentifier>()
        var out = ""
        write(to: &out, quoted: false, &seen)
        return out
    }

    /// Appends the value's text to one buffer, so that deep or long containers print in
    /// linear time. `seen` holds the lists and dicts being printed: one that contains itself
    /// shows as [...] or {...}, as in Python, instead of recursing forever.
    func write(to out: inout String, quoted: Bool, _ seen: inout Set<ObjectIdentifier>) {
        switch self {
        case .string(let s): out += quoted ? Value.quote(s) : s
        case .list(let l):
            guard seen.insert(ObjectIdentifier(l)).inserted else {
                out += "[...]"
                return
            }
            defer { seen.remove(ObjectIdentifier(l)) }
            out += "["
            for (i, item) in l.items.enumerated() {
                if i > 0 { out += ", " }
                item.write(to: &out, quoted: true, &seen)
            }
            out += "]"
        case .dict(let d):
            guard seen.insert(ObjectIdentifier(d)).inserted else {
                out += "{...}"
                return
            }
            defer { seen.remove(ObjectIdentifier(d)) }
            out += "{"
            for (i, (k, v)) in d.pairs.enumerated() {
                if i > 0 { out += ", " }
                out += k.description + ": "
                v.write(to: &out, quoted: true, &seen)
            }
            out += "}"
        default: out += plainDisplay
        }
    }

    var plainDisplay: String {
        switch self {
        case .none: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return Value.formatFloat(d)
        case .string(let s): return s
        case .list, .dict: return display
        case .tensor(let t): return TensorFormat.describe(t)
        case .function(let f as ModelType): return "<\(f.signature)>"
        case .function(let f): return "<function \(f.name)>"
        case .object(let o): return o.display
        }
    }

    /// Shortest round-tripping decimal, with ".0" on integral values (as Python).
    public static func formatFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        return "\(d)"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 { out += String(format: "\\u{%X}", c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}
