import Foundation
import Tensors

/// A global surrogate: a CART decision tree (Gini impurity, depth limit) fitted to the
/// model's own predictions on a set of rows, so its rules describe what the model does.
/// Fidelity is how often the tree agrees with the model on those rows.
public final class SurrogateTree {
    indirect enum Node {
        case leaf(label: Int, count: Int, purity: Double)
        case split(feature: Int, threshold: Double, left: Node, right: Node, count: Int)
    }
    let root: Node
    public let featureNames: [String]
    public let classNames: [String]
    public let depth: Int
    /// Share of rows where the tree predicts what the model predicts.
    public let fidelity: Double
    /// Gini importance per feature (impurity decrease weighted by rows, normalised to 1).
    public let importances: [Double]
    public let rows: Int

    /// Fits the tree to `predictions` (the model's classes) of `x` [N, F].
    public init(x: Tensor, predictions: [Int], featureNames: [String], classNames: [String], maxDepth: Int = 3,
                minLeaf: Int = 5) throws {
        guard x.rank == 2, x.shape[0] == predictions.count, x.shape[0] > 0 else {
            throw TensorError.shape("the surrogate needs rows [N, features] and one prediction per row, "
                                    + "found \(x.shape) and \(predictions.count)")
        }
        guard maxDepth >= 1, maxDepth <= 12 else {
            throw TensorError.value("depth must be between 1 and 12, found \(maxDepth)")
        }
        guard minLeaf >= 1 else { throw TensorError.value("min_leaf must be positive, found \(minLeaf)") }
        let (N, F) = (x.shape[0], x.shape[1])
        let values = x.floats
        var builder = Builder(values: values, F: F, predictions: predictions, classes: (predictions.max() ?? 0) + 1,
                              maxDepth: maxDepth, minLeaf: minLeaf, importance: [Double](repeating: 0, count: F))
        root = builder.build(Array(0..<N), 0)
        let importance = builder.importance
        self.featureNames = featureNames.count == F ? featureNames : (0..<F).map { "x\($0)" }
        self.classNames = classNames
        self.depth = maxDepth
        self.rows = N
        let total = importance.reduce(0, +)
        importances = importance.map { total > 0 ? $0 / total : 0 }
        var agree = 0
        for i in 0..<N where SurrogateTree.predict(root, Array(values[i * F..<(i + 1) * F])) == predictions[i] {
            agree += 1
        }
        fidelity = Double(agree) / Double(N)
    }

    /// CART on the model's classes: at each node the split with the largest Gini gain, to the
    /// depth limit, each side keeping at least `minLeaf` rows. Importance adds up each split's
    /// gain × rows per feature.
    struct Builder {
        let values: [Float], F: Int, predictions: [Int], classes: Int, maxDepth: Int, minLeaf: Int
        var importance: [Double]

        func gini(_ counts: [Int], _ n: Int) -> Double {
            guard n > 0 else { return 0 }
            return 1 - counts.reduce(0.0) { let p = Double($1) / Double(n); return $0 + p * p }
        }

        func leaf(_ idx: [Int]) -> Node {
            var counts = [Int](repeating: 0, count: classes)
            for i in idx { counts[predictions[i]] += 1 }
            let best = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0
            return .leaf(label: best, count: idx.count, purity: Double(counts[best]) / Double(max(1, idx.count)))
        }

        mutating func build(_ idx: [Int], _ level: Int) -> Node {
            var counts = [Int](repeating: 0, count: classes)
            for i in idx { counts[predictions[i]] += 1 }
            let parent = gini(counts, idx.count)
            guard level < maxDepth, parent > 0, idx.count >= 2 * minLeaf else { return leaf(idx) }
            var best: (gain: Double, feature: Int, threshold: Double) = (1e-12, -1, 0)
            for f in 0..<F {
                let order = idx.sorted { values[$0 * F + f] < values[$1 * F + f] }
                var left = [Int](repeating: 0, count: classes), right = counts
                for k in 0..<(order.count - 1) {
                    let c = predictions[order[k]]
                    left[c] += 1; right[c] -= 1
                    let nl = k + 1, nr = order.count - nl
                    let a = values[order[k] * F + f], b = values[order[k + 1] * F + f]
                    guard a < b, nl >= minLeaf, nr >= minLeaf else { continue }
                    let children = Double(nl) * gini(left, nl) + Double(nr) * gini(right, nr)
                    let gain = parent - children / Double(order.count)
                    if gain > best.gain { best = (gain, f, (Double(a) + Double(b)) / 2) }
                }
            }
            guard best.feature >= 0 else { return leaf(idx) }
            importance[best.feature] += best.gain * Double(idx.count)
            let l = idx.filter { Double(values[$0 * F + best.feature]) <= best.threshold }
            let r = idx.filter { Double(values[$0 * F + best.feature]) > best.threshold }
            let leftNode = build(l, level + 1)
            let rightNode = build(r, level + 1)
            return .split(feature: best.feature, threshold: best.threshold, left: leftNode, right: rightNode,
                          count: idx.count)
        }
    }

    static func predict(_ node: Node, _ row: [Float]) -> Int {
        var n = node
        while true {
            switch n {
            case .leaf(let label, _, _): return label
            case .split(let f, let t, let l, let r, _): n = Double(row[f]) <= t ? l : r
            }
        }
    }

    /// The tree's class for a row [F].
    public func predict(_ row: [Float]) -> Int { SurrogateTree.predict(root, row) }

    func className(_ c: Int) -> String { c < classNames.count ? classNames[c] : "class \(c)" }

    /// The rules, one line per node, indented by depth.
    public var rules: String {
        var lines: [String] = []
        func walk(_ node: Node, _ indent: String) {
            switch node {
            case .leaf(let label, let count, let purity):
                let agree = String(format: "%.0f", purity * 100)
                lines.append("\(indent)→ \(className(label))  (\(count) rows, \(agree)% agree)")
            case .split(let f, let t, let l, let r, _):
                lines.append("\(indent)if \(featureNames[f]) ≤ \(String(format: "%.4g", t)):")
                walk(l, indent + "  ")
                lines.append("\(indent)else (\(featureNames[f]) > \(String(format: "%.4g", t))):")
                walk(r, indent + "  ")
            }
        }
        walk(root, "")
        return lines.joined(separator: "\n")
    }
}
