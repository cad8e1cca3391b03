import Foundation
import Tensors

/// Lists and dicts: sequences of values, and the methods of lists and dicts.
extension CoreBuiltins {
    static func registerSequences(_ r: Registry) {
        r.function("len", "x: any", returns: "int",
                   "Number of items of a list, dict or string, or the first dimension of a tensor.",
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
                   "The integers start, start+step, … below end; range(n) is 0..n-1.",
                   example: """
                   range(4)
                   range(1, 10, 3)
                   """) { c in
            var a = try c.int("start"), b = try c.optionalInt("end")
            if b == nil { b = a; a = 0 }
            let s = try c.int("step")
            guard s != 0 else { throw RuntimeError("range() step must not be zero") }
            let end = b ?? 0
            let n = s > 0 ? max(0, (end - a + s - 1) / s) : max(0, (a - end - s - 1) / -s)
            guard n <= 10_000_000 else { throw RuntimeError("range() of \(n) items is too large (limit 10,000,000)") }
            return .list((0..<n).map { .int(a + $0 * s) })
        }
        r.function("enumerate", "items: any", returns: "list", "Pairs [index, item] for each item.",
                   example: "for i, x in enumerate([\"a\", \"b\"]) { print(i, x) }") { c in
            let items = try c.interp.iterate(c.bound["items"] ?? .none)
            return .list(items.enumerated().map { .list([.int($0.offset), $0.element]) })
        }
        r.function("zip", "*lists: any", returns: "list", "Pairs up items of several lists (as long as the shortest).",
                   example: "zip([1, 2], [\"a\", \"b\"])") { c in
            let ls = try c.rest.map { try c.interp.iterate($0) }
            let n = ls.map(\.count).min() ?? 0
            return .list((0..<n).map { i in .list(ls.map { $0[i] }) })
        }
        r.function("sorted", "items: any, reverse: bool = false", returns: "list",
                   "A sorted copy of a list of numbers or strings.", example: "sorted([3, 1, 2])") { c in
            var items = try c.interp.iterate(c.bound["items"] ?? .none)
            var failure: Error?
            items.sort { a, b in
                do { return try c.interp.compare(a, b, op: .lt) } catch { failure = error; return false }
            }
            if let failure { throw failure }
            if try c.bool("reverse") { items.reverse() }
            return .list(items)
        }
    }

    /// Registers a method of `owner` whose body gets the receiver as `unwrap` reads it (a method is
    /// found through its receiver's type, so only a method called on nothing gets nil).
    static func valueMethod<Receiver>(_ r: Registry, _ owner: String, _ name: String, _ params: String,
                                      returns: String, _ summary: String, example: String,
                                      _ unwrap: @escaping (Value?) -> Receiver?,
                                      _ body: @escaping (Receiver, Call) throws -> Value) {
        r.method(owner, name, params, returns: returns, summary, example: example) { c in
            guard let receiver = unwrap(c.receiver) else { return .none }
            return try body(receiver, c)
        }
    }

    /// Registers a method of lists; `body` gets the list it is called on.
    static func listMethod(_ r: Registry, _ name: String, _ params: String, returns: String, _ summary: String,
                           example: String, _ body: @escaping (ListBox, Call) throws -> Value) {
        valueMethod(r, "list", name, params, returns: returns, summary, example: example,
                    { if case .list(let l)? = $0 { l } else { nil } }, body)
    }

    /// Registers a method of dicts; `body` gets the dict it is called on.
    static func dictMethod(_ r: Registry, _ name: String, _ params: String, returns: String, _ summary: String,
                           example: String, _ body: @escaping (DictBox, Call) throws -> Value) {
        valueMethod(r, "dict", name, params, returns: returns, summary, example: example,
                    { if case .dict(let d)? = $0 { d } else { nil } }, body)
    }

    static func registerListMethods(_ r: Registry) {
        listMethod(r, "append", "item: any", returns: "nil", "Adds an item at the end.",
                   example: """
                   xs = [1]
                   xs.append(2)
                   xs
                   """) { l, c in
            l.items.append(c.bound["item"] ?? .none)
            return .none
        }
        listMethod(r, "pop", "index: int = -1", returns: "any", "Removes and returns an item (the last by default).",
                   example: """
                   xs = [1, 2]
                   xs.pop()
                   """) { l, c in
            var i = try c.int("index")
            if i < 0 { i += l.items.count }
            guard i >= 0, i < l.items.count else {
                throw RuntimeError("pop index \(try c.int("index")) is out of range for a list of \(l.items.count)")
            }
            return l.items.remove(at: i)
        }
        listMethod(r, "extend", "items: list", returns: "nil", "Appends every item of another list.",
                   example: """
                   xs = [1]
                   xs.extend([2, 3])
                   xs
                   """) { l, c in
            l.items.append(contentsOf: try c.list("items"))
            return .none
        }
        listMethod(r, "index", "item: any", returns: "int", "Position of the first equal item.",
                   example: "[\"a\", \"b\"].index(\"b\")") { l, c in
            for (i, v) in l.items.enumerated() where try c.interp.equal(v, c.bound["item"] ?? .none) { return .int(i) }
            throw RuntimeError("\((c.bound["item"] ?? .none).repr) is not in the list")
        }
    }

    static func registerDictMethods(_ r: Registry) {
        dictMethod(r, "keys", "", returns: "list", "The keys, in insertion order.",
                   example: "{a: 1, b: 2}.keys()") { d, _ in
            .list(d.keys.map(\.value))
        }
        dictMethod(r, "values", "", returns: "list", "The values, in insertion order.",
                   example: "{a: 1, b: 2}.values()") { d, _ in
            .list(d.pairs.map(\.1))
        }
        dictMethod(r, "items", "", returns: "list", "Pairs [key, value].",
                   example: "for k, v in {a: 1}.items() { print(k, v) }") { d, _ in
            .list(d.pairs.map { .list([$0.0.value, $0.1]) })
        }
        dictMethod(r, "get", "key: any, default: any? = nil", returns: "any",
                   "The value for key, or default when absent.",
                   example: "{a: 1}.get(\"b\", 0)") { d, c in
            d[try DictKey(c.bound["key"] ?? .none)] ?? (c.bound["default"] ?? .none)
        }
    }
}
