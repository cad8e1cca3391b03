import Foundation
import Tensors

/// Changing a tensor's shape, picking its entries, and joining tensors.
extension TensorBuiltins {
    static func registerReshaping(_ r: Registry) {
        for name in ["reshape", "view"] {
            r.method("tensor", name, "*shape: int", returns: "tensor",
                     "The same values in a new shape; one dimension may be -1.",
                     example: """
                     arange(6).\(name)(2, 3)
                     arange(6).\(name)([-1, 2])
                     """) { c in
                t(try c.receiverTensor().reshape(try c.shape("shape")))
            }
        }
        r.method("tensor", "flatten", "start_dim: int = 0", returns: "tensor", "Flattens dimensions from start_dim on.",
                 example: "zeros(2, 3, 4).flatten(1).shape") { c in
            t(try c.receiverTensor().flatten(from: c.int("start_dim")))
        }
        r.method("tensor", "transpose", "dim0: int = 0, dim1: int = 1", returns: "tensor", "Swaps two dimensions.",
                 example: "randn(2, 3).transpose(0, 1).shape") { c in
            t(try c.receiverTensor().transpose(c.int("dim0"), c.int("dim1")))
        }
        r.method("tensor", "t", "", returns: "tensor", "Transpose of a matrix (the last two dimensions).",
                 example: "randn(2, 3).t().shape") { c in
            t(try c.receiverTensor().transpose(-2, -1))
        }
        r.method("tensor", "permute", "*dims: int", returns: "tensor",
                 "Reorders dimensions: output dim i is input dim dims[i].",
                 example: "zeros(2, 3, 4).permute(2, 0, 1).shape") { c in
            t(try c.receiverTensor().permute(try c.shape("dims")))
        }
        r.method("tensor", "unsqueeze", "dim: int", returns: "tensor", "Inserts a dimension of size 1.",
                 example: "zeros(3).unsqueeze(0).shape") { c in
            t(try c.receiverTensor().unsqueeze(c.int("dim")))
        }
        r.method("tensor", "squeeze", "dim: int? = nil", returns: "tensor",
                 "Removes dimensions of size 1 (only dim, if given).",
                 example: "zeros(1, 3, 1).squeeze().shape") { c in
            t(try c.receiverTensor().squeeze(try c.optionalInt("dim")))
        }
        r.method("tensor", "expand", "*shape: int", returns: "tensor",
                 "Broadcasts to a larger shape (-1 keeps a dimension).",
                 example: "tensor([[1.0], [2.0]]).expand(2, 3)") { c in
            t(try c.receiverTensor().expand(try c.shape("shape")))
        }
    }

    static func registerIndexing(_ r: Registry) {
        r.method("tensor", "index_select", "dim: int, index: tensor", returns: "tensor",
                 "Picks entries of dim by an int64 index vector.",
                 example: "arange(10).index_select(0, tensor([3, 1]))") { c in
            t(try c.receiverTensor().indexSelect(dim: c.int("dim"), index: c.tensor("index")))
        }
        r.method("tensor", "gather", "dim: int, index: tensor", returns: "tensor",
                 "out[i][j] = x[i][index[i][j]] for dim 1 (torch.gather).",
                 example: "tensor([[1, 2], [3, 4]]).gather(1, tensor([[1], [0]]))") { c in
            t(try c.receiverTensor().gather(dim: c.int("dim"), index: c.tensor("index")))
        }
        r.method("tensor", "masked_fill", "mask: tensor, value: float", returns: "tensor",
                 "Replaces elements where mask is true by value.",
                 example: "zeros(3).masked_fill(tensor([true, false, true]), -1)") { c in
            t(try c.receiverTensor().maskedFill(c.tensor("mask"), c.float("value")))
        }
        for (name, isStack) in [("cat", false), ("stack", true)] {
            r.function(name, "tensors: list, dim: int = 0", returns: "tensor",
                       isStack ? "Stacks equal-shaped tensors along a new dimension."
                               : "Joins tensors along an existing dimension.",
                       example: "\(name)([ones(2, 2), zeros(2, 2)], dim: 0).shape") { c in
                let ts = try c.list("tensors").map { try Convert.tensor($0, what: "\(name): each element") }
                return t(isStack ? try Tensor.stack(ts, dim: c.int("dim")) : try Tensor.cat(ts, dim: c.int("dim")))
            }
        }
    }
}
