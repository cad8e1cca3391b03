import Foundation
import XCTest
import TestSupport
import Layers
import Tensors
import Training
@testable import Explain

/// Global views over many rows: batched attributions equal explain() row by row, permutation
/// importance and partial dependence follow their definitions, and seeds repeat bit for bit.
final class GlobalViewsTests: XCTestCase {
    /// A small two-class ReLU network with seeded weights, rows and background.
    func fixture(features F: Int = 6, rows N: Int = 12) throws -> (model: Model, rows: Tensor, background: Tensor) {
        var g = RandomGenerator(seed: 11)
        Random.seed(5)
        let net = try Sequential([Linear(F, 8), Activation("relu"), Linear(8, 2)])
        return (Model(net), try Tensor.randn([N, F], using: &g), try Tensor.randn([7, F], using: &g))
    }

    /// f(x) = w·x + b as a two-class model whose class-1 logit is w·x + b and class-0 logit 0.
    func linearModel(_ w: [Float], bias: Float) throws -> Model {
        let fc = try Linear(w.count, 2)
        try fc.loadStateDict(["weight": Tensor(shape: [2, w.count], floats: [Float](repeating: 0, count: w.count) + w),
                              "bias": Tensor([0, bias])])
        return Model(fc)
    }

    /// Row i's attributions as explain() gives them for that row alone.
    func perRow(_ m: Model, _ rows: Tensor, _ r: ExplainRequest, _ i: Int) throws -> [Double] {
        let s = try Explainer.subject(m, .row(rows.select(dim: 0, index: i)), r)
        return try Explainer.explain(s, r).scores
    }

    func testBatchedSummaryEqualsExplainRowByRowForEveryBatchedMethod() throws {
        let (m, rows, bg) = try fixture()
        let methods: [(String, Bool)] = [("kernel_shap", true), ("permutation_shap", true), ("exact_shapley", true),
                                         ("shap", true), ("integrated_gradients", false), ("saliency", false),
                                         ("input_x_gradient", false), ("feature_ablation", false)]
        for (method, usesBackground) in methods {
            var r = ExplainRequest(method: method)
            r.target = 1
            r.samples = 40
            r.permutations = 3
            r.seed = 4
            r.steps = 16
            if usesBackground { r.background = bg }
            // A small chunk makes each model call hold pieces of several rows.
            let s = try GlobalAttribution.summary(model: m, rows: rows, request: r, chunk: 50)
            for i in 0..<rows.shape[0] {
                XCTAssertEqual(s.row(i), try perRow(m, rows, r, i), "\(method), row \(i)")
            }
        }
    }

    func testRowsWithFeaturesEqualToTheBackgroundAreGroupedAndStillMatch() throws {
        let (m, rows, _) = try fixture(rows: 4)
        var data = rows.floats
        data[0] = 0; data[1] = 0; data[6 + 2] = 0        // row 0 has two inactive features, row 1 one
        let x = try Tensor(shape: rows.shape, floats: data)
        var r = ExplainRequest(method: "kernel_shap")
        r.target = 1
        r.samples = 30
        let s = try GlobalAttribution.summary(model: m, rows: x, request: r)
        for i in 0..<4 { XCTAssertEqual(s.row(i), try perRow(m, x, r, i), "row \(i)") }
        XCTAssertEqual(s.row(0)[0], 0)
    }

    func testSummaryWithTheSameSeedRepeatsBitForBit() throws {
        let (m, rows, bg) = try fixture()
        var r = ExplainRequest(method: "kernel_shap")
        r.background = bg
        r.samples = 30
        r.seed = 9
        let a = try GlobalAttribution.summary(model: m, rows: rows, request: r)
        let b = try GlobalAttribution.summary(model: m, rows: rows, request: r)
        XCTAssertEqual(a.values, b.values)
        XCTAssertEqual(a.meanAbs.count, rows.shape[1])
        XCTAssertEqual(a.order.first, a.meanAbs.indices.max { a.meanAbs[$0] < a.meanAbs[$1] })
    }

    /// The fraction of rows a model classifies as labelled (argmax of its logits).
    func accuracy(_ m: Model, _ rows: [Float], _ F: Int, _ labels: [Int]) throws -> Double {
        let logits = try (m.module as? Layer)?.forward(Tensor(shape: [labels.count, F], floats: rows))
        let l = logits?.floats ?? []
        let C = l.count / labels.count
        var right = 0
        for (i, y) in labels.enumerated() {
            var best = 0
            for c in 1..<C where l[i * C + c] > l[i * C + best] { best = c }
            if best == y { right += 1 }
        }
        return Double(right) / Double(labels.count)
    }

    func testPermutationImportanceIsTheDropInScoreWhenAColumnIsShuffled() throws {
        let (m, rows, _) = try fixture(features: 4, rows: 40)
        let F = 4, N = 40, repeats = 3, seed: UInt64 = 2
        // Labels the model mostly gets right, with some it gets wrong.
        let logits = try (m.module as? Layer)?.forward(rows).floats ?? []
        let labels = (0..<N).map { i in (logits[2 * i + 1] > logits[2 * i] ? 1 : 0) ^ (i % 7 == 0 ? 1 : 0) }
        let pi = try PermutationImportance(model: m, rows: rows, labels: labels, metric: .accuracy, repeats: repeats,
                                           seed: seed, chunk: 64)
        let base = try accuracy(m, rows.floats, F, labels)
        XCTAssertEqual(pi.baseline, base)
        for j in 0..<F {
            // sklearn's procedure: one generator per feature from the same seed; each repeat
            // shuffles the index again and permutes the (already permuted) column by it.
            var g = RandomGenerator(seed: seed)
            var index = Array(0..<N), x = rows.floats
            for r in 0..<repeats {
                for i in stride(from: N - 1, to: 0, by: -1) { index.swapAt(i, Int(g.below(UInt64(i + 1)))) }
                let column = (0..<N).map { x[index[$0] * F + j] }
                for i in 0..<N { x[i * F + j] = column[i] }
                XCTAssertEqual(pi.importances[j][r], base - (try accuracy(m, x, F, labels)), "feature \(j), repeat \(r)")
            }
        }
        let mean = pi.importances.map { $0.reduce(0, +) / Double(repeats) }
        assertClose(pi.means, mean, 1e-12, "means")
    }

    func testAFeatureTheModelIgnoresHasImportanceZero() throws {
        let m = try linearModel([1.5, 0, -2.0], bias: 0.1)
        var g = RandomGenerator(seed: 3)
        let rows = try Tensor.randn([30, 3], using: &g)
        let labels = (0..<30).map { $0 % 2 }
        for metric in ImportanceMetric.allCases {
            let pi = try PermutationImportance(model: m, rows: rows, labels: labels, metric: metric, repeats: 4)
            XCTAssertEqual(pi.importances[1], [0, 0, 0, 0], "\(metric)")
            XCTAssertEqual(pi.stds[1], 0)
        }
        let a = try PermutationImportance(model: m, rows: rows, labels: labels, metric: .loss, repeats: 4, seed: 8)
        let b = try PermutationImportance(model: m, rows: rows, labels: labels, metric: .loss, repeats: 4, seed: 8)
        XCTAssertEqual(a.importances, b.importances, "same seed, same bits")
    }

    func testPartialDependenceOfALinearModelIsLinearWithTheWeightAsSlope() throws {
        let w: [Float] = [0.7, -1.3, 2.1]
        let m = try linearModel(w, bias: 0.2)
        var g = RandomGenerator(seed: 4)
        let rows = try Tensor.randn([50, 3], using: &g)
        for j in 0..<3 {
            let pd = try PartialDependence(model: m, rows: rows, features: [j], grid: 12, target: 1, output: .logit,
                                           chunk: 100)
            let xs = pd.axes[0]
            XCTAssertEqual(xs.count, 12)
            for k in 1..<xs.count {
                let slope = (pd.average[k] - pd.average[k - 1]) / (xs[k] - xs[k - 1])
                XCTAssertEqual(slope, Double(w[j]), accuracy: 1e-4, "feature \(j), step \(k)")
            }
            // The average is the mean of the ICE curves, and each ICE curve is the row's logit.
            let x = rows.floats
            for i in [0, 17] {
                let others = (0..<3).filter { $0 != j }.reduce(0.2) { $0 + Double(w[$1] * x[i * 3 + $1]) }
                XCTAssertEqual(pd.individual[i][5], others + Double(w[j]) * xs[5], accuracy: 1e-5)
            }
            let mean5 = pd.individual.reduce(0) { $0 + $1[5] } / 50
            XCTAssertEqual(pd.average[5], mean5, accuracy: 1e-12)
        }
    }

    func testPartialDependenceGridFollowsTheRowsPercentilesOrTheirUniqueValues() throws {
        var g = RandomGenerator(seed: 6)
        var x = try Tensor.randn([40, 2], using: &g).floats
        for i in 0..<40 { x[i * 2 + 1] = Float(i % 3) }        // a feature with three values
        let rows = try Tensor(shape: [40, 2], floats: x)
        let m = try linearModel([1, 1], bias: 0)
        let pd = try PartialDependence(model: m, rows: rows, features: [0], grid: 10, target: 1)
        let col = (0..<40).map { Double(x[$0 * 2]) }.sorted()
        XCTAssertGreaterThan(pd.axes[0][0], col[0])
        XCTAssertLessThan(pd.axes[0][9], col[39])
        let steps = (1..<10).map { pd.axes[0][$0] - pd.axes[0][$0 - 1] }
        for s in steps { XCTAssertEqual(s, steps[0], accuracy: 1e-9, "evenly spaced") }
        let cat = try PartialDependence(model: m, rows: rows, features: [1], grid: 10, target: 1)
        XCTAssertEqual(cat.axes[0], [0, 1, 2])
        let two = try PartialDependence(model: m, rows: rows, features: [0, 1], grid: 5, target: 1)
        XCTAssertEqual(two.average.count, 5 * 3)
        XCTAssertTrue(two.individual.isEmpty)
    }
}
