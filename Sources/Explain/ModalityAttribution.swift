import Foundation
import Layers
import Tensors
import Training

/// How much each view (modality) contributed to each decision: exact Shapley values of a
/// game whose players are the views. A view that is "absent" has its columns replaced by
/// their mean over background rows (interventional, as KernelSHAP with a mean background),
/// so Σ contributions = f(x) − f(all views at their means) for every row (efficiency).
public enum ModalityAttribution {
    public struct Result {
        public let views: [String]
        /// [rows][views] contributions to the score.
        public let values: [[Double]]
        /// The score with every view present, and with every view at its background mean.
        public let full: [Double]
        public let empty: [Double]
        public let target: String

        /// Mean |contribution| per view.
        public var meanAbsolute: [Double] {
            views.indices.map { v in values.reduce(0) { $0 + Swift.abs($1[v]) } / Double(Swift.max(1, values.count)) }
        }
        /// Largest |Σ contributions − (full − empty)| over rows.
        public var efficiencyGap: Double {
            zip(values, zip(full, empty)).map { Swift.abs($0.0.reduce(0, +) - ($0.1.0 - $0.1.1)) }.max() ?? 0
        }
    }

    /// The score explained for rows x [N, F]: the logit for one-logit models; for
    /// classifiers the logit of `target`, or of each row's predicted class when nil.
    public static func attribute(_ model: Model, x: Tensor, background: Tensor, views: [FeatureView],
                                 target: Int? = nil) throws -> Result {
        guard !views.isEmpty, views.count <= 10 else {
            throw TensorError.value("modality attribution takes 1 to 10 views, found \(views.count)")
        }
        guard x.rank == 2, background.rank == 2, x.shape[1] == background.shape[1] else {
            throw TensorError.shape("rows and background must be tables with the same columns, "
                                    + "found \(x.shape) and \(background.shape)")
        }
        guard let last = views.map(\.columns.upperBound).max(), last <= x.shape[1] else {
            throw TensorError.shape("the views need more columns than the rows have (\(x.shape[1]))")
        }
        let (N, F) = (x.shape[0], x.shape[1])
        let mean = try background.mean(dim: 0).floats
        let V = views.count
        // Scores of every coalition (bit v set = view v present), one batch per coalition.
        var scores = [[Double]](repeating: [], count: 1 << V)
        var targets: [Int]?
        let xs = x.floats
        try model.module.evaluating { try Tensor.withoutGrad {
            for s in stride(from: (1 << V) - 1, through: 0, by: -1) {
                var rows = xs
                for (v, view) in views.enumerated() where s & (1 << v) == 0 {
                    for r in 0..<N { for c in view.columns { rows[r * F + c] = mean[c] } }
                }
                let batch = try Batch(x: Tensor(shape: [N, F], floats: rows), lengths: nil, y: Tensor.zeros([N]),
                                      indices: Array(0..<N))
                let out = try model.logits(batch)
                if out.rank == 1 || (out.rank == 2 && out.shape[1] == 1) {
                    scores[s] = out.floats.map(Double.init)
                } else {
                    let C = out.shape[1]
                    if targets == nil {
                        // The full coalition comes first: its predicted class is each row's target.
                        if let t = target {
                            guard t >= 0, t < C else {
                                throw TensorError.value("target must be a class 0..<\(C), found \(t)")
                            }
                            targets = Array(repeating: t, count: N)
                        } else {
                            targets = (0..<N).map { r in
                                (0..<C).max { out.floats[r * C + $0] < out.floats[r * C + $1] } ?? 0
                            }
                        }
                    }
                    scores[s] = (0..<N).map { Double(out.floats[$0 * C + (targets?[$0] ?? 0)]) }
                }
            }
        } }
        let values = (0..<N).map { r in Shapley.values(coalitions: scores.map { $0[r] }, players: V) }
        let name = targets == nil ? "logit" : (target.map { "class \($0) logit" } ?? "predicted class logit")
        return Result(views: views.map(\.name), values: values, full: scores[(1 << V) - 1], empty: scores[0],
                      target: name)
    }
}
