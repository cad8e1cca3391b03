import Foundation
import XCTest
import Layers
import Tensors
import Training
@testable import Explain
import TestSupport

/// DeepLIFT (rescale rule) and DeepLiftShap: Captum 0.9's numbers on explain_mlp's MLP (with
/// Tanh) and explain_layers' SmallCNN (ReLU, max pooling), completeness, the rule's closed form
/// on small nets, and ordinary gradients untouched outside the rule.
final class DeepLiftTests: XCTestCase {
    /// ../shared/reference/explain_deeplift: Captum's DeepLift, guided backprop and deconvolution.
    static func deepLiftCase() throws -> (io: [String: Tensor], tolerance: Float) {
        let dir = referenceDir.appendingPathComponent("explain_deeplift")
        let io = try SafeTensors.read(contentsOf: dir.appendingPathComponent("io.safetensors"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("case.json")))
        return (io, ((json as? [String: Any])?["tolerance"] as? Double).map(Float.init) ?? 1e-4)
    }

    /// explain_mlp's weights in Linear(30, 16) → Tanh → Linear(16, 2), and its rows.
    static func tanhMLP() throws -> (Model, Tensor) {
        let c = try ReferenceCase("explain_mlp")
        let net = try mlp([30, 16, 2], "tanh")
        try net.loadStateDict(c.model)
        net.eval()
        return (Model(net), try c.tensor("input.x"))
    }

    /// explain_layers' SmallCNN, its images and their targets.
    static func cnn() throws -> (Model, Tensor, [Int]) {
        let dir = referenceDir.appendingPathComponent("explain_layers")
        let net = try SmallCNN()
        try net.loadStateDict(SafeTensors.read(contentsOf: dir.appendingPathComponent("cnn.safetensors")))
        net.eval()
        let io = try SafeTensors.read(contentsOf: dir.appendingPathComponent("io.safetensors"))
        let images = try XCTUnwrap(io["input.images"]), targets = try XCTUnwrap(io["input.targets"])
        return (Model(net), images, targets.intValues.map { Int($0) })
    }

    static func explain(_ s: Explainee, _ method: String) throws -> Explanation {
        try Explainer.explain(s, ExplainRequest(method: method))
    }

    func testDeepLiftMatchesCaptumOnTheTanhMLPWithItsDeltas() throws {
        let (io, tol) = try Self.deepLiftCase()
        let (model, x) = try Self.tanhMLP()
        let expected = try XCTUnwrap(io["expected.mlp_deeplift"]), deltas = try XCTUnwrap(io["expected.mlp_deeplift_delta"])
        for r in 0..<x.shape[0] {
            let s = try Explainee(model: model, kind: .tabular, input: x.select(dim: 0, index: r), baseline: nil,
                                  target: 1, output: .logit)
            let e = try Self.explain(s, "deeplift")
            assertClose(try XCTUnwrap(e.raw), try expected.select(dim: 0, index: r), tol: tol, "MLP row \(r)")
            XCTAssertEqual(e.check("convergence delta") ?? .nan, Double(deltas.floatValues[r]), accuracy: Double(tol))
        }
    }

    func testDeepLiftMatchesCaptumOnTheCNNWithItsMaxPoolRule() throws {
        let (io, tol) = try Self.deepLiftCase()
        let (model, images, targets) = try Self.cnn()
        let expected = try XCTUnwrap(io["expected.cnn_deeplift"]), deltas = try XCTUnwrap(io["expected.cnn_deeplift_delta"])
        for r in targets.indices {
            let s = try Explainee(model: model, kind: .image, input: images.select(dim: 0, index: r), baseline: nil,
                                  target: targets[r], output: .logit)
            let e = try Self.explain(s, "deep_lift")
            XCTAssertEqual(e.method, "deeplift")
            assertClose(try XCTUnwrap(e.raw), try expected.select(dim: 0, index: r), tol: tol, "CNN image \(r)")
            XCTAssertEqual(e.check("convergence delta") ?? .nan, Double(deltas.floatValues[r]), accuracy: Double(tol))
            XCTAssertEqual(e.scores.reduce(0, +), e.prediction - s.baselineScore, accuracy: 1e-3, "completeness")
        }
    }

    /// One hidden ReLU layer, f = v·relu(Wx + c) + d: each hidden unit's multiplier is
    /// Δrelu/Δz between input and baseline, so attribution_i = Σ_h v_h (Δrelu_h/Δz_h) W_hi (x_i − b_i).
    func testDeepLiftOnOneReLULayerIsTheRescaleRuleInClosedForm() throws {
        let net = try mlp([5, 7, 1], "relu")
        let x = try Tensor.randn([5], using: &generator), b = try Tensor.randn([5], using: &generator)
        let s = try Explainee(model: Model(net), kind: .tabular, input: x, baseline: b, target: 1, output: .logit)
        let e = try DeepLift.explain(s)
        let W = try XCTUnwrap(net.layers[0] as? Linear), V = try XCTUnwrap(net.layers[2] as? Linear)
        let z = try Tensor.withoutGrad { (try W(x.unsqueeze(0)).floatValues, try W(b.unsqueeze(0)).floatValues) }
        let w = W.weight.value.floatValues  // [out, in]
        let v = V.weight.value.floatValues
        var want = [Double](repeating: 0, count: 5)
        for h in 0..<7 {
            let dz = Double(z.0[h] - z.1[h]), dr = Double(max(z.0[h], 0) - max(z.1[h], 0))
            let m: Double = abs(dz) < 1e-10 ? (z.0[h] > 0 ? 1 : 0) : dr / dz
            for i in 0..<5 { want[i] += Double(v[h]) * m * Double(w[h * 5 + i]) * Double(x.floatValues[i] - b.floatValues[i]) }
        }
        assertClose(e.scores, want, 1e-5, "rescale rule")
        XCTAssertEqual(e.check("convergence delta") ?? .nan, 0, accuracy: 1e-5)
    }

    /// Where a nonlinearity's input is the same for x and the baseline, Captum passes the
    /// ordinary gradient there rather than 0/0.
    func testDeepLiftFallsBackToTheGradientWhereInputAndReferenceAgree() throws {
        let first = try Linear(2, 1), last = try Linear(1, 1)
        try first.loadStateDict(["weight": Tensor(shape: [1, 2], floats: [1, -1]), "bias": Tensor([0.5])])
        try last.loadStateDict(["weight": Tensor(shape: [1, 1], floats: [2]), "bias": Tensor([0])])
        let net = Sequential([first, try Activation("relu"), last])
        let s = try Explainee(model: Model(net), kind: .tabular, input: Tensor([1, 1]), baseline: nil, target: 1,
                              output: .logit)
        // z = x₀ − x₁ + 0.5 is 0.5 at both points: the ReLU's gradient 1 stands in for Δy/Δz.
        assertClose(try DeepLift.explain(s).scores, [2, -2], 1e-6, "fallback to the gradient")
    }

    /// Captum passes the ordinary gradient through modules it has no rule for (GELU here): with
    /// a zero baseline DeepLIFT is then input × gradient.
    func testOpsWithoutARulePassTheirGradient() throws {
        let net = try mlp([4, 6, 2], "gelu")
        let x = try Tensor.randn([4], using: &generator)
        let s = try Explainee(model: Model(net), kind: .tabular, input: x, baseline: nil, target: 0, output: .logit)
        assertClose(try DeepLift.explain(s).scores, try GradientMethods.inputXGradient(s).scores, 1e-6, "GELU")
    }

    func testDeepLiftShapAveragesDeepLiftOverTheBackgroundRows() throws {
        let (model, x) = try Self.tanhMLP()
        let background = try x.slice(dim: 0, start: 1, end: 4)
        var r = ExplainRequest(method: "deepliftshap")
        r.background = background
        let s = try Explainer.subject(model, .row(x.select(dim: 0, index: 0)), r)
        let e = try Explainer.explain(s, r)
        var mean = [Double](repeating: 0, count: 30)
        for k in 0..<3 {
            let one = try Explainee(model: model, kind: .tabular, input: s.input, baseline: background.select(dim: 0, index: k),
                                    target: s.target, output: .logit)
            for (i, v) in try DeepLift.explain(one).scores.enumerated() { mean[i] += v / 3 }
        }
        XCTAssertEqual(e.method, "deeplift_shap")
        assertClose(e.scores, mean, 1e-5, "mean of DeepLIFT over the background")
        s.chunk = 2  // one reference per model call
        assertClose(try DeepLift.shap(s).scores, e.scores, 1e-6, "references in groups")
        XCTAssertEqual(e.check("convergence delta") ?? .nan, 0, accuracy: 1e-4)
    }

    func testDeepLiftShapTakesBackgroundImages() throws {
        let (model, images, targets) = try Self.cnn()
        var r = ExplainRequest(method: "deeplift_shap")
        r.target = targets[0]
        r.background = try images.slice(dim: 0, start: 1, end: 4)
        let s = try Explainer.subject(model, .image(images.select(dim: 0, index: 0)), r)
        let e = try Explainer.explain(s, r)
        var mean = [Float](repeating: 0, count: 64)
        for k in 1..<4 {
            let one = try Explainee(model: model, kind: .image, input: s.input, baseline: images.select(dim: 0, index: k),
                                    target: targets[0], output: .logit)
            for (i, v) in try XCTUnwrap(DeepLift.explain(one).raw).floatValues.enumerated() { mean[i] += v / 3 }
        }
        assertClose(try XCTUnwrap(e.raw), try Tensor(shape: [1, 8, 8], floats: mean), tol: 1e-5, "image background")
        r.background = try Tensor.zeros([2, 1, 4, 4])
        assertThrows("background images must be [images, 1, 8, 8]") { try Explainer.subject(model, .image(s.input), r) }
    }

    /// With every nonlinearity given its rule, DeepLIFT is complete for any reference, also where
    /// ReLU feeds max pooling (Captum 0.9's order is complete there only for a uniform reference).
    func testChainedRulesAreCompleteForAnyReference() throws {
        let (model, images, targets) = try Self.cnn()
        for r in 0..<3 {
            let s = try Explainee(model: model, kind: .image, input: images.select(dim: 0, index: r),
                                  baseline: images.select(dim: 0, index: r + 1), target: targets[r], output: .logit)
            let chained = try DeepLift.explain(s, chained: true)
            XCTAssertEqual(chained.check("convergence delta") ?? .nan, 0, accuracy: 1e-4, "image \(r)")
            XCTAssertEqual(chained.settings.last?.1, "chained")
        }
    }

    func testTheRuleNeedsInputsAndReferencesAsOneBatch() throws {
        let x = try Tensor.ones([3, 2]).requiringGrad()
        assertThrows("[x; x0] of two equal halves") {
            try BackwardRule.using(.deepLift(eps: 1e-10, chained: true)) { try x.tanh().sum().backward() }
        }
        XCTAssertNil(BackwardRule.active, "the rule ends with its scope, also after an error")
    }

    /// Ordinary gradients are the chain rule's, bit for bit the same before, after and outside a rule.
    func testTrainingGradientsAreUnchangedOutsideTheRule() throws {
        let (model, images, targets) = try Self.cnn()
        let net = try XCTUnwrap(model.module as? Layer)
        func parameterGrads() throws -> [[Float]] {
            for p in net.parameters { p.value.zeroGrad() }
            let loss = try Tensor.crossEntropy(net(images), Tensor(shape: [4], ints: targets.map { Int64($0) }))
            try loss.backward()
            return net.parameters.map { $0.value.grad?.floatValues ?? [] }
        }
        let before = try parameterGrads()
        let s = try Explainee(model: model, kind: .image, input: images.select(dim: 0, index: 0), baseline: nil,
                              target: targets[0], output: .logit)
        _ = try DeepLift.explain(s)
        _ = try GuidedBackprop.guided(s)
        XCTAssertEqual(try parameterGrads(), before)
        // ReLU, Tanh, Sigmoid and max pooling still pass g · f′.
        let z = try Tensor(shape: [1, 1, 2, 2], floats: [-1, 0.5, 2, -3]).requiringGrad()
        try (z.relu().sum() + z.tanh().sum() + z.sigmoid().sum() + z.maxPool2d(kernel: 2).sum()).backward()
        let want = z.floatValues.map { v -> Float in
            let t = FastMath.tanh(v), sg = FastMath.sigmoid(v)
            return (v > 0 ? 1 : 0) + (1 - t * t) + sg * (1 - sg) + (v == 2 ? 1 : 0)
        }
        XCTAssertEqual(try XCTUnwrap(z.grad).floatValues, want)
    }

    var generator = RandomGenerator(seed: 11)
}
