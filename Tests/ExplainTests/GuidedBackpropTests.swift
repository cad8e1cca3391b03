import Foundation
import XCTest
import Layers
import Tensors
import Training
@testable import Explain
import TestSupport

/// Guided backpropagation and deconvolution: Captum 0.9's numbers on explain_layers' SmallCNN,
/// their ReLU rules in closed form on one hidden layer, and where they do not apply.
final class GuidedBackpropTests: XCTestCase {
    func testGuidedBackpropAndDeconvolutionMatchCaptumOnTheCNN() throws {
        let (io, tol) = try DeepLiftTests.deepLiftCase()
        let (model, images, targets) = try DeepLiftTests.cnn()
        let guided = try XCTUnwrap(io["expected.cnn_guided_backprop"])
        let deconv = try XCTUnwrap(io["expected.cnn_deconvolution"])
        for r in targets.indices {
            let s = try Explainee(model: model, kind: .image, input: images.select(dim: 0, index: r), baseline: nil,
                                  target: targets[r], output: .logit)
            let g = try DeepLiftTests.explain(s, "guided_backpropagation"), d = try DeepLiftTests.explain(s, "deconv")
            XCTAssertEqual([g.method, d.method], ["guided_backprop", "deconvolution"])
            assertClose(try XCTUnwrap(g.raw), try guided.select(dim: 0, index: r), tol: tol, "guided image \(r)")
            assertClose(try XCTUnwrap(d.raw), try deconv.select(dim: 0, index: r), tol: tol, "deconvolution image \(r)")
        }
    }

    /// f = v·relu(Wx + c) + d. The gradient reaching hidden unit h is v_h; guided backpropagation
    /// passes max(v_h · 1[z_h > 0], 0), deconvolution max(v_h, 0); both then go back through W.
    func testTheReLURulesInClosedFormOnOneHiddenLayer() throws {
        var rng = RandomGenerator(seed: 5)
        let net = try mlp([4, 9, 1], "relu")
        let x = try Tensor.randn([4], using: &rng)
        let s = try Explainee(model: Model(net), kind: .tabular, input: x, baseline: nil, target: 1, output: .logit)
        let W = try XCTUnwrap(net.layers[0] as? Linear), V = try XCTUnwrap(net.layers[2] as? Linear)
        let z = try Tensor.withoutGrad { try W(x.unsqueeze(0)).floatValues }
        let w = W.weight.value.floatValues, v = V.weight.value.floatValues
        func through(_ passed: (Int) -> Float) -> [Double] {
            (0..<4).map { i in (0..<9).reduce(0.0) { $0 + Double(passed($1) * w[$1 * 4 + i]) } }
        }
        assertClose(try GuidedBackprop.guided(s).scores, through { max(z[$0] > 0 ? v[$0] : 0, 0) }, 1e-6, "guided")
        assertClose(try GuidedBackprop.deconvolution(s).scores, through { max(v[$0], 0) }, 1e-6, "deconvolution")
    }

    /// Captum changes ReLU only: a net of Tanh units gets its plain gradient.
    func testWithoutReLUBothAreThePlainGradient() throws {
        let (model, x) = try DeepLiftTests.tanhMLP()
        let s = try Explainee(model: model, kind: .tabular, input: x.select(dim: 0, index: 2), baseline: nil, target: 1,
                              output: .logit)
        let plain = try GradientMethods.saliency(s, absolute: false).scores
        XCTAssertEqual(try GuidedBackprop.guided(s).scores, plain)
        XCTAssertEqual(try GuidedBackprop.deconvolution(s).scores, plain)
    }

    func testTextIsAClearError() throws {
        let net = try SentimentNet(vocab: 20, embed: 4, hidden: 4)
        let s = try Explainee.text(model: Model(net), ids: [3, 4, 5], words: ["a", "b", "c"], target: 1,
                                   output: .logit)
        assertThrows("guided_backprop explains feature rows and images, not text") { try GuidedBackprop.guided(s) }
        assertThrows("deconvolution explains feature rows and images, not text") { try GuidedBackprop.deconvolution(s) }
    }
}
