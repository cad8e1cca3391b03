import Foundation
import Syntax
import Tensors

extension Interpreter {
    /// The longest string or list that repetition (`"ab" * n`, `[x] * n`) builds.
    static let maxRepeatedItems = 10_000_000

    /// a op b on language values: numbers as in Python (int / int is a float), strings and
    /// lists concatenate and repeat, tensors broadcast (numbers on either side included).
    public func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case .eq: if case .tensor = a {} else if case .tensor = b {} else { return .bool(try equal(a, b)) }
        case .ne: if case .tensor = a {} else if case .tensor = b {} else { return .bool(!(try equal(a, b))) }
        default: break
        }
        switch (a, b) {
        case (.int(let x), .int(let y)): return try intOp(op, x, y)
        case (.int, .float), (.float, .int), (.float, .float), (.bool, .int), (.int, .bool), (.bool, .float),
            (.float, .bool):
            return try floatOp(
                op, try Convert.double(a, what: "left operand"), try Convert.double(b, what: "right operand"))
        case (.string(let s), .string(let t)):
            switch op {
            case .add: return .string(s + t)
            case .lt, .le, .gt, .ge: return .bool(try compare(a, b, op: op))
            default: break
            }
        case (.string(let s), .int(let n)) where op == .mul:
            let (total, overflow) = s.count.multipliedReportingOverflow(by: n)
            guard n >= 0, !overflow, total <= Interpreter.maxRepeatedItems else {
                throw RuntimeError(
                    "string repetition by \(n) is out of range: at most \(Interpreter.maxRepeatedItems) characters")
            }
            return .string(String(repeating: s, count: n))
        case (.list(let l), .list(let m)) where op == .add: return .list(l.items + m.items)
        case (.list(let l), .int(let n)) where op == .mul:
            let (total, overflow) = l.items.count.multipliedReportingOverflow(by: n)
            guard n >= 0, !overflow, total <= Interpreter.maxRepeatedItems else {
                throw RuntimeError(
                    "list repetition by \(n) is out of range: at most \(Interpreter.maxRepeatedItems) items")
            }
            return .list(Array([[Value]](repeating: l.items, count: n).joined()))
        case (.tensor, _), (_, .tensor):
            return .tensor(try tensorOp(op, a, b))
        default: break
        }
        throw RuntimeError("unsupported operand types for \(op.rawValue): \(a.typeName) and \(b.typeName)")
    }

    /// The error for integer arithmetic whose result does not fit in int64.
    static func intOverflow(_ what: String) -> RuntimeError {
        RuntimeError(
            "integer overflow: \(what) is outside int64 (-9223372036854775808 to 9223372036854775807); "
                + "write a float, as in 2.0 ** 64, to compute in floating point")
    }

    func intOp(_ op: BinaryOperator, _ x: Int, _ y: Int) throws -> Value {
        // Integers are int64: a result that does not fit is an error, never a wrap or a
        // silent change of type.
        func checked(_ r: (Int, Bool)) throws -> Value {
            if r.1 { throw Interpreter.intOverflow("\(x) \(op.rawValue) \(y)") }
            return .int(r.0)
        }
        switch op {
        case .add: return try checked(x.addingReportingOverflow(y))
        case .sub: return try checked(x.subtractingReportingOverflow(y))
        case .mul: return try checked(x.multipliedReportingOverflow(by: y))
        case .div: return try floatOp(op, Double(x), Double(y))
        case .mod:
            guard y != 0 else { throw RuntimeError("integer modulo by zero") }
            // Int.min % −1 traps in the machine's division; its remainder is 0.
            let r = y == -1 ? 0 : x % y
            return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case .pow:
            if y < 0 { return .float(FastMath.pow(Double(x), Double(y))) }
            var result = 1
            var base = x
            var e = y
            while e > 0 {
                if e & 1 == 1 {
                    let (r, o) = result.multipliedReportingOverflow(by: base)
                    if o { throw Interpreter.intOverflow("\(x) ** \(y)") }
                    result = r
                }
                e >>= 1
                if e > 0 {
                    let (b2, o) = base.multipliedReportingOverflow(by: base)
                    if o { throw Interpreter.intOverflow("\(x) ** \(y)") }
                    base = b2
                }
            }
            return .int(result)
        case .matmul: throw RuntimeError("@ needs tensors, found int and int")
        case .eq: return .bool(x == y)
        case .ne: return .bool(x != y)
        case .lt: return .bool(x < y)
        case .le: return .bool(x <= y)
        case .gt: return .bool(x > y)
        case .ge: return .bool(x >= y)
        }
    }

    func floatOp(_ op: BinaryOperator, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .float(x + y)
        case .sub: return .float(x - y)
        case .mul: return .float(x * y)
        case .div:
            guard y != 0 else { throw RuntimeError("division by zero") }
            return .float(x / y)
        case .mod:
            guard y != 0 else { throw RuntimeError("modulo by zero") }
            return .float(x - y * (x / y).rounded(.down))
        case .pow: return .float(FastMath.pow(x, y))
        case .matmul: throw RuntimeError("@ needs tensors, found numbers")
        case .eq: return .bool(x == y)
        case .ne: return .bool(x != y)
        case .lt: return .bool(x < y)
        case .le: return .bool(x <= y)
        case .gt: return .bool(x > y)
        case .ge: return .bool(x >= y)
        }
    }

    func tensorOp(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Tensor {
        // A plain number keeps a float tensor's dtype and uses the scalar fast path.
        if case .tensor(let x) = a, x.dtype == .float32, let s = scalar(b) {
            switch op {
            case .add: return x + s
            case .sub: return x - s
            case .mul: return x * s
            case .div: return x / s
            case .pow: return x.pow(s)
            default: break
            }
        }
        if case .tensor(let y) = b, y.dtype == .float32, let s = scalar(a) {
            switch op {
            case .add: return y + s
            case .mul: return y * s
            case .sub: return try y.neg() + s
            default: break
            }
        }
        let x = try Convert.tensor(a, what: "left operand of \(op.rawValue)")
        let y = try Convert.tensor(b, what: "right operand of \(op.rawValue)")
        switch op {
        case .add: return try x.add(y)
        case .sub: return try x.sub(y)
        case .mul: return try x.mul(y)
        case .div: return try x.toFloat().div(y.toFloat())
        case .mod: return try x.remainder(y)
        case .pow: return try x.toFloat().pow(y.toFloat())
        case .matmul: return try x.matmul(y)
        case .eq: return try x.compare(.eq, y)
        case .ne: return try x.compare(.ne, y)
        case .lt: return try x.compare(.lt, y)
        case .le: return try x.compare(.le, y)
        case .gt: return try x.compare(.gt, y)
        case .ge: return try x.compare(.ge, y)
        }
    }

    func scalar(_ v: Value) -> Float? {
        switch v {
        case .int(let i): return Float(i)
        case .float(let d): return Float(d)
        default: return nil
        }
    }

    /// Ordering of numbers and strings (and equality of anything), for <, sorted, min, max.
    public func compare(_ a: Value, _ b: Value, op: BinaryOperator) throws -> Bool {
        switch op {
        case .eq: return try equal(a, b)
        case .ne: return !(try equal(a, b))
        default: break
        }
        switch (a, b) {
        case (.string(let s), .string(let t)):
            switch op {
            case .lt: return s < t
            case .le: return s <= t
            case .gt: return s > t
            default: return s >= t
            }
        case (.int(let x), .int(let y)):
            if case .bool(let r) = try intOp(op, x, y) { return r }
        default:
            if let x = try? Convert.double(a, what: ""), let y = try? Convert.double(b, what: ""),
                !(a.typeName == "tensor" || b.typeName == "tensor")
            {
                if case .bool(let r) = try floatOp(op, x, y) { return r }
            }
        }
        throw RuntimeError("cannot order \(a.typeName) and \(b.typeName) with \(op.rawValue)")
    }

    /// Structural equality (tensors: same shape and values).
    public func equal(_ a: Value, _ b: Value, depth: Int = 0) throws -> Bool {
        guard depth < 100 else {
            throw RuntimeError("cannot compare values nested more than 100 deep (a list that contains itself?)")
        }
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.int, .float), (.float, .int), (.float, .float):
            return (try Convert.double(a, what: "")) == (try Convert.double(b, what: ""))
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)):
            guard x.items.count == y.items.count else { return false }
            for (p, q) in zip(x.items, y.items) where !(try equal(p, q, depth: depth + 1)) { return false }
            return true
        case (.dict(let x), .dict(let y)):
            guard x.keys.count == y.keys.count else { return false }
            for (k, v) in x.pairs {
                guard let w = y[k], try equal(v, w, depth: depth + 1) else { return false }
            }
            return true
        case (.tensor(let x), .tensor(let y)): return x.shape == y.shape && x.floatValues == y.floatValues
        case (.function(let f), .function(let g)): return f === g
        case (.object(let o), .object(let p)): return o === p
        default: return false
        }
    }

    /// Items of an iterable value (for `for`, list(), enumerate…).
    public func iterate(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .dict(let d): return d.keys.map(\.value)
        case .string(let s): return s.map { .string(String($0)) }
        case .tensor(let t):
            guard t.rank > 0 else { throw RuntimeError("cannot iterate over a 0-d tensor") }
            return try (0..<t.shape[0]).map { .tensor(try t.select(dim: 0, index: $0)) }
        case .object(let o):
            if let items = try o.property("items"), case .list(let l) = items { return l.items }
            throw RuntimeError("cannot iterate over \(o.typeName)")
        default: throw RuntimeError("cannot iterate over \(v.typeName)")
        }
    }

    /// `x in container`.
    public func contains(_ container: Value, _ x: Value) throws -> Bool {
        switch container {
        case .list(let l): return try l.items.contains { try equal($0, x) }
        case .dict(let d): return d[try DictKey(x)] != nil
        case .string(let s):
            guard case .string(let t) = x else {
                throw RuntimeError("'in <string>' needs a string on the left, found \(x.typeName)")
            }
            return s.contains(t)
        case .tensor(let t): return t.floatValues.contains(Float(try Convert.double(x, what: "'in' on a tensor")))
        default:
            throw RuntimeError("'in' needs a list, dict, string or tensor on the right, found \(container.typeName)")
        }
    }
}

extension Value {
    func asDouble() throws -> Double { try Convert.double(self, what: "value") }
}

/// One subscript of an index expression, evaluated.
public enum Subscript {
    case index(Value)
    case slice(start: Int?, stop: Int?, step: Int?)
}

extension Interpreter {
    /// container[subscripts]
    public func index(_ container: Value, _ subs: [Subscript]) throws -> Value {
        switch container {
        case .tensor(let t): return .tensor(try indexTensor(t, subs))
        case .list(let l):
            guard subs.count == 1 else { throw RuntimeError("a list takes one subscript, found \(subs.count)") }
            switch subs[0] {
            case .index(let i): return l.items[try position(i, count: l.items.count, what: "list")]
            case .slice(let a, let b, let s): return .list(try sliceItems(l.items, a, b, s))
            }
        case .string(let str):
            let chars = Array(str)
            guard subs.count == 1 else { throw RuntimeError("a string takes one subscript, found \(subs.count)") }
            switch subs[0] {
            case .index(let i): return .string(String(chars[try position(i, count: chars.count, what: "string")]))
            case .slice(let a, let b, let s): return .string(String(try sliceItems(chars, a, b, s)))
            }
        case .dict(let d):
            guard subs.count == 1, case .index(let k) = subs[0] else { throw RuntimeError("a dict takes one key") }
            guard let v = d[try DictKey(k)] else {
                throw RuntimeError(
                    "key \(k.repr) is not in the dict "
                        + "(keys: \(d.keys.prefix(10).map(\.description).joined(separator: ", ")))"
                )
            }
            return v
        case .object(let o):
            guard subs.count == 1, case .index(let k) = subs[0] else {
                throw RuntimeError("\(o.typeName) takes one subscript")
            }
            if let getter = try o.property("__getitem__"), case .function(let f) = getter {
                return try f.call(self, Arguments([k]))
            }
            throw RuntimeError("\(o.typeName) cannot be indexed")
        default:
            throw RuntimeError("\(container.typeName) cannot be indexed")
        }
    }

    func position(_ v: Value, count: Int, what: String) throws -> Int {
        let i = try Convert.int(v, what: "\(what) index")
        let r = i < 0 ? i + count : i
        guard r >= 0, r < count else {
            throw RuntimeError("index \(i) is out of range for a \(what) of length \(count)")
        }
        return r
    }

    func sliceItems<T>(_ items: [T], _ a: Int?, _ b: Int?, _ s: Int?) throws -> [T] {
        let step = s ?? 1
        guard step != 0 else { throw RuntimeError("slice step cannot be zero") }
        let n = items.count
        func clamp(_ i: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard let i else { return dflt }
            return Swift.min(Swift.max(i < 0 ? i + n : i, lo), hi)
        }
        var out: [T] = []
        // The walk stops at the end or when the next index would overflow: a step as large
        // as Int.max takes one item.
        if step > 0 {
            var i = clamp(a, 0, lo: 0, hi: n)
            let e = clamp(b, n, lo: 0, hi: n)
            while i < e {
                out.append(items[i])
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        } else {
            var i = clamp(a, n - 1, lo: -1, hi: n - 1)
            let e = clamp(b, -1, lo: -1, hi: n - 1)
            while i > e {
                out.append(items[i])
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        }
        return out
    }

    /// Tensor indexing as in PyTorch: ints select (removing the dimension), slices keep it,
    /// an int64 tensor picks rows (index_select), a bool mask of the same shape selects elements.
    func indexTensor(_ t: Tensor, _ subs: [Subscript]) throws -> Tensor {
        if subs.count == 1, case .index(.tensor(let idx)) = subs[0] {
            if idx.dtype == .bool {
                guard idx.shape == t.shape else {
                    throw RuntimeError("a boolean mask must have the tensor's shape \(t.shape), found \(idx.shape)")
                }
                let keep = idx.ints.enumerated().filter { $0.element != 0 }.map { Int64($0.offset) }
                return try t.flattened().indexSelect(dim: 0, index: Tensor(shape: [keep.count], ints: keep))
            }
            if idx.dtype == .int64 {
                return try t.indexSelect(dim: 0, index: idx.flattened()).reshape(idx.shape + Array(t.shape.dropFirst()))
            }
        }
        guard subs.count <= t.rank else {
            throw RuntimeError("too many indices for a tensor of rank \(t.rank): \(subs.count)")
        }
        var x = t
        var dim = 0
        for s in subs {
            switch s {
            case .index(let v):
                if case .tensor(let idx) = v, idx.dtype == .int64, idx.rank == 1 {
                    x = try x.indexSelect(dim: dim, index: idx)
                    dim += 1
                } else {
                    x = try x.select(dim: dim, index: try Convert.int(v, what: "tensor index"))
                }
            case .slice(let a, let b, let st):
                guard (st ?? 1) > 0 else { throw RuntimeError("tensor slices need a positive step, found \(st ?? 1)") }
                x = try x.slice(dim: dim, start: a, end: b, step: st ?? 1)
                dim += 1
            }
        }
        return x
    }

    /// container[subscripts] = value (lists, dicts, and tensors: values broadcast into place, no gradient).
    public func assignIndex(_ container: Value, _ subs: [Subscript], _ value: Value) throws -> Value {
        switch container {
        case .list(let l):
            guard subs.count == 1, case .index(let i) = subs[0] else {
                throw RuntimeError("list assignment takes one integer index")
            }
            l.items[try position(i, count: l.items.count, what: "list")] = value
            return container
        case .dict(let d):
            guard subs.count == 1, case .index(let k) = subs[0] else {
                throw RuntimeError("dict assignment takes one key")
            }
            d[try DictKey(k)] = value
            return container
        case .tensor(let t):
            // Find the flat positions the subscripts address by indexing a tensor of positions.
            let positions = try indexTensor(try Tensor.arange(0, Double(t.count), dtype: .int64).reshape(t.shape), subs)
            let v = try Convert.tensor(value, what: "assigned value").expand(positions.shape)
            var out = t.detach()
            try out.assign(at: positions.ints.map { Int($0) }, from: v)
            return .tensor(out)
        default:
            throw RuntimeError("\(container.typeName) does not support item assignment")
        }
    }
}
