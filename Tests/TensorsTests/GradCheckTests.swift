import XCTest
@testable import Tensors

/// Finite-difference checks: for every differentiable op, the gradient from backward()
/// agrees with (L(x+h) − L(x−h)) / 2h for L = Σ f(x)·r with a random r, on random shapes
/// drawn from a fixed seed. The derivative index (Sources/Tensors/Derivatives.swift) lists
/// which ops these checks cover; DerivativeIndexTests keeps the two in step.
final class GradCheckTests: XCTestCase {
    struct Check {
        let name: String
        /// Input shapes from a generator; values come from `values`.
        let shapes: (inout RandomGenerator) -> [[Int]]
        var values: (Float) -> Float = { $0 }
        let f: ([Tensor]) throws -> Tensor
        /// The function whose finite differences backward() must match, when it is not `f`
        /// itself (an op whose backward is defined through another function: straight-through).
        var numeric: (([Tensor]) throws -> Tensor)? = nil
    }

    /// Keeps values away from kinks (0 for relu/abs/clamp) so a small step never crosses one.
    static let awayFromZero: (Float) -> Float = { $0 >= 0 ? $0 + 0.2 : $0 - 0.2 }
    static let positive: (Float) -> Float = { abs($0) + 0.5 }

    static func dims(_ g: inout RandomGenerator, _ n: Int, _ lo: Int = 1, _ hi: Int = 4) -> [Int] {
        (0..<n).map { _ in lo + Int(g.below(UInt64(hi - lo + 1))) }
    }

    static let checks: [Check] = [
        Check(name: "add broadcast", shapes: { g in let s = dims(&g, 3); return [s, [1, s[1], 1]] }, f: { try $0[0] + $0[1] }),
        Check(name: "sub broadcast", shapes: { g in let s = dims(&g, 2); return [s, [s[1]]] }, f: { try $0[0] - $0[1] }),
        Check(name: "mul broadcast", shapes: { g in let s = dims(&g, 2); return [[s[0], 1], [1, s[1]]] }, f: { try $0[0] * $0[1] }),
        Check(name: "div", shapes: { g in let s = dims(&g, 2); return [s, s] }, values: positive, f: { try $0[0] / $0[1] }),
        Check(name: "pow tensor", shapes: { g in let s = dims(&g, 2); return [s, s] }, values: positive, f: { try $0[0].pow($0[1]) }),
        Check(name: "maximum", shapes: { g in let s = dims(&g, 2); return [s, s] }, f: { try $0[0].maximum($0[1]) }),
        Check(name: "minimum", shapes: { g in let s = dims(&g, 2); return [s, s] }, f: { try $0[0].minimum($0[1]) }),
        Check(name: "scalar ops", shapes: { g in [dims(&g, 2)] }, f: { ($0[0] * 3 + 1) / 2 - 0.5 }),
        Check(name: "neg", shapes: { g in [dims(&g, 2)] }, f: { try -$0[0] }),
        Check(name: "pow 3", shapes: { g in [dims(&g, 2)] }, f: { $0[0].pow(3) }),
        Check(name: "pow 0.5", shapes: { g in [dims(&g, 2)] }, values: positive, f: { $0[0].pow(0.5) }),
        Check(name: "exp", shapes: { g in [dims(&g, 2)] }, f: { $0[0].exp() }),
        Check(name: "log", shapes: { g in [dims(&g, 2)] }, values: positive, f: { $0[0].log() }),
        Check(name: "sqrt", shapes: { g in [dims(&g, 2)] }, values: positive, f: { $0[0].sqrt() }),
        Check(name: "tanh", shapes: { g in [dims(&g, 2)] }, f: { $0[0].tanh() }),
        Check(name: "sigmoid", shapes: { g in [dims(&g, 2)] }, f: { $0[0].sigmoid() }),
        Check(name: "relu", shapes: { g in [dims(&g, 2)] }, values: awayFromZero, f: { $0[0].relu() }),
        Check(name: "abs", shapes: { g in [dims(&g, 2)] }, values: awayFromZero, f: { try $0[0].abs() }),
        Check(name: "sin cos", shapes: { g in [dims(&g, 2)] }, f: { try $0[0].sin() * $0[0].cos() }),
        Check(name: "softplus", shapes: { g in [dims(&g, 2)] }, f: { $0[0].softplus() }),
        Check(name: "gelu", shapes: { g in [dims(&g, 2)] }, f: { $0[0].gelu() }),
        Check(name: "gelu tanh", shapes: { g in [dims(&g, 2)] }, f: { $0[0].gelu(approximate: true) }),
        Check(name: "clamp", shapes: { g in [dims(&g, 2)] }, values: { $0 * 3 + (abs(abs($0 * 3) - 1) < 0.1 ? 0.3 : 0) },
              f: { $0[0].clamp(min: -1, max: 1) }),
        Check(name: "sum all", shapes: { g in [dims(&g, 3)] }, f: { try $0[0].sum() }),
        Check(name: "sum dim", shapes: { g in [dims(&g, 3)] }, f: { try $0[0].sum(dim: 1) }),
        Check(name: "sum dims keepdim", shapes: { g in [dims(&g, 3)] }, f: { try $0[0].sum(dims: [0, 2], keepdim: true) }),
        Check(name: "mean", shapes: { g in [dims(&g, 3)] }, f: { try $0[0].mean(dim: -1, keepdim: true) }),
        Check(name: "mean all", shapes: { g in [dims(&g, 2)] }, f: { try $0[0].mean() }),
        Check(name: "max dim", shapes: { g in [dims(&g, 2, 2, 5)] }, f: { try $0[0].max(dim: 1).values }),
        Check(name: "min dim", shapes: { g in [dims(&g, 2, 2, 5)] }, f: { try $0[0].min(dim: 0).values }),
        Check(name: "variance", shapes: { g in [dims(&g, 2, 2, 5)] }, f: { try $0[0].variance(dim: 1) }),
        Check(name: "std", shapes: { g in [dims(&g, 2, 2, 5)] }, f: { try $0[0].std() }),
        Check(name: "softmax", shapes: { g in [dims(&g, 3)] }, f: { try $0[0].softmax(dim: 1) }),
        Check(name: "log_softmax", shapes: { g in [dims(&g, 2, 2, 5)] }, f: { try $0[0].logSoftmax(dim: -1) }),
        Check(name: "matmul 2d", shapes: { g in let s = dims(&g, 3); return [[s[0], s[1]], [s[1], s[2]]] }, f: { try $0[0].matmul($0[1]) }),
        Check(name: "matmul batched", shapes: { g in let s = dims(&g, 4); return [[s[3], s[0], s[1]], [s[3], s[1], s[2]]] },
              f: { try $0[0].matmul($0[1]) }),
        Check(name: "matmul broadcast", shapes: { g in let s = dims(&g, 4); return [[2, s[3], s[0], s[1]], [s[1], s[2]]] },
              f: { try $0[0].matmul($0[1]) }),
        Check(name: "matmul batch broadcast", shapes: { g in let s = dims(&g, 3); return [[2, 1, s[0], s[1]], [3, s[1], s[2]]] },
              f: { try $0[0].matmul($0[1]) }),
        Check(name: "matmul vector", shapes: { g in let s = dims(&g, 2); return [[s[0]], [s[0], s[1]]] }, f: { try $0[0].matmul($0[1]) }),
        Check(name: "transpose", shapes: { g in [dims(&g, 3)] }, f: { try $0[0].transpose(0, 2) }),
        Check(name: "permute", shapes: { g in [dims(&g, 3)] }, f: { try $0[0].permute([1, 2, 0]) }),
        Check(name: "reshape", shapes: { g in [[2, 3, 4]] }, f: { try $0[0].reshape([4, -1]) }),
        Check(name: "cat", shapes: { g in let s = dims(&g, 2); return [s, [s[0], 3]] }, f: { try Tensor.cat($0, dim: 1) }),
        Check(name: "stack", shapes: { g in let s = dims(&g, 2); return [s, s] }, f: { try Tensor.stack($0, dim: 1) }),
        Check(name: "slice step", shapes: { g in [[3, 7]] }, f: { try $0[0].slice(dim: 1, start: 1, end: 6, step: 2) }),
        Check(name: "select", shapes: { g in [[3, 4]] }, f: { try $0[0].select(dim: 0, index: -1) }),
        Check(name: "squeeze unsqueeze", shapes: { g in [[3, 1, 2]] }, f: { try $0[0].squeeze(1).unsqueeze(0) }),
        Check(name: "expand", shapes: { g in [[3, 1]] }, f: { try $0[0].expand([2, 3, 4]) }),
        Check(name: "index_select", shapes: { g in [[4, 3]] },
              f: { try $0[0].indexSelect(dim: 0, index: Tensor(shape: [5], ints: [3, 0, 3, 1, 2])) }),
        Check(name: "gather", shapes: { g in [[3, 4]] },
              f: { try $0[0].gather(dim: 1, index: Tensor(shape: [3, 2], ints: [0, 3, 1, 1, 2, 0])) }),
        Check(name: "where", shapes: { g in [[3, 4], [4]] },
              f: { try Tensor.where(Tensor(shape: [3, 1], bools: [true, false, true]), $0[0], $0[1]) }),
        Check(name: "masked_fill", shapes: { g in [[3, 4]] },
              f: { try $0[0].maskedFill(Tensor(shape: [4], bools: [true, false, false, true]), -5) }),
        Check(name: "embedding", shapes: { g in [[6, 3]] },
              f: { try Tensor.embedding(Tensor(shape: [2, 3], ints: [1, 5, 1, 0, 2, 3]), $0[0]) }),
        Check(name: "layer_norm", shapes: { g in let s = dims(&g, 1, 2, 4); return [[s[0], 5], [5], [5]] },
              f: { try Tensor.layerNorm($0[0], normalizedShape: [5], weight: $0[1], bias: $0[2]) }),
        Check(name: "conv2d", shapes: { g in [[2, 2, 5, 4], [3, 2, 3, 3], [3]] },
              f: { try Tensor.conv2d($0[0], $0[1], bias: $0[2], stride: 1, padding: 1) }),
        Check(name: "conv2d stride", shapes: { g in [[1, 2, 6, 6], [2, 2, 3, 3]] },
              f: { try Tensor.conv2d($0[0], $0[1], stride: 2, padding: 0) }),
        Check(name: "max_pool2d", shapes: { g in [[2, 2, 4, 6]] }, f: { try $0[0].maxPool2d(kernel: 2) }),
        Check(name: "avg_pool2d", shapes: { g in [[2, 2, 4, 6]] }, f: { try $0[0].avgPool2d(kernel: 2) }),
        // Class weights are constants (PyTorch does not differentiate with respect to them either).
        Check(name: "cross_entropy smoothing weights", shapes: { g in [[4, 3]] },
              f: { try Tensor.crossEntropy($0[0], Tensor(shape: [4], ints: [2, 0, 1, 2]),
                                           weight: Tensor([0.5, 2, 1]), labelSmoothing: 0.1) }),
        Check(name: "cross_entropy soft targets", shapes: { g in [[3, 4]] },
              f: { try Tensor.crossEntropy($0[0], Tensor(shape: [3, 4], floats: (0..<12).map { Float($0 % 4) / 6 })) }),
        Check(name: "nll_loss", shapes: { g in [[4, 3]] },
              f: { try Tensor.nllLoss($0[0].logSoftmax(dim: 1), Tensor(shape: [4], ints: [2, 0, 1, 2])) }),
        Check(name: "bce_with_logits pos_weight", shapes: { g in [[5], [5]] },
              f: { try Tensor.bceWithLogits($0[0], Tensor(shape: [5], floats: [1, 0, 1, 1, 0]), posWeight: $0[1].abs().adding(0.5)) }),
        Check(name: "mse", shapes: { g in [[3, 2], [3, 2]] }, f: { try Tensor.mse($0[0], $0[1]) }),
        Check(name: "fused attention with mask", shapes: { g in [[2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 4]] },
              f: { x in
                  var m = [Float](repeating: 0, count: 2 * 5)
                  m[4] = -.infinity; m[8] = -.infinity   // row 0 ignores key 4, row 1 key 3
                  let r = try Tensor.attention(x[0], x[1], x[2], mask: Tensor(shape: [2, 1, 1, 5], floats: m))
                  // Both outputs feed the loss, so the weights' own gradient path is checked too.
                  return try Tensor.cat([r.output.flatten(), r.weights.flatten()], dim: 0)
              }),
        Check(name: "dropout", shapes: { g in [dims(&g, 2, 2, 5)] },
              f: { x in
                  var mask = RandomGenerator(seed: 7)   // the same mask at every call
                  return try x[0].dropout(p: 0.3, using: &mask)
              }),
        Check(name: "linear", shapes: { g in let s = dims(&g, 3); return [[2, s[0], s[1]], [s[2], s[1]], [s[2]]] },
              f: { try Tensor.linear($0[0], $0[1], $0[2]) }),
        // int8_linear's backward is the straight-through estimator: dx = g·W_deq with the weights
        // the int8 codes stand for. The int8 forward itself is a step function of x (x is
        // quantized with scale max|x|/127 at every call), so its finite differences say nothing;
        // the backward is checked against finite differences of the dequantized product instead.
        Check(name: "int8_linear (straight-through)", shapes: { g in [[3, 4]] },
              f: { try Tensor.int8Linear($0[0], int8Weight, int8Bias) },
              numeric: { try Tensor.linear($0[0], int8Weight.dequantized(), int8Bias) }),
        Check(name: "splitHeads", shapes: { g in [[2, 3, 12]] },
              f: { x in
                  let (q, k, v) = try Tensor.splitHeads(x[0], heads: 2)
                  return try Tensor.cat([q.flatten(), k.flatten(), v.flatten()], dim: 0)
              }),
        Check(name: "mergeHeads", shapes: { g in [[2, 2, 3, 4]] }, f: { try Tensor.mergeHeads($0[0]) }),
        // Recurrent layers: every input and parameter (x, W_ih, W_hh, b_ih, b_hh, h0, c0) with
        // rows of different lengths, and the output and final states all in the loss.
        Check(name: "lstm", shapes: { g in [[2, 3, 3], [8, 3], [8, 2], [8], [8], [2, 2], [2, 2]] },
              f: { x in
                  let r = try Tensor.lstmLayer(x[0], weightIH: x[1], weightHH: x[2], biasIH: x[3], biasHH: x[4],
                                               h0: x[5], c0: x[6], lengths: [3, 2])
                  return try Tensor.cat([r.output.flatten(), r.h.flatten(), r.c.flatten()], dim: 0)
              }),
        Check(name: "gru", shapes: { g in [[2, 3, 3], [6, 3], [6, 2], [6], [6], [2, 2]] },
              f: { x in
                  let r = try Tensor.gruLayer(x[0], weightIH: x[1], weightHH: x[2], biasIH: x[3], biasHH: x[4],
                                              h0: x[5], lengths: [3, 2])
                  return try Tensor.cat([r.output.flatten(), r.h.flatten()], dim: 0)
              }),
    ]

    /// The fixed weights of the int8_linear check (its input is the only thing that varies).
    static let int8Weight = try! Int8Matrix(Tensor(shape: [5, 4], floats: (0..<20).map { Float($0 % 7) * 0.3 - 0.9 }))
    static let int8Bias = Tensor([0.1, -0.2, 0.3, 0, 0.5])

    /// A check's inputs: leaves that require gradients, with values from `check.values`.
    static func inputs(for check: Check, using g: inout RandomGenerator) throws -> (shapes: [[Int]], tensors: [Tensor]) {
        let shapes = check.shapes(&g)
        let tensors = try shapes.map { s -> Tensor in
            let r = try Tensor.randn(s, using: &g)
            return try Tensor(shape: s, floats: r.floats.map(check.values)).requiringGrad()
        }
        return (shapes, tensors)
    }

    func testEveryDifferentiableOpAgreesWithFiniteDifferences() throws {
        var g = RandomGenerator(seed: 1234)
        for check in GradCheckTests.checks {
            let (shapes, leaves) = try GradCheckTests.inputs(for: check, using: &g)
            var inputs = leaves
            let out = try check.f(inputs)
            let r = try Tensor.randn(out.shape, using: &g)
            try out.backward(r)
            func loss(_ xs: [Tensor]) throws -> Double {
                let y = try Tensor.withoutGrad { try (check.numeric ?? check.f)(xs) }
                return zip(y.floats, r.floats).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            let h: Float = 1e-2
            for k in inputs.indices {
                let analytic = try XCTUnwrap(inputs[k].grad, "\(check.name): input \(k) has no gradient").floats
                for i in 0..<inputs[k].count {
                    let saved = inputs[k].floats[i]
                    inputs[k].floats[i] = saved + h
                    let up = try loss(inputs)
                    inputs[k].floats[i] = saved - h
                    let down = try loss(inputs)
                    inputs[k].floats[i] = saved
                    let numeric = Float((up - down) / Double(2 * h))
                    let tol = 2e-2 * max(1, abs(numeric))
                    XCTAssertLessThanOrEqual(abs(numeric - analytic[i]), tol,
                        "\(check.name): input \(k) element \(i): numeric \(numeric) vs backward \(analytic[i]) (shapes \(shapes))")
                }
            }
        }
    }
}
