import Foundation
import Tensors
import Training

/// How a model's score on labelled rows is measured for permutation importance.
public enum ImportanceMetric: String, CaseIterable, Sendable {
    /// The fraction of rows whose predicted class is the label.
    case accuracy
    /// Minus the mean cross-entropy of the labels (sklearn's neg_log_loss), so that higher is better
    /// and an importance is the rise in loss.
    case loss
    /// The area under the ROC curve of class 1's score (two classes only).
    case auc

    /// What the metric's importance is, in words.
    public var costWord: String {
        switch self {
        case .accuracy: return "accuracy"
        case .loss: return "in loss (cross-entropy)"
        case .auc: return "ROC AUC"
        }
    }
}

/// Breiman's permutation feature importance, as sklearn.inspection.permutation_importance
/// defines it: importance of feature j = the model's score on the rows − its score with
/// column j shuffled, over `repeats` shuffles (mean and population standard deviation).
/// Every feature starts from the same seed and each repeat shuffles the already shuffled
/// column again with a reshuffled index, as sklearn does; all shuffled copies go through the
/// model in chunks of rows, not one call per row.
public struct PermutationImportance {
    public let featureNames: [String]
    public let metric: ImportanceMetric
    public let baseline: Double
    /// importances[j][r]: baseline − score with feature j shuffled, repeat r.
    public let importances: [[Double]]
    public let repeats: Int
    public let seed: UInt64
    public let rows: Int

    public var means: [Double] { importances.map { $0.reduce(0, +) / Double(max(1, $0.count)) } }
    public var stds: [Double] {
        importances.map { v in
            let m = v.reduce(0, +) / Double(max(1, v.count))
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(1, v.count))).squareRoot()
        }
    }
    /// Features from the largest mean importance to the smallest (ties by position).
    public var order: [Int] { let m = means; return m.indices.sorted { m[$0] != m[$1] ? m[$0] > m[$1] : $0 < $1 } }

    public init(model: Model, rows x: Tensor, labels: [Int], metric: ImportanceMetric, repeats: Int = 5,
                seed: UInt64 = 0, names: [String] = [], chunk: Int = 8192) throws {
        guard repeats >= 1 else { throw TensorError.value("repeats must be at least 1, found \(repeats)") }
        // Scores come from all the logits; the scorer's class is never used.
        let scorer = try RowScorer(model: model, rows: x.toFloat(), target: 0, output: .logit, names: names,
                                   chunk: chunk)
        let N = x.shape[0], F = x.shape[1]
        guard labels.count == N else {
            throw TensorError.shape("need one label per row: \(N) rows, found \(labels.count) labels")
        }
        let data = x.toFloat().floats
        let base = try PermutationImportance.score(scorer, data, rows: N, labels: labels, metric: metric)
        guard let first = base.first else { throw TensorError.value("no rows to score") }
        // Each feature's shuffled copies, laid end to end: feature j, repeat r at block j·repeats + r.
        let (total, overflow) = F.multipliedReportingOverflow(by: repeats)
        let (values, overflow2) = total.multipliedReportingOverflow(by: N * F)
        guard !overflow, !overflow2, values <= Shape.maxElements else {
            throw TensorError.value("too many shuffled copies: \(F) features × \(repeats) repeats × \(N) rows × "
                                    + "\(F) values must be at most \(Shape.maxElements); use fewer repeats or rows")
        }
        var scores = [Double]()
        scores.reserveCapacity(total)
        let blocksPerCall = max(1, chunk / N)
        var block = 0
        while block < total {
            try Interruption.check()
            let end = min(total, block + blocksPerCall)
            var flat = [Float]()
            flat.reserveCapacity((end - block) * N * F)
            var j = -1, columns: [[Float]] = []
            for b in block..<end {
                if b / repeats != j {
                    j = b / repeats
                    columns = PermutationImportance.shuffles(data, N, F, j, repeats, seed)
                }
                let col = columns[b % repeats]
                for i in 0..<N {
                    flat += data[i * F..<(i + 1) * F]
                    flat[flat.count - F + j] = col[i]
                }
            }
            scores += try PermutationImportance.score(scorer, flat, rows: N, labels: labels, metric: metric,
                                                      copies: end - block)
            block = end
        }
        featureNames = scorer.unitNames
        self.metric = metric
        baseline = first
        importances = (0..<F).map { j in (0..<repeats).map { first - scores[j * repeats + $0] } }
        self.repeats = repeats
        self.seed = seed
        rows = N
    }

    /// Column j after each repeat: the index is shuffled again each time (from one seed for
    /// every feature) and the column is permuted by it, as sklearn's `_calculate_permutation_scores`.
    static func shuffles(_ data: [Float], _ N: Int, _ F: Int, _ j: Int, _ repeats: Int,
                         _ seed: UInt64) -> [[Float]] {
        var g = RandomGenerator(seed: seed)
        var index = Array(0..<N)
        var column = (0..<N).map { data[$0 * F + j] }
        var out: [[Float]] = []
        for _ in 0..<repeats {
            for i in stride(from: N - 1, to: 0, by: -1) { index.swapAt(i, Int(g.below(UInt64(i + 1)))) }
            column = index.map { column[$0] }
            out.append(column)
        }
        return out
    }

    /// The metric of `copies` copies of the rows laid end to end, one value per copy.
    static func score(_ scorer: RowScorer, _ flat: [Float], rows N: Int, labels: [Int], metric: ImportanceMetric,
                      copies: Int = 1) throws -> [Double] {
        let (logits, C) = try scorer.logits(flat, count: N * copies)
        return try (0..<copies).map { c in
            try metricValue(logits, classes: C, from: c * N, rows: N, labels: labels, metric: metric)
        }
    }

    /// One copy's metric from its logits ([rows, C]; one logit: the class-1 logit).
    static func metricValue(_ logits: [Float], classes C: Int, from o: Int, rows N: Int, labels: [Int],
                            metric: ImportanceMetric) throws -> Double {
        switch metric {
        case .accuracy:
            var right = 0
            for i in 0..<N {
                let at = (o + i) * C
                var p = C == 1 ? (logits[at] > 0 ? 1 : 0) : 0
                if C > 1 { for c in 1..<C where logits[at + c] > logits[at + p] { p = c } }   // first maximum
                if p == labels[i] { right += 1 }
            }
            return Double(right) / Double(N)
        case .loss:
            var total = 0.0
            for i in 0..<N {
                let row = logits[(o + i) * C..<(o + i + 1) * C].map(Double.init)
                let y = labels[i]
                if C == 1 {
                    let z = y == 1 ? row[0] : -row[0]
                    total += max(-z, 0) + log1p(exp(-abs(z)))         // −log σ(z), stably
                } else {
                    guard y >= 0, y < C else { throw TensorError.index("label \(y) outside 0..<\(C)") }
                    let m = row.max() ?? 0
                    total += m + log(row.reduce(0) { $0 + exp($1 - m) }) - row[y]
                }
            }
            return -total / Double(N)
        case .auc:
            guard C <= 2 else { throw TensorError.value("auc needs a two-class model, found \(C) classes") }
            let s = (0..<N).map { i in C == 1 ? logits[o + i] : logits[(o + i) * 2 + 1] - logits[(o + i) * 2] }
            guard let a = rocAUC(s, labels.map(Int64.init)) else {
                throw TensorError.value("auc needs rows of both classes 0 and 1")
            }
            return a
        }
    }
}
