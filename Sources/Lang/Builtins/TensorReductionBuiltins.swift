import Foundation
import Tensors

/// Reductions over all elements or along a dimension, and softmax.
extension TensorBuiltins {
    static func registerReductions(_ r: Registry) {
        typealias Reduce = (Tensor, Int?, Bool) throws -> Tensor
        let reductions: [(String, String, Reduce)] = [
            ("sum", "Sum of all elements, or along dim.",
             { x, d, k in try d.map { try x.sum(dim: $0, keepdim: k) } ?? x.sum() }),
            ("mean", "Mean of all elements, or along dim.",
             { x, d, k in try d.map { try x.mean(dim: $0, keepdim: k) } ?? x.mean() }),
            ("var", "Variance (with Bessel's correction, as PyTorch) of all elements, or along dim.",
             { x, d, k in try x.variance(dim: d, keepdim: k) }),
            ("std", "Standard deviation (Bessel's correction) of all elements, or along dim.",
             { x, d, k in try x.std(dim: d, keepdim: k) }),
            ("argmax", "Index of the largest element (flattened), or along dim.",
             { x, d, k in try x.argmax(dim: d, keepdim: k) }),
            ("argmin", "Index of the smallest element (flattened), or along dim.",
             { x, d, k in try x.argmin(dim: d, keepdim: k) }),
        ]
        for (name, summary, f) in reductions {
            r.method("tensor", name, "dim: int? = nil, keepdim: bool = false", returns: "tensor", summary,
                     example: """
                     x = tensor([[1.0, 2.0], [3.0, 4.0]])
                     x.\(name)()
                     x.\(name)(dim: 1)
                     """) { c in
                t(try f(c.receiverTensor(), try c.optionalInt("dim"), try c.bool("keepdim")))
            }
            // sum(x) is the language's own sum of a list or tensor.
            if name != "sum" {
                r.function(name, "x: tensor, dim: int? = nil, keepdim: bool = false", returns: "tensor", summary,
                           example: "\(name)(tensor([1.0, 2.0, 4.0]))") { c in
                    t(try f(c.tensor("x"), try c.optionalInt("dim"), try c.bool("keepdim")))
                }
            }
        }
        r.method("tensor", "any", "", returns: "bool", "True when any element is non-zero.",
                 example: "(tensor([1, 5]) > 3).any()") { c in
            .bool(try c.receiverTensor().any())
        }
        r.method("tensor", "all", "", returns: "bool", "True when every element is non-zero.",
                 example: "(tensor([1, 5]) > 0).all()") { c in
            .bool(try c.receiverTensor().all())
        }
    }

    static func registerExtrema(_ r: Registry) {
        for (name, greater) in [("max", true), ("min", false)] {
            r.method("tensor", name, "dim: int? = nil, keepdim: bool = false", returns: "tensor or [values, indices]",
                     "The \(greater ? "largest" : "smallest") element; "
                        + "with dim, a list [values, indices] along that dimension (as torch.\(name)).",
                     example: """
                     x = tensor([[1.0, 5.0], [3.0, 2.0]])
                     x.\(name)()
                     values, indices = x.\(name)(dim: 1)
                     """) { c in
                let x = try c.receiverTensor()
                guard let d = try c.optionalInt("dim") else { return t(greater ? try x.max() : try x.min()) }
                let keepdim = try c.bool("keepdim")
                let (v, i) = greater ? try x.max(dim: d, keepdim: keepdim) : try x.min(dim: d, keepdim: keepdim)
                return .list([t(v), t(i)])
            }
        }
    }

    static func registerSoftmax(_ r: Registry) {
        for (name, isLog) in [("softmax", false), ("log_softmax", true)] {
            let summary = isLog ? "Logarithm of softmax along dim, computed stably."
                                : "Exponentials normalised to sum to 1 along dim."
            let softmax = { (x: Tensor, d: Int) in isLog ? try x.logSoftmax(dim: d) : try x.softmax(dim: d) }
            r.function(name, "x: tensor, dim: int = -1", returns: "tensor", summary,
                       example: "\(name)(tensor([1.0, 2.0, 3.0]))") { c in
                t(try softmax(c.tensor("x"), c.int("dim")))
            }
            r.method("tensor", name, "dim: int = -1", returns: "tensor", summary,
                     example: "tensor([1.0, 2.0]).\(name)()") { c in
                t(try softmax(c.receiverTensor(), c.int("dim")))
            }
        }
    }
}
