// Comparisons and logical operations give bool tensors (no gradient). Choosing by a mask,
// `where` and `maskedFill`, is in Masking.swift.

extension Tensor {
    public enum Comparison: String, Sendable {
        case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="

        /// The comparison as a function on values of one type (floats compare as IEEE 754 does).
        func predicate<T: Comparable>(_: T.Type) -> (T, T) -> Bool {
            switch self {
            case .eq: return (==)
            case .ne: return (!=)
            case .lt: return (<)
            case .le: return (<=)
            case .gt: return (>)
            case .ge: return (>=)
            }
        }
    }

    public func compare(_ op: Comparison, _ other: Tensor) throws -> Tensor {
        if dtype != .float32 && other.dtype != .float32 {
            let g = op.predicate(Int64.self)
            return try Tensor.zipInts(self, other, dtype: .bool) { g($0, $1) ? 1 : 0 }
        }
        let f = op.predicate(Float.self)
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
}
