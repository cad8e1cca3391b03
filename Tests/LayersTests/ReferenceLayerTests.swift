import Foundation
import XCTest
import TestSupport
import Tensors
@testable import Layers


/// Each layer and model folder of ../shared/reference: PyTorch's state_dict loads by name,
/// the recorded inputs give the recorded outputs, and the gradients of
/// sum(first output · upstream_grad) match for every parameter and float input.
final class ReferenceLayerTests: XCTestCase {
    struct Case {
        let model: [String: Tensor]
        let io: [String: Tensor]
        let tolerance: Float
    }

    func load(_ name: String) throws -> Case {
        let dir = referenceDir.appendingPathComponent(name)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("case.json"))) as? [String: Any]
        return Case(model: try SafeTensors.read(contentsOf: dir.appendingPathComponent("model.safetensors")),
                    io: try SafeTensors.read(contentsOf: dir.appendingPathComponent("io.safetensors")),
                    tolerance: Float((json?["tolerance"] as? Double) ?? 1e-5))
    }

    func close(_ got: Tensor, _ want: Tensor?, _ tol: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let want else { return XCTFail("\(what): no expected tensor", file: file, line: line) }
        XCTAssertEqual(got.shape, want.shape, "\(what) shape", file: file, line: line)
        guard got.shape == want.shape else { return }
        let d = zip(got.floatValues, want.floatValues).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(d, tol, "\(what): max |difference| \(d)", file: file, line: line)
    }

    /// Loads weights, runs `forward` (named outputs, first one seeds the loss) and checks everything.
    func check(_ name: String, _ module: Module, inputs: [String] = ["x"], _ forward: ([String: Tensor]) throws -> [(String, Tensor)]) throws {
        let c = try load(name)
        try module.loadStateDict(c.model)
        module.eval()
        var ins: [String: Tensor] = [:]
        for (k, v) in c.io where k.hasPrefix("input.") {
            let key = String(k.dropFirst(6))
            ins[key] = v.dtype == .float32 && inputs.contains(key) ? try v.requiringGrad() : v
        }
        let outs = try forward(ins)
        for (k, v) in outs { close(v, c.io["expected.\(k)"], c.tolerance, "\(name) \(k)") }
        let upstream = try XCTUnwrap(c.io["upstream_grad"])
        try outs[0].1.mul(upstream).sum().backward()
        for (pname, p) in module.namedParameters() {
            guard let want = c.io["expected.grad.\(pname)"] else { continue }
            close(try p.grad ?? Tensor.zeros(p.value.shape), want, c.tolerance, "\(name) grad \(pname)")
        }
        for (k, v) in ins where v.requiresGrad {
            close(try v.grad ?? Tensor.zeros(v.shape), c.io["expected.grad.input.\(k)"], c.tolerance, "\(name) grad input \(k)")
        }
        XCTAssertEqual(Set(module.namedParameters().map(\.0)), Set(c.model.keys), "\(name): parameter names equal PyTorch's state_dict keys")
    }

    func testLinear() throws {
        let m = try Linear(10, 6)
        try check("linear", m) { ins in [("out", try m.forward(try XCTUnwrap(ins["x"])))] }
    }

    func testEmbedding() throws {
        let m = try Embedding(20, 8)
        try check("embedding", m, inputs: []) { [("out", try m.forward($0["ids"] ?? Tensor(scalar: 0)))] }
    }

    func testLSTMOneAndTwoLayers() throws {
        for layers in [1, 2] {
            let m = try Recurrent(.lstm, inputSize: 6, hiddenSize: 10, numLayers: layers)
            try check("lstm\(layers)", m) { ins in
                let r = try m.run(try XCTUnwrap(ins["x"]))
                return [("output", r.output), ("h_n", r.h), ("c_n", try XCTUnwrap(r.c))]
            }
        }
    }

    func testGRU() throws {
        let m = try Recurrent(.gru, inputSize: 6, hiddenSize: 10)
        try check("gru1", m) { ins in
            let r = try m.run(try XCTUnwrap(ins["x"]))
            return [("output", r.output), ("h_n", r.h)]
        }
    }

    func testMultiheadAttentionWithKeyPadding() throws {
        let m = try MultiheadAttention(embedDim: 16, numHeads: 4)
        try check("mha", m) { ins in
            let r = try m.attend(query: try XCTUnwrap(ins["x"]), keyPaddingMask: ins["key_padding_mask"])
            return [("out", r.output), ("attn_weights", try r.averageWeights)]
        }
    }

    func testEncoderLayersPostNormReluAndPreNormGelu() throws {
        for (name, act, pre) in [("encoder_post_relu", "relu", false), ("encoder_pre_gelu", "gelu", true)] {
            let m = try TransformerEncoderLayer(dModel: 16, heads: 4, feedforward: 32, dropout: 0, activation: act, normFirst: pre)
            try check(name, m) { ins in [("out", try m.forward(try XCTUnwrap(ins["x"]), keyPaddingMask: ins["src_key_padding_mask"]))] }
        }
    }

    func testTinyGPT() throws {
        let m = try TinyGPT(vocab: 30, dModel: 16, heads: 2, layers: 2, context: 12)
        try check("tinygpt", m, inputs: []) { ins in
            let ids = try XCTUnwrap(ins["ids"])
            let logits = try m.forward(ids: ids)
            let T = ids.shape[1]
            let pred = try logits.slice(dim: 1, start: 0, end: T - 1).reshape([-1, 30])
            let target = try ids.slice(dim: 1, start: 1, end: T).reshape([-1])
            return [("logits", logits), ("loss", try Tensor.crossEntropy(pred, target))]
        }
    }

    func testSentimentNet() throws {
        let m = try SentimentNet(vocab: 50, embed: 8, hidden: 12, layers: 2)
        try check("sentiment", m, inputs: []) { ins in
            let lengths = try XCTUnwrap(ins["lengths"]).ints.map { Int($0) }
            let r = try m.forward(ids: try XCTUnwrap(ins["ids"]), lengths: lengths)
            return [("logit", r.logit), ("attention", r.attention), ("loss", try Tensor.bceWithLogits(r.logit, try XCTUnwrap(ins["labels"])))]
        }
    }

    func testSmallCNN() throws {
        let m = try SmallCNN()
        try check("cnn", m) { ins in [("logits", try m.forward(try XCTUnwrap(ins["x"])))] }
    }

    /// Every reference test above (a new one belongs here too), for the derivative index.
    var referenceTests: [() throws -> Void] {
        [testLinear, testEmbedding, testLSTMOneAndTwoLayers, testGRU, testMultiheadAttentionWithKeyPadding,
         testEncoderLayersPostNormReluAndPreNormGelu, testTinyGPT, testSentimentNet, testSmallCNN]
    }

    /// The derivative index (Sources/Tensors/Derivatives.swift) says pytorchLayers for exactly
    /// the ops these references record on the tape.
    func testDerivativeIndexNamesTheOpsTheseReferencesCheck() throws {
        let recorded = try Tape.recordedNames { for test in referenceTests { try test() } }
        for entry in Derivatives.entries {
            XCTAssertEqual(entry.checks.contains(.pytorchLayers), recorded.contains(entry.op),
                           "'\(entry.op)': the index says pytorchLayers \(entry.checks.contains(.pytorchLayers)), but "
                           + "the layer references \(recorded.contains(entry.op) ? "" : "do not ")record it")
        }
        for name in recorded.sorted() where Derivatives.entry(name) == nil {
            XCTFail("the layer references record '\(name)', which has no entry in the derivative index")
        }
    }

    func testStateDictErrorsNameTheProblem() throws {
        let m = try Linear(3, 2)
        XCTAssertThrowsError(try m.loadStateDict(["weight": try Tensor.zeros([2, 4]), "bias": try Tensor.zeros([2]), "extra": try Tensor.zeros([1])])) { e in
            XCTAssertTrue("\(e)".contains("weight: expected shape [2, 3], found [2, 4]"), "\(e)")
            XCTAssertTrue("\(e)".contains("unexpected extra"), "\(e)")
        }
        XCTAssertThrowsError(try m.loadStateDict([:])) { XCTAssertTrue("\($0)".contains("missing weight")) }
    }
}
