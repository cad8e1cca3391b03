/// Element types. Float tensors carry values and gradients; int64 tensors carry token ids,
/// labels and lengths; bool tensors are masks.
public enum DType: String, Sendable, CustomStringConvertible {
    case float32, int64, bool
    public var description: String { rawValue }
}

/// An n-dimensional array, row-major and contiguous, with copy-on-write value semantics
/// (its storage is a Swift array). A tensor that takes part in autodiff also carries an
/// `AutogradMeta`, a reference shared by its copies, so `t.grad` means the same thing for
/// every copy of a leaf (as in PyTorch, where tensors are references).
public struct Tensor {
    public internal(set) var shape: [Int]
    public let dtype: DType
    /// Values of a float32 tensor (empty otherwise).
    public internal(set) var floats: [Float]
    /// Values of an int64 tensor, or 0/1 of a bool tensor (empty for float32).
    public internal(set) var ints: [Int64]
    var meta: AutogradMeta?

    // MARK: construction without checks (callers have validated the shape)

    init(unchecked shape: [Int], floats: [Float]) {
        self.shape = shape; self.dtype = .float32; self.floats = floats; self.ints = []
    }
    init(unchecked shape: [Int], ints: [Int64], dtype: DType = .int64) {
        self.shape = shape; self.dtype = dtype; self.floats = []; self.ints = ints
    }

    // MARK: public construction

    public init(shape: [Int], floats: [Float]) throws {
        let n = try Shape.count(shape)
        guard n == floats.count else {
            throw TensorError.shape("shape \(Shape.format(shape)) needs \(n) values, found \(floats.count)")
        }
        self.init(unchecked: shape, floats: floats)
    }
    public init(shape: [Int], ints: [Int64]) throws {
        let n = try Shape.count(shape)
        guard n == ints.count else {
            throw TensorError.shape("shape \(Shape.format(shape)) needs \(n) values, found \(ints.count)")
        }
        self.init(unchecked: shape, ints: ints)
    }
    public init(shape: [Int], bools: [Bool]) throws {
        let n = try Shape.count(shape)
        guard n == bools.count else {
            throw TensorError.shape("shape \(Shape.format(shape)) needs \(n) values, found \(bools.count)")
        }
        self.init(unchecked: shape, ints: bools.map { $0 ? 1 : 0 }, dtype: .bool)
    }
    /// A 1-D float tensor.
    public init(_ values: [Float]) { self.init(unchecked: [values.count], floats: values) }
    /// A 0-d float tensor.
    public init(scalar: Float) { self.init(unchecked: [], floats: [scalar]) }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, 0, dtype: dtype)
    }
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, 1, dtype: dtype)
    }
    public static func full(_ shape: [Int], _ value: Float, dtype: DType = .float32) throws -> Tensor {
        let n = try Shape.count(shape)
        switch dtype {
        case .float32: return Tensor(unchecked: shape, floats: [Float](repeating: value, count: n))
        case .int64, .bool:
            guard value.isFinite, dtype == .bool || (value >= -0x1p63 && value < 0x1p63) else {
                throw TensorError.value("cannot fill an \(dtype) tensor with \(value): it is outside int64's range")
            }
            let v = dtype == .bool ? (value != 0 ? 1 : 0) : Int64(value)
            return Tensor(unchecked: shape, ints: [Int64](repeating: v, count: n), dtype: dtype)
        }
    }
    /// Values start, start+step, ... below end (as torch.arange).
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1,
                              dtype: DType = .float32) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.value(
                "arange needs a finite non-zero step and finite bounds, found start \(start), end \(end), step \(step)")
        }
        let steps = ((end - start) / step).rounded(.up)
        guard steps <= Double(Shape.maxElements) else {
            throw TensorError.size("arange(\(start), \(end), step \(step)) would have \(steps) elements, more than the "
                                   + "limit of \(Shape.maxElements)")
        }
        let n = steps > 0 ? Int(steps) : 0
        _ = try Shape.count([n])
        guard dtype == .float32 || (Swift.max(Swift.abs(start), Swift.abs(end)) < 0x1p63) else {
            throw TensorError.value("arange(\(start), \(end)) of int64: the values are outside int64's range")
        }
        if dtype == .float32 {
            return Tensor(unchecked: [n], floats: (0..<n).map { Float(start + Double($0) * step) })
        }
        return Tensor(unchecked: [n], ints: (0..<n).map { Int64(start + Double($0) * step) }, dtype: .int64)
    }
    public static func eye(_ n: Int, _ m: Int? = nil) throws -> Tensor {
        let cols = m ?? n
        var t = try zeros([n, cols])
        for i in 0..<Swift.min(n, cols) { t.floats[i * cols + i] = 1 }
        return t
    }

    // MARK: properties

    public var rank: Int { shape.count }
    public var count: Int { dtype == .float32 ? floats.count : ints.count }
    public var isScalar: Bool { count == 1 }

    /// Values as Float whatever the dtype.
    public var floatValues: [Float] { dtype == .float32 ? floats : ints.map { Float($0) } }
    /// Values as Int64 whatever the dtype (floats truncated toward zero).
    public var intValues: [Int64] {
        dtype == .float32 ? floats.map { $0.isFinite ? Int64(Swift.max(Swift.min($0, 9.2e18), -9.2e18)) : 0 } : ints
    }
    public var boolValues: [Bool] { dtype == .float32 ? floats.map { $0 != 0 } : ints.map { $0 != 0 } }

    /// The single value of a one-element tensor.
    public func item() throws -> Float {
        guard count == 1 else {
            throw TensorError.shape("item() needs a tensor with one element, found shape \(Shape.format(shape))")
        }
        return dtype == .float32 ? floats[0] : Float(ints[0])
    }

    /// Element at a full index (used by printing and tests).
    public func value(at index: [Int]) throws -> Float {
        guard index.count == rank else {
            throw TensorError.index("index of \(index.count) numbers for a tensor of rank \(rank)")
        }
        var off = 0
        let st = Shape.strides(shape)
        for (k, i) in index.enumerated() {
            guard i >= 0, i < shape[k] else {
                throw TensorError.index("index \(i) is out of range for dimension \(k) of size \(shape[k])")
            }
            off += i * st[k]
        }
        return dtype == .float32 ? floats[off] : Float(ints[off])
    }

    /// This tensor as float32 (no gradient flows through a dtype conversion from ints).
    public func toFloat() -> Tensor {
        dtype == .float32 ? self : Tensor(unchecked: shape, floats: ints.map { Float($0) })
    }
    public func toInt() -> Tensor {
        dtype == .int64 ? Tensor(unchecked: shape, ints: ints) : Tensor(unchecked: shape, ints: intValues)
    }
    /// As int64 (toward zero); a value that is not finite or beyond int64's range is an
    /// error, not a clamped or wrapped number.
    public func toIntChecked() throws -> Tensor {
        if dtype == .float32, let bad = floats.first(where: { !($0 >= -0x1p63 && $0 < 0x1p63) }) {
            throw TensorError.value("cannot convert \(bad) to int64: it is outside int64's range (±9.22e18)")
        }
        return toInt()
    }
    public func toBool() -> Tensor {
        Tensor(unchecked: shape, ints: boolValues.map { $0 ? 1 : 0 }, dtype: .bool)
    }

    func requireFloat(_ op: String) throws {
        guard dtype == .float32 else { throw TensorError.dtype("\(op) expects a float32 tensor, found \(dtype)") }
    }
}

extension Tensor: Equatable {
    /// Same shape, dtype and values, bit for bit (NaNs compare unequal, as in Swift).
    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.dtype == b.dtype && a.floats == b.floats && a.ints == b.ints
    }
}

extension Tensor {
    /// Writes `values` (converted to this dtype) at flat `positions`, in place and outside
    /// autodiff: the result is a fresh leaf (item assignment `x[0] = 1` in the language).
    public mutating func assign(at positions: [Int], from values: Tensor) throws {
        guard positions.count == values.count else {
            throw TensorError.shape("assignment of \(values.count) values to \(positions.count) positions")
        }
        guard positions.allSatisfy({ $0 >= 0 && $0 < count }) else {
            throw TensorError.index("assignment position out of range for \(count) elements")
        }
        meta = nil
        switch dtype {
        case .float32:
            let v = values.floatValues
            for (k, p) in positions.enumerated() { floats[p] = v[k] }
        case .int64:
            let v = values.intValues
            for (k, p) in positions.enumerated() { ints[p] = v[k] }
        case .bool:
            let v = values.boolValues
            for (k, p) in positions.enumerated() { ints[p] = v[k] ? 1 : 0 }
        }
    }
}

extension Tensor {
    /// Changes a float tensor's values in place, keeping its autodiff identity (its `grad`
    /// slot): how optimizers step parameters. Not recorded in any graph.
    public mutating func updateValues(_ body: (UnsafeMutableBufferPointer<Float>) throws -> Void) throws {
        try requireFloat("updateValues")
        try floats.withUnsafeMutableBufferPointer { try body($0) }
    }
}
