import Foundation
import Tensors
import Training

/// Attributions for every row of a table, batched across rows: the Shapley family plays one
/// coalition design per group of rows (one model call per chunk of rows × coalitions ×
/// references), gradient methods take all rows' gradients at once, and any other method runs
/// `Explainer.explain` row by row. Each row's scores are the ones `explain()` gives that row.
public enum GlobalAttribution {
    /// Methods whose rows are batched; the others are explained one row at a time.
    public static let batched: Set<String> = ["shap", "exact_shapley", "kernel_shap", "permutation_shap", "saliency",
                                              "input_x_gradient", "integrated_gradients"]

    /// Attributions of every row of `rows` [N, F] to the request's target (class 1 of a
    /// two-class model by default) with the request's method and settings.
    public static func summary(model: Model, rows: Tensor, request: ExplainRequest, names: [String] = [],
                               chunk: Int = 8192) throws -> AttributionSummary {
        let method = try ExplainRequest.canonical(request.method)
        guard request.layer == nil, !LayerAttribution.methods.contains(method) else {
            throw TensorError.value("a summary attributes the rows' features; \(method) at a layer scores the "
                                    + "layer's own units")
        }
        let x = rows.toFloat()
        let scorer = try RowScorer(model: model, rows: x, target: request.target,
                                   output: request.output ?? Explainer.defaultOutput(method), names: names,
                                   chunk: chunk)
        if let bg = request.background {
            try Explainee.check(background: bg, kind: .tabular, input: x.select(dim: 0, index: 0))
        }
        if let b = request.baseline, b.shape != [x.shape[1]] {
            throw TensorError.shape("the baseline must be one row [\(x.shape[1])], found \(b.shape)")
        }
        var req = request
        req.method = method
        req.target = scorer.target
        req.output = scorer.output
        let data = x.floats, N = x.shape[0], F = x.shape[1]
        let part: Part
        switch method {
        case "shap", "exact_shapley", "kernel_shap", "permutation_shap":
            part = try shapley(scorer, data, N, req)
        case "saliency", "input_x_gradient", "integrated_gradients":
            part = try gradient(scorer, data, N, req)
        default:
            part = try rowByRow(scorer, x, req)
        }
        var settings: [(String, String)] = [("rows", "\(N)")] + part.settings
        if let bg = req.background { settings.append(("background", "\(bg.shape[0]) rows")) }
        return AttributionSummary(method: method, settings: settings, featureNames: scorer.unitNames, rows: N,
                                  features: F, values: part.values, inputs: data.map(Double.init),
                                  predictions: part.predictions, baseValues: part.base, target: scorer.target,
                                  targetName: scorer.targetName, outputDescription: scorer.outputDescription)
    }

    /// One method's attributions (row-major), predictions and base values.
    struct Part {
        var values: [Double]
        var predictions: [Double]
        var base: [Double?]
        var settings: [(String, String)]
    }

    /// The rows' reference rows for coalition games: the background rows, or the baseline.
    static func references(_ r: ExplainRequest, features F: Int) -> [[Float]] {
        if let bg = r.background { return (0..<bg.shape[0]).map { Array(bg.floats[$0 * F..<($0 + 1) * F]) } }
        return [r.baseline?.floats ?? [Float](repeating: 0, count: F)]
    }

    /// Any method, one row at a time through `Explainer.explain` (LIME, occlusion, SmoothGrad…).
    static func rowByRow(_ scorer: RowScorer, _ x: Tensor, _ r: ExplainRequest) throws -> Part {
        let N = x.shape[0]
        var part = Part(values: [], predictions: [], base: [], settings: [])
        part.values.reserveCapacity(N * scorer.features)
        for i in 0..<N {
            try Interruption.check()
            let s = try Explainer.subject(scorer.model, .row(x.select(dim: 0, index: i)), r, names: scorer.unitNames)
            let e = try Explainer.explain(s, r)
            part.values += e.scores
            part.predictions.append(e.prediction)
            part.base.append(e.baseValue)
            if i == 0 { part.settings = e.settings.filter { $0.0 != "background" } }
        }
        return part
    }
}
