import Foundation
import Tensors

/// Builtins of the language itself: printing, help, conversions and numbers here; collections
/// in CollectionBuiltins.swift, strings in StringBuiltins.swift.
enum CoreBuiltins {
    static func register(_ r: Registry) {
        registerOutput(r)
        registerSequences(r)
        registerConversions(r)
        registerNumbers(r)
        registerAggregates(r)
        registerMath(r)
        registerListMethods(r)
        registerDictMethods(r)
        registerStringQueries(r)
        registerStringCopies(r)
    }

    static func registerOutput(_ r: Registry) {
        r.function("print", "*values: any", returns: "nil",
                   "Prints values separated by spaces (strings without quotes).",
                   example: "print(\"loss\", 0.25)") { c in
            c.interp.emit { c.rest.map(\.display).joined(separator: " ") }
            return .none
        }
        r.function("help", "topic: any? = nil", returns: "nil",
                   "Shows the signature, description and example of a builtin.",
                   details: #"help() lists every builtin; help(zeros), help("zeros") or help("tensor.sum") shows one."#,
                   example: "help(zeros)") { c in
            c.interp.emit(try c.interp.helpText(for: c.value("topic")))
            return .none
        }
    }

    static func registerConversions(_ r: Registry) {
        r.function("type", "x: any", returns: "string", "The type name of a value.", example: "type(1.5)") { c in
            .string((c.bound["x"] ?? .none).typeName)
        }
        r.function("str", "x: any", returns: "string", "A value as text.", example: "str(42) + \"!\"") { c in
            .string((c.bound["x"] ?? .none).display)
        }
        r.function("int", "x: any", returns: "int",
                   "A number (or numeric string) as an integer, truncating toward zero.",
                   example: "int(3.7)") { c in
            switch c.value("x") {
            case .string(let s)?:
                guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else {
                    throw RuntimeError("int(): \"\(s)\" is not an integer")
                }
                return .int(i)
            case let v?:
                let d = try Convert.double(v, what: "int()").rounded(.towardZero)
                return .int(try Convert.int(whole: d, what: "int()"))
            case nil: throw RuntimeError("int() of nil")
            }
        }
        r.function("float", "x: any", returns: "float", "A number (or numeric string) as a float.",
                   example: "float(\"2.5\")") { c in
            if case .string(let s)? = c.value("x") {
                guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else {
                    throw RuntimeError("float(): \"\(s)\" is not a number")
                }
                return .float(d)
            }
            return .float(try c.double("x"))
        }
        r.function("bool", "x: any", returns: "bool", "The truth value of x.", example: "bool([])") { c in
            .bool(try (c.bound["x"] ?? .none).truthy())
        }
        r.function("list", "x: any", returns: "list",
                   "Items of a list, dict (keys), string (characters) or tensor (first dimension) as a list.",
                   example: "list(\"abc\")") { c in
            .list(try c.interp.iterate(c.bound["x"] ?? .none))
        }
    }

    static func registerNumbers(_ r: Registry) {
        r.function("abs", "x: any", returns: "number or tensor", "Absolute value.",
                   example: """
                   abs(-3)
                   abs(tensor([-1.0, 2.0]))
                   """) { c in
            switch c.value("x") {
            case .int(let i)?:
                guard i != .min else { throw RuntimeError("abs(\(i)) is out of int64's range") }
                return .int(abs(i))
            case .float(let d)?: return .float(abs(d))
            case .tensor(let t)?: return .tensor(try t.abs())
            case let v: throw RuntimeError("abs() needs a number or tensor, found \(v?.typeName ?? "nil")")
            }
        }
        r.function("round", "x: float, digits: int = 0", returns: "number",
                   "Rounds to a number of decimal digits (half away from zero).", example: "round(3.14159, 2)") { c in
            let x = try c.double("x"), d = try c.int("digits")
            if d == 0 { return .int(try Convert.int(whole: x.rounded(), what: "round()")) }
            let p = FastMath.pow(10, Double(d))   // the double nearest 10^d
            return .float((x * p).rounded() / p)
        }
        r.function("format", "x: float, digits: int = 4", returns: "string",
                   "A number as text with a fixed number of decimals.", example: "format(3.14159, 2)") { c in
            let d = max(0, min(try c.int("digits"), 17))
            return .string(String(format: "%.\(d)f", try c.double("x")))
        }
    }

    /// min, max and sum of several values or of one list.
    static func registerAggregates(_ r: Registry) {
        for (name, isMin) in [("min", true), ("max", false)] {
            r.function(name, "*values: any", returns: "any",
                       "The \(isMin ? "smallest" : "largest") of several numbers or of one list.",
                       example: """
                       \(name)(3, 1, 2)
                       \(name)([4, 8])
                       """) { c in
                var vals = c.rest
                if vals.count == 1, case .list(let l) = vals[0] { vals = l.items }
                if vals.count == 1, case .tensor(let t) = vals[0] { return .tensor(isMin ? try t.min() : try t.max()) }
                guard var best = vals.first else { throw RuntimeError("\(name)() of nothing") }
                for v in vals.dropFirst() {
                    let less = try c.interp.compare(v, best, op: .lt)
                    let differs = try c.interp.compare(v, best, op: .ne)
                    if less == isMin && differs { best = v }
                }
                return best
            }
        }
        r.function("sum", "values: any", returns: "any", "Sum of a list of numbers (or of a tensor's elements).",
                   example: "sum([1, 2, 3])") { c in
            switch c.value("values") {
            case .tensor(let t)?: return .tensor(try t.sum())
            case .list(let l)?:
                var acc: Value = .int(0)
                for v in l.items { acc = try c.interp.binary(.add, acc, v) }
                return acc
            case let v: throw RuntimeError("sum() needs a list or tensor, found \(v?.typeName ?? "nil")")
            }
        }
    }

    /// sqrt, exp and log of a number; of a tensor they are the tensor builtins of the same name
    /// (registered before this, and replaced here).
    static func registerMath(_ r: Registry) {
        let functions: [(String, (Double) -> Double)] = [
            ("sqrt", { $0.squareRoot() }), ("exp", { FastMath.exp($0) }), ("log", { FastMath.log($0) }),
        ]
        for (name, f) in functions {
            let tensorVersion = r.functions[name]
            r.function(name, "x: any", returns: "number or tensor", tensorVersion?.summary ?? name,
                       example: """
                       \(name)(2.0)
                       \(name)(tensor([1.0, 4.0]))
                       """) { c in
                if case .tensor? = c.value("x"), let tv = tensorVersion {
                    return try tv.call(c.interp, Arguments([c.bound["x"] ?? .none]))
                }
                return .float(f(try c.double("x")))
            }
        }
    }
}
