import Foundation

/// Shape arithmetic shared by every op: element counts with overflow checks, strides,
/// dimension normalisation and PyTorch broadcasting.
public enum Shape {
    /// The largest tensor the engine will allocate, in elements: 2^33 floats are 32 GiB,
    /// more than this machine kind has; the check turns an impossible size into an error.
    /// Tests that feed random programs lower it.
    nonisolated(unsafe) public static var maxElements = 1 << 33

    /// The most dimensions a tensor has, as in NumPy 2: printing, indexing and broadcasting
    /// walk the dimensions, and 100,000 of them make no sense.
    public static let maxRank = 64

    /// Number of elements, or an error for negative dimensions or overflow. The dimensions
    /// other than 0 must multiply to within the limit too: an empty [0, 2⁶²] would otherwise
    /// pass, and a reduction over its first dimension would then allocate 2⁶² elements. With
    /// that rule, every shape an op derives from a tensor's dimensions (a sum, a slice, a
    /// select) is within the limit as well.
    public static func count(_ shape: [Int]) throws -> Int {
        guard shape.count <= maxRank else {
            throw TensorError.size("a tensor has at most \(maxRank) dimensions, found \(shape.count)")
        }
        var nonzero = 1
        var empty = false
        for d in shape {
            guard d >= 0 else {
                throw TensorError.size("dimensions must be non-negative, found \(Shape.format(shape))")
            }
            if d == 0 { empty = true; continue }
            let (m, overflow) = nonzero.multipliedReportingOverflow(by: d)
            guard !overflow, m <= maxElements else {
                throw TensorError.size("shape \(Shape.format(shape)) has too many elements (limit \(maxElements)"
                                       + (shape.contains(0) ? ", counting every dimension but the empty ones)" : ")"))
            }
            nonzero = m
        }
        let n = empty ? 0 : nonzero
        let bytes = n * 4
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        guard bytes <= physical else {
            throw TensorError.size("shape \(Shape.format(shape)) needs \(bytes / (1 << 20)) MiB, more than this "
                                   + "machine's \(physical / (1 << 20)) MiB")
        }
        return n
    }

    /// A shape as PyTorch prints it, "[2, 3]": the one formatter of error messages, module
    /// summaries and printed tensors.
    public static func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    /// Element count of a shape already validated (a tensor's own shape).
    @inlinable static func product(_ shape: ArraySlice<Int>) -> Int { shape.reduce(1, *) }
    @inlinable static func product(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides.
    @inlinable static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Resolves a possibly negative dimension index against a rank.
    public static func dim(_ d: Int, rank: Int, allowEnd: Bool = false) throws -> Int {
        let limit = allowEnd ? rank + 1 : rank
        guard limit > 0 else {
            throw TensorError.index("dimension \(d) is out of range: a 0-d tensor has no dimensions")
        }
        let r = d < 0 ? d + limit : d
        guard r >= 0, r < limit else {
            throw TensorError.index(
                "dimension \(d) is out of range for a tensor of rank \(rank) (expected \(-limit) to \(limit - 1))")
        }
        return r
    }

    /// PyTorch broadcasting: align from the right; sizes must match or be 1.
    public static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        if a == b { return a }
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw TensorError.shape("shapes \(Shape.format(a)) and \(Shape.format(b)) cannot be broadcast: "
                                        + "dimension \(i - r) is \(da) vs \(db)")
            }
        }
        return out
    }

    /// Strides of `shape` viewed as `target` (right-aligned), 0 along broadcast dimensions.
    @inlinable static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let off = target.count - shape.count
        var s = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[i + off] == 1 {
            s[i + off] = shape[i] == 1 ? 0 : own[i]
        }
        return s
    }

    /// Splits a shape around `dim` into (outer, size, inner) for loops over one axis.
    @inlinable static func around(_ shape: [Int], _ dim: Int) -> (outer: Int, n: Int, inner: Int) {
        (product(shape[..<dim]), shape[dim], product(shape[(dim + 1)...]))
    }
}

/// Walks every index of `shape` in row-major order, reporting the offsets into two
/// strided operands; the innermost axis runs as a plain loop for speed.
@inlinable func forEachOffset2(_ shape: [Int], _ sa: [Int], _ sb: [Int],
                               _ body: (_ out: Int, _ a: Int, _ b: Int, _ n: Int, _ da: Int, _ db: Int) -> Void) {
    let r = shape.count
    if r == 0 { body(0, 0, 0, 1, 0, 0); return }
    let n = shape[r - 1], da = sa[r - 1], db = sb[r - 1]
    let outer = Shape.product(shape[..<(r - 1)])
    if outer == 0 || n == 0 { return }
    var idx = [Int](repeating: 0, count: r - 1)
    var oa = 0, ob = 0
    for o in 0..<outer {
        body(o * n, oa, ob, n, da, db)
        var k = r - 2
        while k >= 0 {
            idx[k] += 1
            oa += sa[k]; ob += sb[k]
            if idx[k] < shape[k] { break }
            oa -= sa[k] * shape[k]; ob -= sb[k] * shape[k]
            idx[k] = 0
            k -= 1
        }
    }
}
