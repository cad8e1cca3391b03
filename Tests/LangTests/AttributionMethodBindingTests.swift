import Foundation
import XCTest
import Tensors
import TestSupport
@testable import Lang

/// DeepLIFT, DeepLiftShap, GradientSHAP, guided backpropagation and deconvolution through
/// explain() as a person calls them: on a row, on an image of a CNN written in the language
/// (DeepLIFT as Captum computes it), and clear errors where a method does not apply.
final class AttributionMethodBindingTests: XCTestCase {
    let dir = referenceDir.path

    let rows = """
    net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
    x = tensor([1.0, -0.5, 2.0])
    """

    func testDeepLiftOnARowIsCompleteAndGradientShapRepeatsWithItsSeed() throws {
        let out = try runProgram(rows + """

        e = explain(net, x, method: "deeplift", target: 1)
        print(e.method, len(e.units), abs(e.checks["convergence delta"]) < 0.0001)
        print(abs(e.scores.sum().item() - (e.prediction - e.base_value)) < 0.0001)
        bg = randn(5, 3)
        a = explain(net, x, method: "gradient_shap", background: bg, samples: 8, stdev: 0.1, seed: 3)
        b = explain(net, x, method: "expected_gradients", background: bg, samples: 8, stdev: 0.1, seed: 3)
        print(a.method, (a.scores == b.scores).all())
        s = explain(net, x, method: "deepliftshap", background: bg, target: 0)
        print(s.method, abs(s.checks["convergence delta"]) < 0.0001)
        """)
        XCTAssertEqual(out, ["deeplift 3 true", "true", "gradient_shap true", "deeplift_shap true"])
    }

    /// SmallCNN written in the language with the reference's weights: DeepLIFT, guided
    /// backpropagation and deconvolution of its images agree with Captum's.
    func testTheCNNMethodsOnImagesOfAUserCNNMatchCaptum() throws {
        let interp = Interpreter()
        _ = try runProgram("""
        model SmallCNN() {
            self.conv = Conv2d(1, 4, 3, padding: 1)
            self.fc = Linear(64, 10)
            fn forward(x) { self.fc(max_pool2d(relu(self.conv(x)), 2).flatten(1)) }
        }
        cnn = SmallCNN()
        cnn.load("\(dir)/explain_layers/cnn.safetensors")
        io = load("\(dir)/explain_layers/io.safetensors")
        lifts = []
        guided = []
        deconv = []
        for i in range(4) {
            x = io["input.images"][i]
            t = io["input.targets"][i].item()
            lifts.append(explain(cnn, x, method: "deeplift", target: t).raw.reshape(1, 1, 8, 8))
            guided.append(explain(cnn, x, method: "guided_backprop", target: t).raw.reshape(1, 1, 8, 8))
            deconv.append(explain(cnn, x, method: "deconvolution", target: t).raw.reshape(1, 1, 8, 8))
        }
        lift = cat(lifts, dim: 0)
        guide = cat(guided, dim: 0)
        dec = cat(deconv, dim: 0)
        """, interp)
        let io = try SafeTensors.read(contentsOf: URL(fileURLWithPath: dir + "/explain_deeplift/io.safetensors"))
        for (name, key) in [("lift", "cnn_deeplift"), ("guide", "cnn_guided_backprop"), ("dec", "cnn_deconvolution")] {
            guard case .tensor(let t)? = interp.global(name) else { return XCTFail("no \(name)") }
            assertClose(t, try XCTUnwrap(io["expected." + key]), tol: 1e-4, key)
        }
    }

    /// With a reference that is not zero, Captum 0.9's DeepLIFT of a ReLU followed by max pooling
    /// is not complete (the pooling passes its plain gradient); chained: true gives both their rule,
    /// and the attributions then add up to f(x) − f(reference).
    func testChainedDeepLiftIsCompleteForAnyReference() throws {
        let out = try runProgram("""
        seed(0)
        cnn = Sequential(Conv2d(1, 4, 3, padding: 1), ReLU(), MaxPool2d(2), Flatten(), Linear(64, 10))
        x = rand(1, 8, 8)
        ref = rand(1, 8, 8)
        plain = explain(cnn, x, method: "deeplift", baseline: ref, target: 3)
        chained = explain(cnn, x, method: "deeplift", baseline: ref, target: 3, chained: true)
        print(abs(chained.delta) < 0.0001, abs(plain.delta) > abs(chained.delta))
        print(chained.settings["adjacent rules"])
        """)
        XCTAssertEqual(out, ["true true", "chained"])
    }

    func testMethodsThatDoNotFitTheInputAreClearErrors() {
        let text = "seed(0)\nnet = SentimentNet(vocab: dataset(\"sentiment\").vocab(), embed: 4, hidden: 4)\n"
        let cases: [(String, String)] = [
            (text + "explain(net, \"the screen is great\", method: \"guided_backprop\")",
             "guided_backprop explains feature rows and images, not text"),
            (text + "explain(net, \"the screen is great\", method: \"deconv\")",
             "deconvolution explains feature rows and images, not text"),
            (text + "explain(net, \"the screen is great\", method: \"deeplift_shap\")",
             "deeplift_shap explains feature rows and images, not text"),
            (text + "explain(net, \"the screen is great\", method: \"gradient_shap\", background: zeros(2, 4))",
             "background: is for feature rows and images"),
            (rows + "\nexplain(net, x, method: \"gradient_shap\", background: zeros(4, 2))",
             "background rows must be [rows, 3]"),
            (rows + "\nexplain(net, x, method: \"gradient_shap\", stdev: -0.5)", "found -0.5"),
            ("cnn = Sequential(Conv2d(1, 2, 3), ReLU(), Flatten(), Linear(72, 2))\n"
             + "explain(cnn, zeros(1, 8, 8), method: \"deeplift_shap\", background: zeros(3, 1, 4, 4))",
             "background images must be [images, 1, 8, 8]"),
        ]
        for (code, expected) in cases {
            let message = runError(code)
            XCTAssertTrue(message.contains(expected), "\(code)\n→ \(message)")
        }
    }

    func testDeepLiftExplainsTextAtTheEmbeddings() throws {
        let out = try runProgram("""
        seed(0)
        net = SentimentNet(vocab: dataset("sentiment").vocab(), embed: 4, hidden: 4)
        e = explain(net, "the screen is great", method: "deeplift")
        g = explain(net, "the screen is great", method: "gradient_shap", samples: 4)
        print(e.method, len(e.units), g.method, len(g.units))
        """)
        XCTAssertEqual(out, ["deeplift 4 gradient_shap 4"])
    }
}
