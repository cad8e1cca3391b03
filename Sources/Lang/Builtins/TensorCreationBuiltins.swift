import Foundation
import Tensors

/// Making tensors: from data, filled, ranges, and random from the session's seeded generator.
extension TensorBuiltins {
    static func registerCreation(_ r: Registry) {
        r.function("tensor", "data: any, dtype: string? = nil, requires_grad: bool = false", returns: "tensor",
                   "Makes a tensor from a number or a (nested) list of numbers.",
                   details: """
                   Lists of ints give int64 tensors, any float gives float32, lists of booleans give bool masks.
                   dtype: "float32", "int64" or "bool" converts.
                   """,
                   example: """
                   tensor([[1.0, 2.0], [3.0, 4.0]])
                   tensor([1, 2, 3], dtype: "float32", requires_grad: true)
                   """) { c in
            var x = try c.tensor("data")
            if let d = try c.optionalString("dtype") { x = try convert(x, to: d, fn: "tensor") }
            return t(try c.requiringGradIfAsked(x))
        }
        for (name, value) in [("zeros", Float(0)), ("ones", Float(1))] {
            r.function(name, "*shape: int, dtype: string = \"float32\", requires_grad: bool = false", returns: "tensor",
                       "A tensor of the given shape filled with \(Int(value))s.",
                       example: """
                       \(name)(2, 3)
                       \(name)([4], dtype: "int64")
                       """) { c in
                t(try c.requiringGradIfAsked(Tensor.full(c.shape("shape"), value, dtype: c.dtype("dtype"))))
            }
        }
        r.function("full", "shape: list, value: float, dtype: string = \"float32\"", returns: "tensor",
                   "A tensor of the given shape filled with one value.", example: "full([2, 2], 7)") { c in
            t(try Tensor.full(c.shape("shape"), c.float("value"), dtype: c.dtype("dtype")))
        }
        r.function("zeros_like", "x: tensor", returns: "tensor", "Zeros with the shape and dtype of x.",
                   example: "zeros_like(randn(2, 3))") { c in
            let x = try c.tensor("x"); return t(try Tensor.zeros(x.shape, dtype: x.dtype))
        }
        r.function("ones_like", "x: tensor", returns: "tensor", "Ones with the shape and dtype of x.",
                   example: "ones_like(randn(2, 3))") { c in
            let x = try c.tensor("x"); return t(try Tensor.ones(x.shape, dtype: x.dtype))
        }
        r.function("eye", "n: int, m: int? = nil", returns: "tensor", "The n×m identity matrix (m defaults to n).",
                   example: "eye(3)") { c in
            t(try Tensor.eye(c.int("n"), try c.optionalInt("m")))
        }
    }

    static func registerRanges(_ r: Registry) {
        r.function("arange", "start: float, end: float? = nil, step: float = 1, dtype: string? = nil",
                   returns: "tensor",
                   "Values from start (inclusive) to end (exclusive) in steps; arange(n) is 0..n-1.",
                   details: "Integer arguments give an int64 tensor, as in PyTorch.",
                   example: """
                   arange(5)
                   arange(0, 1, 0.25)
                   """) { c in
            var start = try c.double("start"), end = try c.optionalDouble("end")
            if end == nil { end = start; start = 0 }
            let allInts = ["start", "end", "step"].allSatisfy { n in
                guard let v = c.value(n) else { return true }
                if case .int = v { return true }; return false
            }
            let dt = try c.optionalDType("dtype") ?? (allInts ? .int64 : .float32)
            return t(try Tensor.arange(start, end ?? 0, step: try c.double("step"), dtype: dt))
        }
        r.function("linspace", "start: float, end: float, steps: int", returns: "tensor",
                   "steps evenly spaced values from start to end (both included).", example: "linspace(0, 1, 5)") { c in
            let a = try c.double("start"), b = try c.double("end"), n = try c.int("steps")
            guard n >= 0 else { throw RuntimeError("linspace: steps must be ≥ 0, found \(n)") }
            _ = try Shape.count([n])
            let vals = (0..<n).map { i in Float(n == 1 ? a : a + (b - a) * Double(i) / Double(n - 1)) }
            return t(Tensor(vals))
        }
    }

    static func registerRandom(_ r: Registry) {
        r.function("seed", "n: int", returns: "nil",
                   "Resets the session's random generator, making every random op that follows reproducible.",
                   example: """
                   seed(42)
                   randn(2)
                   """) { c in
            let n = try c.int("n")
            Random.seed(UInt64(bitPattern: Int64(n)))
            c.interp.seedValue = n
            return .none
        }
        r.function("rand", "*shape: int, requires_grad: bool = false", returns: "tensor",
                   "Uniform random values in [0, 1) from the session's seeded generator.",
                   details: """
                   The generator is xoshiro256** seeded through SplitMix64; seed(n) resets it, \
                   so a script gives the same numbers every run.
                   """,
                   example: """
                   seed(0)
                   rand(2, 2)
                   """) { c in
            t(try c.requiringGradIfAsked(Tensor.rand(c.shape("shape"))))
        }
        r.function("randn", "*shape: int, requires_grad: bool = false", returns: "tensor",
                   "Standard normal random values from the session's seeded generator (Box–Muller).",
                   example: """
                   seed(0)
                   randn(2, 3)
                   """) { c in
            t(try c.requiringGradIfAsked(Tensor.randn(c.shape("shape"))))
        }
        r.function("randint", "low: int, high: int, shape: list", returns: "tensor",
                   "Random int64 values in [low, high).",
                   example: """
                   seed(0)
                   randint(0, 10, [5])
                   """) { c in
            t(try Tensor.randint(Int64(c.int("low")), Int64(c.int("high")), try c.shape("shape")))
        }
        r.function("randperm", "n: int", returns: "tensor", "A random permutation of 0..n-1 (int64).",
                   example: """
                   seed(0)
                   randperm(5)
                   """) { c in
            let n = try c.int("n")
            _ = try Shape.count([n])
            return t(try Tensor(shape: [n], ints: Random.shared.permutation(n).map(Int64.init)))
        }
    }
}
