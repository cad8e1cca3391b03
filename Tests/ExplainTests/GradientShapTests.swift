import Foundation
import XCTest
import Layers
import Tensors
import Training
@testable import Explain
import TestSupport

/// GradientSHAP (expected gradients) by its definition: exact on a linear model against one
/// background row, the same bits for the same seed, and convergence to the mean over the
/// background of Integrated Gradients as samples grow.
final class GradientShapTests: XCTestCase {
    func request(_ background: Tensor?, samples: Int? = nil, stdev: Double? = nil, seed: UInt64 = 0) -> ExplainRequest {
        var r = ExplainRequest(method: "gradient_shap")
        r.background = background
        r.samples = samples
        r.stdev = stdev
        r.seed = seed
        return r
    }

    func explain(_ model: Model, _ x: Tensor, _ r: ExplainRequest) throws -> Explanation {
        try Explainer.explain(Explainer.subject(model, .row(x), r), r)
    }

    func testOnALinearModelWithOneBackgroundRowItIsTheWeightsTimesTheDifference() throws {
        var rng = RandomGenerator(seed: 2)
        let net = try Linear(6, 3)
        let x = try Tensor.randn([6], using: &rng), b = try Tensor.randn([1, 6], using: &rng)
        let w = try net.weight.value.select(dim: 0, index: 2).floatValues
        let want = (0..<6).map { Double(w[$0] * (x.floatValues[$0] - b.floatValues[$0])) }
        for seed in [0, 9] as [UInt64] {
            var r = request(b, samples: 7, seed: seed)
            r.target = 2
            let e = try explain(Model(net), x, r)
            assertClose(e.scores, want, 1e-5, "w·(x − b), seed \(seed)")
            XCTAssertEqual(e.check("convergence delta") ?? .nan, 0, accuracy: 1e-4)
        }
    }

    func testTheSameSeedGivesTheSameBits() throws {
        let (model, x) = try DeepLiftTests.tanhMLP()
        let bg = try x.slice(dim: 1, start: 0, end: 30).slice(dim: 0, start: 1, end: 4)
        let a = try explain(model, x.select(dim: 0, index: 0), request(bg, samples: 6, stdev: 0.2, seed: 4))
        let b = try explain(model, x.select(dim: 0, index: 0), request(bg, samples: 6, stdev: 0.2, seed: 4))
        let c = try explain(model, x.select(dim: 0, index: 0), request(bg, samples: 6, stdev: 0.2, seed: 5))
        XCTAssertEqual(a.scores, b.scores)
        XCTAssertNotEqual(a.scores, c.scores)
        // Samples go through the model in groups; the grouping does not change a bit.
        let s = try Explainer.subject(model, .row(x.select(dim: 0, index: 0)), request(bg))
        s.chunk = 4
        XCTAssertEqual(try GradientShap.explain(s, samples: 6, stdev: 0.2, seed: 4).scores, a.scores)
        XCTAssertEqual(a.settings.first { $0.0 == "stdev" }?.1, "0.2")
    }

    /// With no noise, E[(x − b) ∘ ∇f(b + α(x − b))] over b and α is the mean over the background
    /// of Integrated Gradients from each b: the error against it falls as samples grow.
    func testItConvergesToTheMeanOfIntegratedGradientsOverTheBackground() throws {
        let (model, x) = try DeepLiftTests.tanhMLP()
        let input = try x.select(dim: 0, index: 0), bg = try x.slice(dim: 0, start: 1, end: 4)
        let s = try Explainer.subject(model, .row(input), request(bg))
        var closed = [Double](repeating: 0, count: 30)
        for k in 0..<3 {
            let one = try Explainee(model: model, kind: .tabular, input: input, baseline: bg.select(dim: 0, index: k),
                                    target: s.target, output: .logit)
            for (i, v) in try GradientMethods.integratedGradients(one, steps: 64).scores.enumerated() { closed[i] += v / 3 }
        }
        func error(_ samples: Int) throws -> (Double, Double) {
            let e = try Explainer.explain(s, request(bg, samples: samples, seed: 1))
            let err = zip(e.scores, closed).map { abs($0 - $1) }.max() ?? .nan
            return (err, abs(e.check("convergence delta") ?? .nan))
        }
        let few = try error(16), many = try error(4096)
        XCTAssertLessThan(many.0, few.0 / 4, "attribution error falls with samples: \(few.0) → \(many.0)")
        XCTAssertLessThan(many.1, few.1, "the convergence delta shrinks: \(few.1) → \(many.1)")
    }

    func testDefaultsFollowTheMethod() throws {
        let (model, x) = try DeepLiftTests.tanhMLP()
        let input = try x.select(dim: 0, index: 1)
        let shap = try explain(model, input, request(nil))
        XCTAssertEqual(shap.settings.map(\.0), ["samples", "stdev", "seed", "background"])
        XCTAssertEqual(shap.settings.map(\.1), ["5", "0", "0", "baseline"])
        var smooth = ExplainRequest(method: "smoothgrad")
        smooth.stdev = nil
        XCTAssertEqual(try explain(model, input, smooth).settings.first { $0.0 == "stdev" }?.1, "1")
        XCTAssertEqual(try ExplainRequest.canonical("expected_gradients"), "gradient_shap")
        XCTAssertEqual(try ExplainRequest.canonical("GradientShap"), "gradient_shap")
    }

    func testImagesTakeBackgroundImagesAndTextTheBaseline() throws {
        let (model, images, targets) = try DeepLiftTests.cnn()
        var r = request(try images.slice(dim: 0, start: 1, end: 4), samples: 8, stdev: 0.1)
        r.target = targets[0]
        let s = try Explainer.subject(model, .image(images.select(dim: 0, index: 0)), r)
        let e = try Explainer.explain(s, r)
        XCTAssertEqual(e.raw?.shape, [1, 8, 8])
        XCTAssertEqual(e.scores.count, 64)
        let net = try SentimentNet(vocab: 20, embed: 4, hidden: 4)
        let t = try Explainee.text(model: Model(net), ids: [3, 4, 5], words: ["a", "b", "c"], target: 1, output: .logit)
        let te = try GradientShap.explain(t, samples: 4)
        XCTAssertEqual(te.scores.count, 3)
        XCTAssertEqual(te.settings.last?.1, "baseline")
    }

    func testBadSettingsAreClearErrors() throws {
        let (model, x) = try DeepLiftTests.tanhMLP()
        let s = try Explainer.subject(model, .row(x.select(dim: 0, index: 0)), request(nil))
        assertThrows("at least 1 sample, found 0") { try GradientShap.explain(s, samples: 0) }
        assertThrows("finite number ≥ 0, found -1") { try GradientShap.explain(s, stdev: -1) }
        assertThrows("finite number ≥ 0, found nan") { try GradientShap.explain(s, stdev: .nan) }
        assertThrows("stdev must be at most 1e12, found 1e+308") { try GradientShap.explain(s, stdev: 1e308) }
        assertThrows("background rows must be [rows, 30]") {
            try Explainer.subject(model, .row(x.select(dim: 0, index: 0)), self.request(Tensor.zeros([2, 3])))
        }
    }
}
