import Foundation
import Layers
import Tensors

/// Attributions to a hidden layer, as Captum's LayerIntegratedGradients, LayerGradientXActivation
/// and LayerGradCam compute them, for a batch of inputs. `score` maps a batch of points in the
/// input space to the explained score of each row, [N]; the layer's values must have the batch
/// as their first dimension.
public enum LayerAttribution {
    /// The target's score for each row of a batch of inputs, [N] (differentiable).
    public typealias Score = (Tensor) throws -> Tensor

    /// Layer Integrated Gradients: the attributions with the layer's shape [B, …], and per row the
    /// scores f(x), f(baseline) and the convergence delta Σ attributions − (f(x) − f(baseline)).
    public struct Integrated {
        public let attributions: Tensor
        public let scores: [Double]
        public let baselineScores: [Double]
        public let delta: [Double]
    }

    /// Integrated Gradients at a layer: the layer's value L(x) for the input and L(x′) for the
    /// baseline (Captum's convention: the baseline at the layer is what the baseline input gives
    /// there), then (L(x) − L(x′)) ∘ Σ_k w_k ∂f/∂L at L(x′) + α_k (L(x) − L(x′)), each path point
    /// set into the layer while the model runs on the input. Path points go through the model in
    /// batches of `batch` steps (all at once by default).
    public static func integratedGradients(_ site: LayerSite, model: Module, score: Score, input: Tensor,
                                           baseline: Tensor, steps: Int = 50, rule: IntegrationRule = .gaussLegendre,
                                           batch: Int? = nil) throws -> Integrated {
        let at = try site.pass(input, gradients: false, model: model, score: score)
        let from = try site.pass(baseline, gradients: false, model: model, score: score)
        try checkBatchFirst(at.value, rows: input.shape.first ?? 0, site)
        guard at.value.shape == from.value.shape else {
            throw TensorError.shape("\"\(site.label)\" is \(Shape.format(at.value.shape)) for the input but "
                                    + "\(Shape.format(from.value.shape)) for the baseline")
        }
        let total = try pathGradients(site, model: model, score: score, input: input, ends: (from.value, at.value),
                                      steps: steps, rule: rule, batch: batch)
        let x = at.value.floats, b = from.value.floats
        let attr = (0..<x.count).map { Float(total[$0] * Double(x[$0] - b[$0])) }
        let a = try Tensor(shape: at.value.shape, floats: attr)
        let fx = at.scores.floats.map(Double.init), fb = from.scores.floats.map(Double.init)
        let per = attr.count / max(1, fx.count)
        let delta = fx.indices.map { r in
            attr[r * per..<(r + 1) * per].reduce(0.0) { $0 + Double($1) } - (fx[r] - fb[r])
        }
        return Integrated(attributions: a, scores: fx, baselineScores: fb, delta: delta)
    }

    /// Σ_k w_k ∂f/∂L at each path point between `ends` (baseline's value, input's value), per element:
    /// each path point is set into the layer while the model runs on the input.
    static func pathGradients(_ site: LayerSite, model: Module, score: Score, input: Tensor,
                              ends: (from: Tensor, to: Tensor), steps: Int, rule: IntegrationRule,
                              batch: Int?) throws -> [Double] {
        try rule.integrate(from: ends.from.floats, to: ends.to.floats, steps: steps, batch: batch) { path, count in
            let points = try Tensor.cat([Tensor](repeating: input, count: count), dim: 0)
            let along = try Tensor(shape: [count * ends.to.shape[0]] + ends.to.shape.dropFirst(), floats: path)
            let pass = try site.pass(points, replacing: along, gradients: true, model: model, score: score)
            return pass.grad?.floats ?? []
        }
    }

    /// The layer's values must have one row per input row, first.
    static func checkBatchFirst(_ v: Tensor, rows: Int, _ site: LayerSite) throws {
        guard v.rank >= 1, v.shape[0] == rows else {
            throw TensorError.shape("\"\(site.label)\" is \(Shape.format(v.shape)) for \(rows) input rows: "
                                    + "layer attribution needs the rows as its first dimension")
        }
    }

    /// Gradient × activation at a layer: ∂f/∂L ∘ L(x), with the layer's shape [B, …].
    public static func gradientXActivation(_ site: LayerSite, model: Module, score: Score,
                                           input: Tensor) throws -> Tensor {
        let p = try site.pass(input, gradients: true, model: model, score: score)
        try checkBatchFirst(p.value, rows: input.shape.first ?? 0, site)
        return try (p.grad ?? Tensor.zeros(p.value.shape)).mul(p.value)
    }

    /// Grad-CAM at a layer whose values are [N, C, …] (channels second): weights w = the mean of
    /// ∂f/∂A over the positions, map = Σ_c w_c A_c, [N, 1, …]; negative values set to 0 when
    /// `relu` (Captum's relu_attributions).
    public static func gradCam(_ site: LayerSite, model: Module, score: Score, input: Tensor,
                               relu: Bool = false) throws -> Tensor {
        let p = try site.pass(input, gradients: true, model: model, score: score)
        try checkBatchFirst(p.value, rows: input.shape.first ?? 0, site)
        guard p.value.rank >= 2 else {
            throw TensorError.shape("Grad-CAM needs a layer with channels [rows, channels, …]; \"\(site.label)\" is "
                                    + Shape.format(p.value.shape))
        }
        return try camMap(p.value, p.grad ?? Tensor.zeros(p.value.shape), relu: relu)
    }

    /// Σ_c mean(g_c) A_c for activations A and gradients g [N, C, …].
    static func camMap(_ A: Tensor, _ g: Tensor, relu: Bool) throws -> Tensor {
        let N = A.shape[0], C = A.shape[1], P = A.count / max(1, N * C)
        let a = A.floats, d = g.floats
        var cam = [Double](repeating: 0, count: N * P)
        for r in 0..<N {
            for c in 0..<C {
                let off = (r * C + c) * P
                var w = 0.0
                for q in 0..<P { w += Double(d[off + q]) }
                w /= Double(max(1, P))
                for q in 0..<P { cam[r * P + q] += w * Double(a[off + q]) }
            }
        }
        let map = cam.map { Float(relu ? max(0, $0) : $0) }
        return try Tensor(shape: [N, 1] + A.shape.dropFirst(2), floats: map)
    }
}
