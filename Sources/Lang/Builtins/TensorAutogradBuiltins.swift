import Foundation
import Tensors

/// Gradients: backpropagation, leaves that record gradients, and code that records none.
extension TensorBuiltins {
    static func registerAutograd(_ r: Registry) {
        r.method("tensor", "backward", "gradient: tensor? = nil", returns: "nil",
                 "Backpropagates from this tensor, accumulating into .grad of every leaf that requires grad.",
                 details: """
                 A one-element tensor needs no gradient; otherwise pass one of the same shape.
                 Gradients accumulate across calls: use zero_grad() between steps.
                 """,
                 example: """
                 w = tensor([2.0], requires_grad: true)
                 (w * w).sum().backward()
                 w.grad
                 """) { c in
            try c.receiverTensor().backward(try c.optionalTensor("gradient"))
            return .none
        }
        r.method("tensor", "detach", "", returns: "tensor", "The same values cut from the autodiff graph.",
                 example: "tensor([1.0], requires_grad: true).detach().requires_grad") { c in
            t(try c.receiverTensor().detach())
        }
        r.method("tensor", "zero_grad", "", returns: "nil", "Clears the accumulated gradient of a leaf.",
                 example: """
                 w = tensor([1.0], requires_grad: true)
                 w.zero_grad()
                 """) { c in
            try c.receiverTensor().zeroGrad(); return .none
        }
        r.method("tensor", "requires_grad_", "flag: bool = true", returns: "tensor",
                 "Returns this tensor as a leaf that records gradients (assign it: w = w.requires_grad_()).",
                 example: "w = randn(3).requires_grad_()") { c in
            t(try c.receiverTensor().requiringGrad(try c.bool("flag")))
        }
        r.function("no_grad", "body: function", returns: "any",
                   "Calls body() without recording gradients (for evaluation and manual updates).",
                   example: """
                   w = tensor([1.0], requires_grad: true)
                   y = no_grad(fn() { w * 2 })
                   y.requires_grad
                   """) { c in
            guard case .function(let f)? = c.value("body") else {
                throw RuntimeError("no_grad needs a function, e.g. no_grad(fn() { ... })")
            }
            return try Tensor.withoutGrad { try f.call(c.interp, Arguments()) }
        }
    }
}
