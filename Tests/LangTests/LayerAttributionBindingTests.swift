import Foundation
import XCTest
import Tensors
import TestSupport
@testable import Lang

/// explain(..., layer:) at a named sub-layer of a model written in the language agrees with
/// Captum's layer methods on ../shared/reference/explain_layers.
final class LayerAttributionBindingTests: XCTestCase {
    let dir = referenceDir.appendingPathComponent("explain_layers").path

    func run(_ source: String) throws -> Interpreter {
        let interp = Interpreter()
        interp.output = { _, _ in }
        try interp.run(source)
        return interp
    }

    func tensor(_ interp: Interpreter, _ name: String) throws -> Tensor {
        guard case .tensor(let t)? = interp.global(name) else { throw RuntimeError("no tensor \(name)") }
        return t
    }

    /// SmallCNN written in the language, with the reference's trained weights: Grad-CAM with and
    /// without ReLU, and gradient × activation, at its conv layer, for the four reference images.
    func testGradCamAndGradientTimesActivationAtTheConvOfAUserCNNMatchCaptum() throws {
        let interp = try run("""
        model SmallCNN() {
            self.conv = Conv2d(1, 4, 3, padding: 1)
            self.fc = Linear(64, 10)
            fn forward(x) { self.fc(max_pool2d(relu(self.conv(x)), 2).flatten(1)) }
        }
        cnn = SmallCNN()
        cnn.load("\(dir)/cnn.safetensors")
        io = load("\(dir)/io.safetensors")
        cams = []
        relus = []
        products = []
        for i in range(4) {
            x = io["input.images"][i]
            t = io["input.targets"][i].item()
            cams.append(explain(cnn, x, method: "grad_cam", layer: "conv", target: t).raw.reshape(1, 1, 8, 8))
            relus.append(explain(cnn, x, method: "grad_cam", layer: "conv", target: t, relu: true).raw
                         .reshape(1, 1, 8, 8))
            products.append(explain(cnn, x, method: "gradient_x_activation", layer: "conv", target: t).raw
                            .reshape(1, 4, 8, 8))
        }
        cam = cat(cams, dim: 0)
        cam_relu = cat(relus, dim: 0)
        product = cat(products, dim: 0)
        """)
        let io = try SafeTensors.read(contentsOf: URL(fileURLWithPath: dir + "/io.safetensors"))
        assertClose(try tensor(interp, "cam"), try XCTUnwrap(io["expected.gradcam"]), tol: 1e-4, "Grad-CAM")
        assertClose(try tensor(interp, "cam_relu"), try XCTUnwrap(io["expected.gradcam_relu"]), tol: 1e-4,
                    "Grad-CAM with ReLU")
        assertClose(try tensor(interp, "product"), try XCTUnwrap(io["expected.grad_x_activation"]), tol: 1e-4,
                    "gradient × activation")
    }

    /// Layer IG at the hidden layer of an MLP written in the language (Captum's mlp[0]).
    func testLayerIntegratedGradientsAtTheHiddenLayerOfAUserMLPMatchCaptum() throws {
        let mlp = referenceDir.appendingPathComponent("explain_mlp").path
        let interp = try run("""
        model MLP() {
            self.hidden = Linear(30, 16)
            self.out = Linear(16, 2)
            fn forward(x) { self.out(tanh(self.hidden(x))) }
        }
        net = MLP()
        w = load("\(mlp)/model.safetensors")
        net.hidden.weight = w["0.weight"]
        net.hidden.bias = w["0.bias"]
        net.out.weight = w["2.weight"]
        net.out.bias = w["2.bias"]
        x = load("\(mlp)/io.safetensors")["input.x"]
        rows = []
        for i in range(x.shape[0]) {
            rows.append(explain(net, x[i], layer: "hidden", target: 1).raw.reshape(1, 16))
        }
        ig = cat(rows, dim: 0)
        """)
        let io = try SafeTensors.read(contentsOf: URL(fileURLWithPath: dir + "/io.safetensors"))
        assertClose(try tensor(interp, "ig"), try XCTUnwrap(io["expected.mlp_hidden_ig"]), tol: 1e-4,
                    "layer IG at the hidden layer")
    }

    /// Every image method explains a CNN written in the language.
    func testEveryImageMethodExplainsAUserCNN() throws {
        let methods = ["saliency", "input_x_gradient", "smoothgrad", "integrated_gradients", "occlusion", "lime",
                       "kernel_shap", "shap", "grad_cam"]
        let interp = try run("""
        model SmallCNN() {
            self.conv = Conv2d(1, 4, 3, padding: 1)
            self.fc = Linear(64, 10)
            fn forward(x) { self.fc(max_pool2d(relu(self.conv(x)), 2).flatten(1)) }
        }
        cnn = SmallCNN()
        cnn.load("\(dir)/cnn.safetensors")
        x = load("\(dir)/io.safetensors")["input.images"][0]
        shapes = []
        for m in \(methods) {
            layer = nil
            if m == "grad_cam" { layer = "conv" }
            shapes.append(explain(cnn, x, method: m, layer: layer, patch: 2, samples: 300).scores.shape)
        }
        """)
        guard case .list(let shapes)? = interp.global("shapes") else { return XCTFail("no shapes") }
        XCTAssertEqual(shapes.items.count, methods.count)
        for (m, s) in zip(methods, shapes.items) {
            XCTAssertTrue(["[64]", "[16]"].contains(s.repr), "\(m): \(s.repr)")
        }
    }
}
