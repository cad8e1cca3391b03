import Foundation
import Tensors

/// Elementwise math: unary functions, functions with options, and ops of two tensors.
extension TensorBuiltins {
    /// Registers `name(x)` and `x.name()` for a unary op.
    static func unary(_ r: Registry, _ name: String, _ summary: String, example: String = "",
                      _ f: @escaping (Tensor) throws -> Tensor) {
        r.function(name, "x: tensor", returns: "tensor", summary,
                   example: example.isEmpty ? "\(name)(tensor([-1.0, 0.5, 2.0]))" : example) { c in
            t(try f(c.tensor("x")))
        }
        r.method("tensor", name, "", returns: "tensor", summary, example: "tensor([-1.0, 0.5, 2.0]).\(name)()") { c in
            t(try f(c.receiverTensor()))
        }
    }

    static func registerUnaryMath(_ r: Registry) {
        unary(r, "exp", "e to the power of each element.") { $0.exp() }
        unary(r, "log", "Natural logarithm of each element.") { $0.log() }
        unary(r, "sqrt", "Square root of each element.") { $0.sqrt() }
        unary(r, "tanh", "Hyperbolic tangent of each element.") { $0.tanh() }
        unary(r, "sigmoid", "The logistic function 1/(1+e^-x) of each element.") { $0.sigmoid() }
        unary(r, "relu", "max(x, 0) of each element.") { $0.relu() }
        unary(r, "softplus", "log(1 + e^x) of each element (linear above 20, as PyTorch).") { $0.softplus() }
        unary(r, "sin", "Sine of each element.") { $0.sin() }
        unary(r, "cos", "Cosine of each element.") { $0.cos() }
        unary(r, "neg", "Negation of each element.") { try $0.neg() }
        r.method("tensor", "abs", "", returns: "tensor", "Absolute value of each element.",
                 example: "tensor([-2, 3]).abs()") { c in
            t(try c.receiverTensor().abs())
        }
    }

    /// Elementwise ops that take options: gelu's approximation, clamp's bounds, pow's exponent.
    static func registerElementwiseOptions(_ r: Registry) {
        r.function("gelu", "x: tensor, approximate: string = \"none\"", returns: "tensor",
                   "Gaussian error linear unit x·Φ(x); approximate: \"tanh\" uses PyTorch's tanh form.",
                   example: "gelu(tensor([-1.0, 0.0, 1.0]))") { c in
            t(try c.tensor("x").gelu(approximate: try c.string("approximate") == "tanh"))
        }
        r.method("tensor", "gelu", "approximate: string = \"none\"", returns: "tensor", "GELU of each element.",
                 example: "tensor([1.0]).gelu()") { c in
            t(try c.receiverTensor().gelu(approximate: try c.string("approximate") == "tanh"))
        }
        let clampSummary = "Limits each element to [min, max] (either may be nil)."
        r.function("clamp", "x: tensor, min: float? = nil, max: float? = nil", returns: "tensor", clampSummary,
                   example: "clamp(tensor([-2.0, 0.5, 3.0]), min: -1, max: 1)") { c in
            t(try c.tensor("x").clamp(min: c.optionalFloat("min"), max: c.optionalFloat("max")))
        }
        r.method("tensor", "clamp", "min: float? = nil, max: float? = nil", returns: "tensor", clampSummary,
                 example: "tensor([-2.0, 3.0]).clamp(min: 0)") { c in
            t(try c.receiverTensor().clamp(min: c.optionalFloat("min"), max: c.optionalFloat("max")))
        }
        r.method("tensor", "pow", "exponent: any", returns: "tensor", "Each element to a power (a number or a tensor).",
                 example: "tensor([1.0, 2.0, 3.0]).pow(2)") { c in
            let x = try c.receiverTensor()
            if case .tensor(let e)? = c.value("exponent") { return t(try x.pow(e)) }
            return t(x.pow(try c.float("exponent")))
        }
    }

    /// Ops of two tensors, as `name(a, b)` and `a.name(b)`, and the elementwise choice `where`.
    static func registerBinary(_ r: Registry) {
        for (name, summary, op) in [
            ("maximum", "Elementwise larger of two tensors (broadcast).", { a, b in try a.maximum(b) }),
            ("minimum", "Elementwise smaller of two tensors (broadcast).", { a, b in try a.minimum(b) }),
            ("matmul", "Matrix product with batch broadcasting (the @ operator).", { a, b in try a.matmul(b) }),
        ] as [(String, String, (Tensor, Tensor) throws -> Tensor)] {
            let isMatmul = name == "matmul"
            r.function(name, "a: tensor, b: tensor", returns: "tensor", summary,
                       example: isMatmul ? "matmul(randn(2, 3), randn(3, 2))"
                                         : "\(name)(tensor([1.0, 5.0]), tensor([3.0, 2.0]))") { c in
                t(try op(c.tensor("a"), c.tensor("b")))
            }
            r.method("tensor", name, "other: tensor", returns: "tensor", summary,
                     example: isMatmul ? "randn(2, 3).matmul(randn(3, 2))"
                                       : "tensor([1.0, 5.0]).\(name)(tensor([3.0, 2.0]))") { c in
                t(try op(c.receiverTensor(), c.tensor("other")))
            }
        }
        r.function("where", "condition: tensor, a: any, b: any", returns: "tensor",
                   "Elementwise choice: a where condition is true, else b (all broadcast).",
                   example: """
                   x = tensor([-1.0, 2.0])
                   where(x > 0, x, 0.0)
                   """) { c in
            t(try Tensor.where(c.tensor("condition"), c.tensor("a"), c.tensor("b")))
        }
    }
}
