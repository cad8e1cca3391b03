import Foundation
import Tensors

/// Neural-network functions (the functional forms of layers) and losses.
extension TensorBuiltins {
    static func registerLayerFunctions(_ r: Registry) {
        r.function("embedding", "ids: tensor, weight: tensor, padding_idx: int? = nil", returns: "tensor",
                   "Rows of weight picked by int64 ids; rows of padding_idx get no gradient.",
                   example: "embedding(tensor([[0, 2]]), randn(3, 4)).shape") { c in
            t(try Tensor.embedding(c.tensor("ids"), c.tensor("weight"), paddingIndex: try c.optionalInt("padding_idx")))
        }
        r.function("layer_norm",
                   "x: tensor, normalized_shape: list, weight: tensor? = nil, bias: tensor? = nil, "
                       + "eps: float = 0.00001",
                   returns: "tensor",
                   "Normalises over the last dimensions to mean 0, variance 1, then scales and shifts.",
                   example: "layer_norm(randn(2, 4), [4])") { c in
            t(try Tensor.layerNorm(c.tensor("x"), normalizedShape: try c.shape("normalized_shape"),
                                   weight: try c.optionalTensor("weight"), bias: try c.optionalTensor("bias"),
                                   eps: c.float("eps")))
        }
        r.function("conv2d", "x: tensor, weight: tensor, bias: tensor? = nil, stride: int = 1, padding: int = 0",
                   returns: "tensor", "2-D convolution of [batch, channels, h, w] by weight [out, in, kh, kw].",
                   example: "conv2d(randn(1, 1, 8, 8), randn(4, 1, 3, 3), padding: 1).shape") { c in
            t(try Tensor.conv2d(c.tensor("x"), c.tensor("weight"), bias: try c.optionalTensor("bias"),
                                stride: c.int("stride"), padding: c.int("padding")))
        }
        for (name, isMax) in [("max_pool2d", true), ("avg_pool2d", false)] {
            r.function(name, "x: tensor, kernel: int, stride: int? = nil, padding: int = 0", returns: "tensor",
                       (isMax ? "Maximum" : "Mean") + " over kernel×kernel windows (stride defaults to kernel).",
                       example: "\(name)(randn(1, 1, 4, 4), 2).shape") { c in
                let x = try c.tensor("x"), k = try c.int("kernel"), s = try c.optionalInt("stride")
                let p = try c.int("padding")
                return t(isMax ? try x.maxPool2d(kernel: k, stride: s, padding: p)
                               : try x.avgPool2d(kernel: k, stride: s, padding: p))
            }
        }
        r.function("dropout", "x: tensor, p: float = 0.5", returns: "tensor",
                   "Zeros each element with probability p and scales the rest by 1/(1-p) (seeded).",
                   example: """
                   seed(0)
                   dropout(ones(6), p: 0.5)
                   """) { c in
            t(try c.tensor("x").dropout(p: c.float("p")))
        }
        r.function("one_hot", "ids: tensor, classes: int", returns: "tensor", "int64 class ids as one-hot float rows.",
                   example: "one_hot(tensor([0, 2]), 3)") { c in
            t(try c.tensor("ids").oneHot(classes: c.int("classes")))
        }
    }

    static func registerLosses(_ r: Registry) {
        r.function("cross_entropy", "logits: tensor, target: tensor, weight: tensor? = nil, "
                       + "label_smoothing: float = 0, reduction: string = \"mean\"",
                   returns: "tensor",
                   "Cross-entropy of logits [N, C] with class ids [N] (or class probabilities [N, C]).",
                   details: "As torch.nn.functional.cross_entropy: optional class weights and label smoothing.",
                   example: "cross_entropy(tensor([[2.0, 0.5], [0.1, 1.0]]), tensor([0, 1]))") { c in
            t(try Tensor.crossEntropy(c.tensor("logits"), c.tensor("target"), weight: try c.optionalTensor("weight"),
                                      labelSmoothing: c.float("label_smoothing"), reduction: try c.reduction()))
        }
        r.function("nll_loss", "logp: tensor, target: tensor, weight: tensor? = nil, reduction: string = \"mean\"",
                   returns: "tensor", "Negative log-likelihood of class ids under log-probabilities [N, C].",
                   example: "nll_loss(log_softmax(tensor([[2.0, 0.5]]), dim: 1), tensor([0]))") { c in
            t(try Tensor.nllLoss(c.tensor("logp"), c.tensor("target"), weight: try c.optionalTensor("weight"),
                                 reduction: try c.reduction()))
        }
        r.function("bce_with_logits",
                   "logits: tensor, target: tensor, pos_weight: tensor? = nil, reduction: string = \"mean\"",
                   returns: "tensor",
                   "Binary cross-entropy on logits (numerically stable); pos_weight scales the positive term.",
                   example: "bce_with_logits(tensor([1.5, -0.3]), tensor([1.0, 0.0]))") { c in
            t(try Tensor.bceWithLogits(c.tensor("logits"), c.tensor("target"),
                                       posWeight: try c.optionalTensor("pos_weight"), reduction: try c.reduction()))
        }
        r.function("mse_loss", "input: tensor, target: tensor, reduction: string = \"mean\"", returns: "tensor",
                   "Mean squared error.", example: "mse_loss(tensor([1.0, 2.0]), tensor([1.5, 2.0]))") { c in
            t(try Tensor.mse(c.tensor("input"), c.tensor("target"), reduction: try c.reduction()))
        }
    }
}
