import Foundation
import XCTest
import TestSupport
@testable import Tensors

/// Every case of ../shared/reference/ops.json (computed by PyTorch): the output and the
/// gradient of sum(output · upstream) with respect to each float input, within the case's tolerance.
final class OpsReferenceTests: XCTestCase {
    struct Case: Decodable {
        let name: String
        let op: String
        let inputs: [String]
        let output: String
        let upstream_grad: String?
        let input_grads: [String?]?
        let tolerance: Float
        let attrs: [String: Attr]
    }
    enum Attr: Decodable {
        case int(Int), double(Double), string(String), ints([Int]), bool(Bool), null
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let i = try? c.decode(Int.self) { self = .int(i) } else if let d = try? c.decode(Double.self) { self = .double(d) } else if let s = try? c.decode(String.self) { self = .string(s) } else { self = .ints(try c.decode([Int].self)) }
        }
        var int: Int? { if case .int(let i) = self { return i }; return nil }
        var double: Double? { if case .double(let d) = self { return d }; if case .int(let i) = self { return Double(i) }; return nil }
    }

    /// Applies the named op the way the generator script applied it in PyTorch.
    static func apply(_ c: Case, _ x: [Tensor]) throws -> Tensor {
        let a = c.attrs
        switch c.op {
        case "add": return try x[0] + x[1]
        case "sub": return try x[0] - x[1]
        case "mul": return try x[0] * x[1]
        case "div": return try x[0] / x[1]
        case "matmul": return try x[0].matmul(x[1])
        case "exp": return x[0].exp()
        case "log": return x[0].log()
        case "tanh": return x[0].tanh()
        case "sigmoid": return x[0].sigmoid()
        case "relu": return x[0].relu()
        case "gelu":
            if case .string(let s) = a["approximate"] { return x[0].gelu(approximate: s == "tanh") }
            return x[0].gelu()
        case "softplus": return x[0].softplus()
        case "sqrt": return x[0].sqrt()
        case "pow": return x[0].pow(Float(a["exponent"]?.double ?? 1))
        case "sum":
            if let d = a["dim"]?.int { return try x[0].sum(dim: d, keepdim: keep(a)) }
            return try x[0].sum()
        case "mean": return try x[0].mean(dim: a["dim"]?.int ?? 0, keepdim: keep(a))
        case "max": return try x[0].max(dim: a["dim"]?.int ?? 0).values
        case "softmax": return try x[0].softmax(dim: a["dim"]?.int ?? -1)
        case "log_softmax": return try x[0].logSoftmax(dim: a["dim"]?.int ?? -1)
        case "transpose": return try x[0].transpose(a["dim0"]?.int ?? 0, a["dim1"]?.int ?? 1)
        case "permute":
            guard case .ints(let d) = a["dims"] else { throw TensorError(.value, "dims") }
            return try x[0].permute(d)
        case "reshape":
            guard case .ints(let s) = a["shape"] else { throw TensorError(.value, "shape") }
            return try x[0].reshape(s)
        case "cat": return try Tensor.cat(x, dim: a["dim"]?.int ?? 0)
        case "slice": return try x[0].slice(dim: a["dim"]?.int ?? 0, start: a["start"]?.int, end: a["end"]?.int)
        case "embedding": return try Tensor.embedding(x[0], x[1])
        case "masked_fill": return try x[0].maskedFill(x[1], Float(a["value"]?.double ?? 0))
        case "layer_norm":
            return try Tensor.layerNorm(x[0], normalizedShape: [x[0].shape.last ?? 0], weight: x[1], bias: x[2],
                                        eps: Float(a["eps"]?.double ?? 1e-5))
        case "conv2d": return try Tensor.conv2d(x[0], x[1], bias: x[2], stride: a["stride"]?.int ?? 1, padding: a["padding"]?.int ?? 0)
        case "max_pool2d": return try x[0].maxPool2d(kernel: a["kernel"]?.int ?? 2, stride: a["stride"]?.int)
        case "cross_entropy": return try Tensor.crossEntropy(x[0], x[1])
        case "bce_with_logits": return try Tensor.bceWithLogits(x[0], x[1])
        case "mse": return try Tensor.mse(x[0], x[1])
        default: throw TensorError(.value, "no binding for reference op \(c.op)")
        }
    }

    static func keep(_ a: [String: Attr]) -> Bool { if case .bool(let k) = a["keepdim"] { return k }; return false }

    /// The cases of ops.json and the tensors they name.
    static func load() throws -> (cases: [Case], tensors: [String: Tensor]) {
        let data = try Data(contentsOf: referenceDir.appendingPathComponent("ops.json"))
        struct File: Decodable { let cases: [Case] }
        let cases = try JSONDecoder().decode(File.self, from: data).cases
        return (cases, try SafeTensors.read(contentsOf: referenceDir.appendingPathComponent("ops.safetensors")))
    }

    /// A case's inputs, float ones requiring gradients.
    static func inputs(_ c: Case, _ tensors: [String: Tensor]) throws -> [Tensor] {
        try c.inputs.map { name -> Tensor in
            let t = try XCTUnwrap(tensors[name], "\(c.name): missing \(name)")
            return t.dtype == .float32 ? try t.requiringGrad() : t
        }
    }

    func testEveryReferenceOpMatchesPyTorch() throws {
        let (cases, tensors) = try OpsReferenceTests.load()
        XCTAssertGreaterThanOrEqual(cases.count, 36)
        for c in cases {
            let inputs = try OpsReferenceTests.inputs(c, tensors)
            let out = try OpsReferenceTests.apply(c, inputs)
            let expected = try XCTUnwrap(tensors[c.output])
            assertClose(out, expected, tol: c.tolerance, "\(c.name) output")
            guard let up = c.upstream_grad, let grads = c.input_grads else { continue }
            try out.backward(try XCTUnwrap(tensors[up]))
            for (k, g) in grads.enumerated() {
                guard let g else { continue }
                let got = try XCTUnwrap(inputs[k].grad, "\(c.name): input \(k) got no gradient")
                assertClose(got, try XCTUnwrap(tensors[g]), tol: c.tolerance, "\(c.name) gradient of input \(k)")
            }
        }
    }
}
