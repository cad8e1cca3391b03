import Foundation
import Tensors

/// Gradient methods over many rows: the gradients of all rows (and, for Integrated Gradients,
/// of all their path points) in one backward pass per chunk, each row's attribution then
/// formed exactly as `GradientMethods` forms it for one row.
extension GlobalAttribution {
    static func gradient(_ scorer: RowScorer, _ data: [Float], _ N: Int, _ r: ExplainRequest) throws -> Part {
        let F = scorer.features
        let fx = try scorer.scores(data, count: N)
        var part = Part(values: [], predictions: fx, base: [Double?](repeating: nil, count: N), settings: [])
        part.values.reserveCapacity(N * F)
        switch r.method {
        case "integrated_gradients":
            let b = r.baseline?.floats ?? [Float](repeating: 0, count: F)
            let fb = try scorer.scores(b, count: 1)[0]
            part.values = try integrated(scorer, data, N, baseline: b, steps: r.steps, rule: r.rule)
            part.base = [Double?](repeating: fb, count: N)
            part.settings = [("steps", "\(r.steps)"), ("rule", r.rule.rawValue)]
        default:
            let perCall = max(1, scorer.chunk)
            var start = 0
            while start < N {
                let end = min(N, start + perCall)
                let g = try scorer.gradients(Array(data[start * F..<end * F]), count: end - start).grads
                for k in 0..<g.count {
                    let a = r.method == "saliency" ? (r.absolute ? abs(g[k]) : g[k]) : g[k] * data[start * F + k]
                    part.values.append(Double(a))
                }
                start = end
            }
            part.settings = r.method == "saliency" ? [("abs", "\(r.absolute)")] : []
        }
        return part
    }

    /// Integrated Gradients of every row from one baseline: the path points of whole rows
    /// go through the model together, and each row's sum runs over its steps in order.
    static func integrated(_ scorer: RowScorer, _ data: [Float], _ N: Int, baseline b: [Float], steps: Int,
                           rule: IntegrationRule) throws -> [Double] {
        let F = scorer.features
        let (alphas, weights) = try rule.points(steps)
        let rowsPerCall = max(1, scorer.chunk / steps)
        var out = [Double]()
        out.reserveCapacity(N * F)
        var pts = [Float]()
        var start = 0
        while start < N {
            try Interruption.check()
            let end = min(N, start + rowsPerCall)
            pts.removeAll(keepingCapacity: true)
            for row in start..<end {
                let x = row * F
                for k in 0..<steps {
                    let a = Float(alphas[k])
                    for i in 0..<F { pts.append(b[i] + a * (data[x + i] - b[i])) }
                }
            }
            let g = try scorer.gradients(pts, count: (end - start) * steps).grads
            for row in start..<end {
                var total = [Double](repeating: 0, count: F)
                let o = (row - start) * steps * F
                for k in 0..<steps {
                    let w = weights[k], off = o + k * F
                    for i in 0..<F { total[i] += w * Double(g[off + i]) }
                }
                let x = row * F
                for i in 0..<F { out.append(Double(Float(total[i] * Double(data[x + i] - b[i])))) }
            }
            start = end
        }
        return out
    }
}
