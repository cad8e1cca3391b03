import Foundation
import XCTest
import Layers
import Tensors
import Training
@testable import Explain
import TestSupport

/// Layer attributions against Captum 0.9 (../shared/reference/explain_layers): Grad-CAM and
/// gradient × activation at a CNN's conv, Integrated Gradients at an MLP's hidden layer and at
/// the input of SentimentNet's fc.
final class LayerAttributionTests: XCTestCase {
    /// explain_layers' inputs and expected numbers, and its tolerance.
    struct Layers {
        let io: [String: Tensor]
        let tolerance: Float
        func tensor(_ key: String) throws -> Tensor { try XCTUnwrap(io[key], "reference has no \(key)") }
        func row(_ key: String, _ r: Int) throws -> Tensor { try tensor(key).select(dim: 0, index: r) }
    }

    func layersCase() throws -> Layers {
        let dir = referenceDir.appendingPathComponent("explain_layers")
        let io = try SafeTensors.read(contentsOf: dir.appendingPathComponent("io.safetensors"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("case.json")))
        let tol = ((json as? [String: Any])?["tolerance"] as? Double).map(Float.init) ?? 1e-4
        return Layers(io: io, tolerance: tol)
    }

    /// The reference SmallCNN (trained on digits by the generator).
    func cnn() throws -> Model {
        let net = try SmallCNN()
        let file = referenceDir.appendingPathComponent("explain_layers/cnn.safetensors")
        try net.loadStateDict(SafeTensors.read(contentsOf: file))
        net.eval()
        return Model(net)
    }

    /// Image r of the reference, explained for the reference's target (the predicted class).
    func imageSubject(_ c: Layers, _ model: Model, _ r: Int) throws -> Explainee {
        let target = Int(try c.tensor("input.targets").intValues[r])
        return try Explainee(model: model, kind: .image, input: c.row("input.images", r), baseline: nil,
                             target: target, output: .logit)
    }

    func explain(_ s: Explainee, _ method: String, layer: String, input: Bool = false,
                 relu: Bool = false) throws -> Explanation {
        var r = ExplainRequest(method: method)
        r.layer = layer
        r.layerInput = input
        r.relu = relu
        return try Explainer.explain(s, r)
    }

    func testGradCamMatchesCaptumWithAndWithoutReLU() throws {
        let c = try layersCase(), model = try cnn()
        var worst: [Bool: Float] = [:]
        for r in 0..<4 {
            let s = try imageSubject(c, model, r)
            let logits = try c.row("expected.logits", r).floatValues
            XCTAssertEqual(s.target, logits.indices.max { logits[$0] < logits[$1] })
            for relu in [false, true] {
                let e = try explain(s, "grad_cam", layer: "conv", relu: relu)
                let want = try c.row(relu ? "expected.gradcam_relu" : "expected.gradcam", r)
                let got = try XCTUnwrap(e.layer).attribution
                assertClose(got, want, tol: c.tolerance, "Grad-CAM image \(r) relu \(relu)")
                worst[relu] = max(worst[relu] ?? 0, maxAbsDiff(got, want))
                // The 8 × 8 map already has the image's size: upsampled, it is the same map.
                assertClose(try XCTUnwrap(e.raw), want, tol: c.tolerance, "Grad-CAM over the image \(r)")
                XCTAssertEqual(e.units, s.unitNames)
                XCTAssertEqual(e.pixelMap?.map.count, 64)
            }
        }
        print("Grad-CAM max |Δ| vs Captum: relu off \(worst[false] ?? .nan), relu on \(worst[true] ?? .nan)")
    }

    func testGradientXActivationMatchesCaptumOnTheWholeBatch() throws {
        let c = try layersCase(), model = try cnn()
        let images = try c.tensor("input.images"), targets = try c.tensor("input.targets").intValues.map(Int.init)
        let site = try LayerSite(model.module, "conv")
        let got = try LayerAttribution.gradientXActivation(site, model: model.module, score: { batch in
            try Self.pick(XCTUnwrap(model.module as? Layer)(batch), targets)
        }, input: images)
        let want = try c.tensor("expected.grad_x_activation")
        assertClose(got, want, tol: c.tolerance, "gradient × activation")
        print("gradient × activation max |Δ| vs Captum: \(maxAbsDiff(got, want))")
        // One image at a time through explain(): the same numbers, scored per pixel.
        let e = try explain(try imageSubject(c, model, 2), "gradient_x_activation", layer: "conv")
        assertClose(try XCTUnwrap(e.layer).attribution, try c.row("expected.grad_x_activation", 2),
                    tol: c.tolerance, "gradient × activation of image 2")
        XCTAssertEqual(e.kind, .image)
    }

    /// Logit targets[r] of each row r of [N, C] logits.
    static func pick(_ logits: Tensor, _ targets: [Int]) throws -> Tensor {
        let C = logits.shape[1]
        let index = (0..<logits.shape[0]).map { Int64($0 * C + targets[$0 % targets.count]) }
        let flat = try logits.reshape([logits.count])
        return try flat.indexSelect(dim: 0, index: Tensor(shape: [index.count], ints: index))
    }

    func testLayerIntegratedGradientsAtTheMLPsHiddenLayerMatchCaptum() throws {
        let c = try layersCase()
        // The generator puts Tanh between explain_mlp's two Linear layers.
        let net = try mlp([30, 16, 2], "tanh")
        try net.loadStateDict(ReferenceCase("explain_mlp").model)
        net.eval()
        let model = Model(net), rows = try ReferenceCase("explain_mlp").tensor("input.x")
        var worst: (Float, Double) = (0, 0)
        for r in 0..<rows.shape[0] {
            let s = try Explainee(model: model, kind: .tabular, input: rows.select(dim: 0, index: r), baseline: nil,
                                  target: 1, output: .logit)
            let e = try explain(s, "integrated_gradients", layer: "0")
            let got = try XCTUnwrap(e.layer).attribution, want = try c.row("expected.mlp_hidden_ig", r)
            assertClose(got, want, tol: c.tolerance, "layer IG at mlp[0], row \(r)")
            let delta = try XCTUnwrap(e.check("convergence delta"))
            let wantDelta = Double(try c.tensor("expected.mlp_hidden_ig_delta").floatValues[r])
            XCTAssertEqual(delta, wantDelta, accuracy: Double(c.tolerance), "delta row \(r)")
            worst = (max(worst.0, maxAbsDiff(got, want)), max(worst.1, abs(delta - wantDelta)))
            XCTAssertEqual(e.units, (0..<16).map { "h\($0)" })
            XCTAssertEqual(e.kind, .tabular)
        }
        print("layer IG at mlp[0] max |Δ| vs Captum: attributions \(worst.0), delta \(worst.1)")
    }

    /// explain_text's SentimentNet, as ReferenceExplainTests builds it.
    func sentimentNet() throws -> Model {
        let c = try ReferenceCase("explain_text")
        let net = try SentimentNet(vocab: c.model["embedding.weight"]?.shape[0] ?? 0, embed: 32, hidden: 32)
        try net.loadStateDict(c.model)
        net.eval()
        return Model(net)
    }

    func testLayerIntegratedGradientsAtTheInputOfSentimentNetsFcMatchCaptum() throws {
        let c = try layersCase(), model = try sentimentNet()
        let ids = try c.tensor("input.text_ids"), L = ids.shape[1]
        let lengths = try c.tensor("input.text_lengths").intValues.map(Int.init)
        var worst: (Float, Double) = (0, 0)
        for (r, n) in lengths.enumerated() {
            let row = ids.intValues[(r * L)..<(r * L + n)].map(Int.init)
            // Captum's target 0 of the [B, 1] output is the logit itself: class 1 here.
            let s = try Explainee.text(model: model, ids: row, words: row.map(String.init), target: 1, output: .logit)
            let e = try explain(s, "integrated_gradients", layer: "fc", input: true)
            let got = try XCTUnwrap(e.layer).attribution, want = try c.row("expected.text_fc_input_ig", r)
            assertClose(got, want, tol: c.tolerance, "layer IG at fc's input, text \(r)")
            let delta = try XCTUnwrap(e.check("convergence delta"))
            let wantDelta = Double(try c.tensor("expected.text_fc_input_ig_delta").floatValues[r])
            XCTAssertEqual(delta, wantDelta, accuracy: Double(c.tolerance), "delta text \(r)")
            worst = (max(worst.0, maxAbsDiff(got, want)), max(worst.1, abs(delta - wantDelta)))
            XCTAssertEqual(e.settings.first?.1, "fc (input)")
        }
        print("layer IG at SentimentNet.fc input max |Δ| vs Captum: attributions \(worst.0), delta \(worst.1)")
    }

    func testTheEmbeddingOfATextModelIsItsInputSpace() throws {
        let model = try sentimentNet()
        let s = try Explainee.text(model: model, ids: [5, 9, 2, 7], words: ["a", "b", "c", "d"], target: 1,
                                   output: .logit)
        let plain = try GradientMethods.integratedGradients(s)
        let atEmbedding = try LayerAttribution.integratedGradients(s, layer: "embedding")
        assertClose(atEmbedding.scores, plain.scores, 1e-6, "IG at the embedding = IG")
        XCTAssertEqual(atEmbedding.units, ["a", "b", "c", "d"])
        // The LSTM's outputs [tokens, hidden] are read per token.
        let rnn = try LayerAttribution.integratedGradients(s, layer: "rnn")
        XCTAssertEqual(rnn.units, s.unitNames)
        XCTAssertEqual(rnn.layer?.attribution.shape, [4, 32])
        XCTAssertEqual(rnn.check("convergence delta") ?? 1, 0, accuracy: 1e-3)
        assertThrows("token ids") { try LayerAttribution.integratedGradients(s, layer: "embedding", input: true) }
    }

    func testGradCamUpsamplesASmallerMapToTheImage() throws {
        let up = try Upsampling.nearest.resize(Tensor(shape: [1, 1, 2, 2], floats: [1, 2, 3, 4]), rows: 4, cols: 4)
        XCTAssertEqual(up.floats, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let odd = try Upsampling.nearest.resize(Tensor(shape: [1, 1, 1, 3], floats: [1, 2, 3]), rows: 1, cols: 5)
        XCTAssertEqual(odd.floats, [1, 1, 2, 2, 3])   // torch: floor(j · 3/5)
        let bi = try Upsampling.bilinear.resize(Tensor(shape: [1, 1, 1, 2], floats: [0, 4]), rows: 1, cols: 4)
        XCTAssertEqual(bi.floats, [0, 1, 3, 4])       // torch, align_corners=False
    }

    func testLayerErrorsNameTheLayers() throws {
        let c = try layersCase(), model = try cnn()
        let s = try imageSubject(c, model, 0)
        assertThrows("its layers: conv (Conv2d), fc (Linear)") { try self.explain(s, "grad_cam", layer: "conv2") }
        assertThrows("give layer: one of \"conv\", \"fc\"") {
            try Explainer.explain(s, ExplainRequest(method: "grad_cam"))
        }
        assertThrows("does not attribute to a layer") { try self.explain(s, "occlusion", layer: "conv") }
        // A layer the model calls with forward() directly cannot be reached by hooks.
        let direct = Model(Direct(try Linear(2, 2)))
        let t = try Explainee(model: direct, kind: .tabular, input: Tensor([1, 2]), baseline: nil, target: 0,
                              output: .logit)
        assertThrows("was not reached") { try self.explain(t, "integrated_gradients", layer: "inner") }
        // Layers of the input's own units keep the input's units: deletion curves still apply.
        let cam = try explain(s, "grad_cam", layer: "conv")
        XCTAssertNoThrow(try ExplanationMetrics.curve(cam, insertion: false, steps: 4))
        let hidden = try explain(s, "gradient_x_activation", layer: "fc", input: true)
        XCTAssertEqual(hidden.units.count, 64)
        assertThrows("layer \"fc\"") { try ExplanationMetrics.curve(hidden, insertion: false) }
    }
}

/// A layer that calls its child with forward() directly, past the child's hooks.
final class Direct: Layer {
    let inner: Linear
    init(_ inner: Linear) {
        self.inner = inner
        super.init()
        register("inner", inner)
    }
    override func forward(_ x: Tensor) throws -> Tensor { try inner.forward(x) }
}
