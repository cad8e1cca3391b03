// Comparisons give bool tensors (no gradient); `where` selects elementwise:
//   where(c, a, b): d/da = c, d/db = ¬c.

extension Tensor {
    public enum Comparison: String, Sendable { case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=" }

    public func compare(_ op: Comparison, _ other: Tensor) throws -> Tensor {
        let f: (Float, Float) -> Bool
        switch op {
        case .eq: f = (==)
        case .ne: f = (!=)
        case .lt: f = (<)
        case .le: f = (<=)
        case .gt: f = (>)
        case .ge: f = (>=)
        }
        if dtype != .float32 && other.dtype != .float32 {
            let g: (Int64, Int64) -> Bool
            switch op {
            case .eq: g = (==)
            case .ne: g = (!=)
            case .lt: g = (<)
            case .le: g = (<=)
            case .gt: g = (>)
            case .ge: g = (>=)
            }
            return try Tensor.zipInts(self, other, dtype: .bool) { g($0, $1) ? 1 : 0 }
        }
        let r = try Tensor.zipFloats(self.detach(), other.detach()) { f($0, $1) ? 1 : 0 }
        return Tensor(unchecked: r.shape, ints: r.floats.map { $0 != 0 ? 1 : 0 }, dtype: .bool)
    }

    public func logicalNot() -> Tensor {
        Tensor(unchecked: shape, ints: boolValues.map { $0 ? 0 : 1 }, dtype: .bool)
    }
    public func logicalAnd(_ o: Tensor) throws -> Tensor {
        try Tensor.zipInts(toBool(), o.toBool(), dtype: .bool) { ($0 != 0 && $1 != 0) ? 1 : 0 }
    }
    public func logicalOr(_ o: Tensor) throws -> Tensor {
        try Tensor.zipInts(toBool(), o.toBool(), dtype: .bool) { ($0 != 0 || $1 != 0) ? 1 : 0 }
    }
    public func any() -> Bool { boolValues.contains(true) }
    public func all() -> Bool { boolValues.allSatisfy { $0 } }

    /// Elementwise choice: `a` where `condition` is true, else `b` (all broadcast together).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let c = condition.toBool().toFloat()
        let shape = try Shape.broadcast(Shape.broadcast(c.shape, a.shape), b.shape)
        if a.dtype != .float32 && b.dtype != .float32 {
            let ab = try Tensor.zipInts(try c.toInt().expand(shape), a) { $0 != 0 ? $1 : 0 }
            return try Tensor.zipInts(ab, try Tensor.zipInts(try c.toInt().expand(shape), b) { $0 != 0 ? 0 : $1 }, &+)
        }
        let ce = try c.expand(shape)
        let pickA = try Tensor.zipFloats(ce, a.detach()) { $0 != 0 ? $1 : 0 }
        let out = try Tensor.zipFloats(pickA, try Tensor.zipFloats(ce, b.detach()) { $0 != 0 ? 0 : $1 }, +)
        return out.recorded("where", [a, b]) { g in
            [a.requiresGrad ? try g.mul(ce).sumTo(a.shape) : nil,
             b.requiresGrad ? try g.mul(ce.mapFloats { 1 - $0 }).sumTo(b.shape) : nil]
        }
    }
}
