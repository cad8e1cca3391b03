import Foundation
import Layers
import Tensors

/// Layer attributions of one explained input, as explanations. Their scores are for the input's
/// units when the layer's values line up with them (a text model's [tokens, hidden] summed per
/// token; an image layer of the image's height and width summed over channels, per pixel or
/// patch; a table layer with the row's features), and otherwise for the layer's own units:
/// h0, h1, … for a vector, c0(0,0), … (channel and position) for channels × height × width.
extension LayerAttribution {
    /// The methods that attribute to a layer (`integrated_gradients` too, when given a layer).
    public static let methods = ["gradient_x_activation", "grad_cam"]

    /// Runs a request that names a layer, or a method that needs one.
    static func explain(_ s: Explainee, _ r: ExplainRequest, method: String) throws -> Explanation {
        guard let layer = r.layer else {
            let names = s.model.module.modules().map(\.0).filter { !$0.isEmpty }
            throw TensorError.value("\(method) attributes to a layer: give layer: one of "
                                    + names.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        switch method {
        case "integrated_gradients":
            return try integratedGradients(s, layer: layer, input: r.layerInput, steps: r.steps, rule: r.rule,
                                           batch: r.batch)
        case "gradient_x_activation": return try gradientXActivation(s, layer: layer, input: r.layerInput)
        case "grad_cam": return try gradCam(s, layer: layer, input: r.layerInput, relu: r.relu, upsample: r.upsample)
        default:
            throw TensorError.value("\(method) does not attribute to a layer; with layer: use integrated_gradients, "
                                    + methods.joined(separator: " or "))
        }
    }

    /// Layer Integrated Gradients at the output (or `input`) of the sub-layer called `layer`,
    /// from the baseline's value there, with the convergence delta as a check.
    public static func integratedGradients(_ s: Explainee, layer: String, input: Bool = false, steps: Int = 50,
                                           rule: IntegrationRule = .gaussLegendre,
                                           batch: Int? = nil) throws -> Explanation {
        let site = try LayerSite(s, layer, input: input)
        let r = try integratedGradients(site, model: s.model.module, score: s.score, input: s.input.unsqueeze(0),
                                        baseline: s.baseline.unsqueeze(0), steps: steps, rule: rule, batch: batch)
        let settings = [("layer", site.label), ("steps", "\(steps)"), ("rule", rule.rawValue)]
        var e = try explanation(s, site, "integrated_gradients", r.attributions.squeeze(0), settings)
        e.baseValue = r.baselineScores[0]
        e.checks = [Check("convergence delta", r.delta[0], "Σ attributions − (f(x) − f(baseline)); "
                          + "near 0 when the integral converged (completeness)")]
        return e
    }

    /// Gradient × activation at the output (or `input`) of the sub-layer called `layer`.
    public static func gradientXActivation(_ s: Explainee, layer: String, input: Bool = false) throws -> Explanation {
        let site = try LayerSite(s, layer, input: input)
        let a = try gradientXActivation(site, model: s.model.module, score: s.score, input: s.input.unsqueeze(0))
        return try explanation(s, site, "gradient_x_activation", a.squeeze(0), [("layer", site.label)])
    }

    /// Grad-CAM at the sub-layer called `layer`. For an image and a layer of maps [C, h, w], the
    /// map is stretched to the image's size (`upsample`) and scored per pixel or patch, so that it
    /// is drawn over the image; the layer-sized map stays in `layer.attribution`.
    public static func gradCam(_ s: Explainee, layer: String, input: Bool = false, relu: Bool = false,
                               upsample: Upsampling = .nearest) throws -> Explanation {
        let site = try LayerSite(s, layer, input: input)
        let cam = try gradCam(site, model: s.model.module, score: s.score, input: s.input.unsqueeze(0), relu: relu)
        var settings = [("layer", site.label), ("relu", "\(relu)")]
        let map = try cam.squeeze(0)
        guard s.kind == .image, cam.rank == 4 else { return try explanation(s, site, "grad_cam", map, settings) }
        settings.append(("upsample", upsample.rawValue))
        let image = try upsample.resize(cam, rows: s.input.shape[1], cols: s.input.shape[2]).squeeze(0)
        var e = Explanation(method: "grad_cam", settings: settings, subject: s, scores: s.perUnit(image), raw: image)
        e.layer = LayerPart(name: site.name, input: site.input, attribution: map, units: nil)
        return e
    }

    /// An explanation of attribution `a` (the layer's shape, no batch dimension).
    static func explanation(_ s: Explainee, _ site: LayerSite, _ method: String, _ a: Tensor,
                            _ settings: [(String, String)]) throws -> Explanation {
        let aligned = site.module == nil || alignsWithInput(s, a)
        let scores = aligned ? s.perUnit(a) : a.floats.map(Double.init)
        var e = Explanation(method: method, settings: settings, subject: s, scores: scores, raw: a)
        e.layer = LayerPart(name: site.name, input: site.input, attribution: a,
                            units: aligned ? nil : unitNames(a.shape))
        return e
    }

    /// Whether an attribution of this shape can be read per unit of the input.
    static func alignsWithInput(_ s: Explainee, _ a: Tensor) -> Bool {
        switch s.kind {
        case .tabular: return a.shape == s.input.shape
        case .text: return a.rank == 2 && a.shape[0] == s.tokenIds.count
        case .image: return a.rank == 3 && a.shape.dropFirst() == s.input.shape.dropFirst()
        }
    }

    /// Names for the elements of a layer's values (leading 1s dropped): h0, h1, … for a vector;
    /// (row,col) for a grid; c0(row,col) for channels × grid; h[i,j,…] otherwise.
    static func unitNames(_ shape: [Int]) -> [String] {
        var dims = shape
        while dims.count > 1, dims[0] == 1 { dims.removeFirst() }
        let count = dims.reduce(1, *)
        return (0..<count).map { flat in
            var rest = flat
            var index = [Int](repeating: 0, count: dims.count)
            for d in dims.indices.reversed() { index[d] = rest % dims[d]; rest /= dims[d] }
            switch index.count {
            case 1: return "h\(index[0])"
            case 2: return "(\(index[0]),\(index[1]))"
            case 3: return "c\(index[0])(\(index[1]),\(index[2]))"
            default: return "h[" + index.map(String.init).joined(separator: ",") + "]"
            }
        }
    }
}
