import Foundation
import Tensors

/// Builtins of the language itself: printing, collections, strings, numbers, help.
enum CoreBuiltins {
    /// The longest string a builtin builds (join, replace): 128 MiB of UTF-8.
    static let maxStringBytes = 1 << 27

    static func checkStringSize(_ bytes: Int, _ what: String) throws {
        guard bytes <= maxStringBytes else {
            throw RuntimeError("\(what) would build a string of \(bytes) bytes, more than the limit of \(maxStringBytes)")
        }
    }

    static func register(_ r: Registry) {
        r.function("print", "*values: any", returns: "nil", "Prints values separated by spaces (strings without quotes).",
                   example: "print(\"loss\", 0.25)") { c in
            c.interp.emit { c.rest.map(\.display).joined(separator: " ") }
            return .none
        }
        r.function("help", "topic: any? = nil", returns: "nil", "Shows the signature, description and example of a builtin.",
                   details: "help() lists every builtin; help(zeros), help(\"zeros\") or help(\"tensor.sum\") shows one.",
                   example: "help(zeros)") { c in
            c.interp.emit(try c.interp.helpText(for: c.value("topic")))
            return .none
        }
        r.function("len", "x: any", returns: "int", "Number of items of a list, dict or string, or the first dimension of a tensor.",
                   example: "len([1, 2, 3])") { c in
            switch c.value("x") {
            case .list(let l)?: return .int(l.items.count)
            case .dict(let d)?: return .int(d.keys.count)
            case .string(let s)?: return .int(s.count)
            case .tensor(let t)?:
                guard let n = t.shape.first else { throw RuntimeError("len() of a 0-d tensor") }
                return .int(n)
            case .object(let o)?:
                if let v = try o.property("length") { return v }
                throw RuntimeError("len() of \(o.typeName) is not defined")
            case let v: throw RuntimeError("len() needs a list, dict, string or tensor, found \(v?.typeName ?? "nil")")
            }
        }
        r.function("range", "start: int, end: int? = nil, step: int = 1", returns: "list",
                   "The integers start, start+step, … below end; range(n) is 0..n-1.", example: "range(4)\nrange(1, 10, 3)") { c in
            var a = try c.int("start"), b = try c.optionalInt("end")
            if b == nil { b = a; a = 0 }
            let s = try c.int("step")
            guard s != 0 else { throw RuntimeError("range() step must not be zero") }
            let end = b ?? 0
            let n = s > 0 ? max(0, (end - a + s - 1) / s) : max(0, (a - end - s - 1) / -s)
            guard n <= 10_000_000 else { throw RuntimeError("range() of \(n) items is too large (limit 10,000,000)") }
            return .list((0..<n).map { .int(a + $0 * s) })
        }
        r.function("type", "x: any", returns: "string", "The type name of a value.", example: "type(1.5)") { c in
            .string((c.bound["x"] ?? .none).typeName)
        }
        r.function("str", "x: any", returns: "string", "A value as text.", example: "str(42) + \"!\"") { c in
            .string((c.bound["x"] ?? .none).display)
        }
        r.function("int", "x: any", returns: "int", "A number (or numeric string) as an integer, truncating toward zero.", example: "int(3.7)") { c in
            switch c.value("x") {
            case .string(let s)?:
                guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else { throw RuntimeError("int(): \"\(s)\" is not an integer") }
                return .int(i)
            case let v?: return .int(try Convert.int(whole: try Convert.double(v, what: "int()").rounded(.towardZero), what: "int()"))
            case nil: throw RuntimeError("int() of nil")
            }
        }
        r.function("float", "x: any", returns: "float", "A number (or numeric string) as a float.", example: "float(\"2.5\")") { c in
            if case .string(let s)? = c.value("x") {
                guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else { throw RuntimeError("float(): \"\(s)\" is not a number") }
                return .float(d)
            }
            return .float(try c.double("x"))
        }
        r.function("bool", "x: any", returns: "bool", "The truth value of x.", example: "bool([])") { c in .bool(try (c.bound["x"] ?? .none).truthy()) }
        r.function("list", "x: any", returns: "list", "Items of a list, dict (keys), string (characters) or tensor (first dimension) as a list.",
                   example: "list(\"abc\")") { c in
            .list(try c.interp.iterate(c.bound["x"] ?? .none))
        }
        r.function("abs", "x: any", returns: "number or tensor", "Absolute value.", example: "abs(-3)\nabs(tensor([-1.0, 2.0]))") { c in
            switch c.value("x") {
            case .int(let i)?:
                guard i != .min else { throw RuntimeError("abs(\(i)) is out of int64's range") }
                return .int(abs(i))
            case .float(let d)?: return .float(abs(d))
            case .tensor(let t)?: return .tensor(try t.abs())
            case let v: throw RuntimeError("abs() needs a number or tensor, found \(v?.typeName ?? "nil")")
            }
        }
        r.function("round", "x: float, digits: int = 0", returns: "number", "Rounds to a number of decimal digits (half away from zero).",
                   example: "round(3.14159, 2)") { c in
            let x = try c.double("x"), d = try c.int("digits")
            if d == 0 { return .int(try Convert.int(whole: x.rounded(), what: "round()")) }
            let p = FastMath.pow(10, Double(d))   // the double nearest 10^d
            return .float((x * p).rounded() / p)
        }
        for (name, isMin) in [("min", true), ("max", false)] {
            r.function(name, "*values: any", returns: "any", "The \(isMin ? "smallest" : "largest") of several numbers or of one list.",
                       example: "\(name)(3, 1, 2)\n\(name)([4, 8])") { c in
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
        r.function("sum", "values: any", returns: "any", "Sum of a list of numbers (or of a tensor's elements).", example: "sum([1, 2, 3])") { c in
            switch c.value("values") {
            case .tensor(let t)?: return .tensor(try t.sum())
            case .list(let l)?:
                var acc: Value = .int(0)
                for v in l.items { acc = try c.interp.binary(.add, acc, v) }
                return acc
            case let v: throw RuntimeError("sum() needs a list or tensor, found \(v?.typeName ?? "nil")")
            }
        }
        r.function("enumerate", "items: any", returns: "list", "Pairs [index, item] for each item.", example: "for i, x in enumerate([\"a\", \"b\"]) { print(i, x) }") { c in
            .list(try c.interp.iterate(c.bound["items"] ?? .none).enumerated().map { .list([.int($0.offset), $0.element]) })
        }
        r.function("zip", "*lists: any", returns: "list", "Pairs up items of several lists (as long as the shortest).",
                   example: "zip([1, 2], [\"a\", \"b\"])") { c in
            let ls = try c.rest.map { try c.interp.iterate($0) }
            let n = ls.map(\.count).min() ?? 0
            return .list((0..<n).map { i in .list(ls.map { $0[i] }) })
        }
        r.function("sorted", "items: any, reverse: bool = false", returns: "list", "A sorted copy of a list of numbers or strings.",
                   example: "sorted([3, 1, 2])") { c in
            var items = try c.interp.iterate(c.bound["items"] ?? .none)
            var failure: Error?
            items.sort { a, b in
                do { return try c.interp.compare(a, b, op: .lt) } catch { failure = error; return false }
            }
            if let failure { throw failure }
            if try c.bool("reverse") { items.reverse() }
            return .list(items)
        }
        for (name, f) in [("sqrt", { (x: Double) in x.squareRoot() }), ("exp", { (x: Double) in FastMath.exp(x) }), ("log", { (x: Double) in FastMath.log(x) })] {
            // Numbers get math; tensors keep using the tensor builtin of the same name.
            let tensorVersion = r.functions[name]
            r.function(name, "x: any", returns: "number or tensor", tensorVersion?.summary ?? name, example: "\(name)(2.0)\n\(name)(tensor([1.0, 4.0]))") { c in
                if case .tensor? = c.value("x"), let tv = tensorVersion { return try tv.call(c.interp, Arguments([c.bound["x"] ?? .none])) }
                return .float(f(try c.double("x")))
            }
        }
        r.function("format", "x: float, digits: int = 4", returns: "string", "A number as text with a fixed number of decimals.",
                   example: "format(3.14159, 2)") { c in
            let d = max(0, min(try c.int("digits"), 17))
            return .string(String(format: "%.\(d)f", try c.double("x")))
        }
        registerMethods(r)
    }

    static func registerMethods(_ r: Registry) {
        r.method("list", "append", "item: any", returns: "nil", "Adds an item at the end.", example: "xs = [1]\nxs.append(2)\nxs") { c in
            guard case .list(let l)? = c.receiver else { return .none }
            l.items.append(c.bound["item"] ?? .none)
            return .none
        }
        r.method("list", "pop", "index: int = -1", returns: "any", "Removes and returns an item (the last by default).", example: "xs = [1, 2]\nxs.pop()") { c in
            guard case .list(let l)? = c.receiver else { return .none }
            var i = try c.int("index")
            if i < 0 { i += l.items.count }
            guard i >= 0, i < l.items.count else { throw RuntimeError("pop index \(try c.int("index")) is out of range for a list of \(l.items.count)") }
            return l.items.remove(at: i)
        }
        r.method("list", "extend", "items: list", returns: "nil", "Appends every item of another list.", example: "xs = [1]\nxs.extend([2, 3])\nxs") { c in
            guard case .list(let l)? = c.receiver else { return .none }
            l.items.append(contentsOf: try c.list("items"))
            return .none
        }
        r.method("list", "index", "item: any", returns: "int", "Position of the first equal item.", example: "[\"a\", \"b\"].index(\"b\")") { c in
            guard case .list(let l)? = c.receiver else { return .none }
            for (i, v) in l.items.enumerated() where try c.interp.equal(v, c.bound["item"] ?? .none) { return .int(i) }
            throw RuntimeError("\((c.bound["item"] ?? .none).repr) is not in the list")
        }
        r.method("dict", "keys", "", returns: "list", "The keys, in insertion order.", example: "{a: 1, b: 2}.keys()") { c in
            guard case .dict(let d)? = c.receiver else { return .none }
            return .list(d.keys.map(\.value))
        }
        r.method("dict", "values", "", returns: "list", "The values, in insertion order.", example: "{a: 1, b: 2}.values()") { c in
            guard case .dict(let d)? = c.receiver else { return .none }
            return .list(d.pairs.map(\.1))
        }
        r.method("dict", "items", "", returns: "list", "Pairs [key, value].", example: "for k, v in {a: 1}.items() { print(k, v) }") { c in
            guard case .dict(let d)? = c.receiver else { return .none }
            return .list(d.pairs.map { .list([$0.0.value, $0.1]) })
        }
        r.method("dict", "get", "key: any, default: any? = nil", returns: "any", "The value for key, or default when absent.",
                 example: "{a: 1}.get(\"b\", 0)") { c in
            guard case .dict(let d)? = c.receiver else { return .none }
            return d[try DictKey(c.bound["key"] ?? .none)] ?? (c.bound["default"] ?? .none)
        }
        r.method("string", "split", "separator: string? = nil", returns: "list", "Splits on a separator (whitespace by default).",
                 example: "\"a b  c\".split()") { c in
            guard case .string(let s)? = c.receiver else { return .none }
            if let sep = try c.optionalString("separator"), !sep.isEmpty {
                return .list(s.components(separatedBy: sep).map { .string($0) })
            }
            return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
        }
        r.method("string", "join", "items: list", returns: "string", "Joins items' text with this string between them.",
                 example: "\", \".join([\"a\", \"b\"])") { c in
            guard case .string(let s)? = c.receiver else { return .none }
            let parts = try c.list("items").map(\.display)
            let bytes = parts.reduce(s.utf8.count * max(0, parts.count - 1)) { $0 + $1.utf8.count }
            try CoreBuiltins.checkStringSize(bytes, "join()")
            return .string(parts.joined(separator: s))
        }
        r.method("string", "lower", "", returns: "string", "Lower-case copy.", example: "\"ABC\".lower()") { c in
            guard case .string(let s)? = c.receiver else { return .none }; return .string(s.lowercased())
        }
        r.method("string", "upper", "", returns: "string", "Upper-case copy.", example: "\"abc\".upper()") { c in
            guard case .string(let s)? = c.receiver else { return .none }; return .string(s.uppercased())
        }
        r.method("string", "strip", "", returns: "string", "Copy without leading and trailing whitespace.", example: "\"  x \".strip()") { c in
            guard case .string(let s)? = c.receiver else { return .none }; return .string(s.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        r.method("string", "replace", "old: string, new: string", returns: "string", "Copy with every occurrence of old replaced.",
                 example: "\"a-b\".replace(\"-\", \"+\")") { c in
            guard case .string(let s)? = c.receiver else { return .none }
            let old = try c.string("old")
            guard !old.isEmpty else { throw RuntimeError("replace(): old must not be empty") }
            let new = try c.string("new")
            if new.utf8.count > old.utf8.count {
                let occurrences = s.components(separatedBy: old).count - 1
                try CoreBuiltins.checkStringSize(s.utf8.count + occurrences * (new.utf8.count - old.utf8.count), "replace()")
            }
            return .string(s.replacingOccurrences(of: old, with: new))
        }
        r.method("string", "startswith", "prefix: string", returns: "bool", "Whether the string starts with prefix.", example: "\"xai\".startswith(\"x\")") { c in
            guard case .string(let s)? = c.receiver else { return .none }; return .bool(s.hasPrefix(try c.string("prefix")))
        }
        r.method("string", "endswith", "suffix: string", returns: "bool", "Whether the string ends with suffix.", example: "\"xai\".endswith(\"i\")") { c in
            guard case .string(let s)? = c.receiver else { return .none }; return .bool(s.hasSuffix(try c.string("suffix")))
        }
    }
}
