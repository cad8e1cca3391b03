import Foundation
import XCTest
import TestSupport
import Layers
import Tensors
import Training
@testable import Explain

/// Ghorbani et al.'s fragility attack: it keeps the predicted class, stays within its budget,
/// and never reports a larger top-k overlap than it started from.
final class FragilityTests: XCTestCase {
    func network() throws -> Model {
        var g = RandomGenerator(seed: 11)
        let first = try Linear(6, 12), second = try Linear(12, 3)
        try first.loadStateDict(["weight": Tensor.randn([12, 6], using: &g), "bias": Tensor.randn([12], using: &g)])
        try second.loadStateDict(["weight": Tensor.randn([3, 12], using: &g), "bias": Tensor.randn([3], using: &g)])
        return Model(try Sequential([first, Activation("tanh"), second]))
    }

    let input: [Float] = [0.4, -1.1, 0.9, 1.7, -0.3, 0.2]

    func explanation(_ m: Model, method: String = "saliency") throws -> Explanation {
        let r = ExplainRequest(method: method)
        return try Explainer.explain(Explainer.subject(m, .row(Tensor(input)), r), r)
    }

    func argmax(_ m: Model, _ x: Tensor) throws -> Int {
        guard let layer = m.module as? Layer else { throw TensorError.value("not a layer") }
        let v = try Tensor.withoutGrad { try layer.forward(x.unsqueeze(0)) }.floats
        return v.indices.max { v[$0] < v[$1] } ?? -1
    }

    func testTheAttackKeepsTheClassStaysInItsBudgetAndNeverRaisesTheOverlap() throws {
        let m = try network()
        let e = try explanation(m)
        let f = try ExplanationMetrics.fragility(e, eps: 0.1, k: 3, steps: 6, seed: 1)
        let before = try argmax(m, e.subject.input), after = try argmax(m, f.attacked.subject.input)
        XCTAssertEqual(before, after, "the attacked input keeps the predicted class")
        XCTAssertEqual(f.classBefore, before)
        XCTAssertEqual(f.classAfter, after)
        let range = Double(input.max() ?? 0) - Double(input.min() ?? 0)
        XCTAssertEqual(f.bound, 0.1 * range, accuracy: 1e-12, "eps is a fraction of the input's range")
        let moved = f.attacked.subject.input.floats
        let largest = zip(moved, input).map { Double(abs($0 - $1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(largest, f.bound * (1 + 1e-6) + 1e-6, "‖δ‖∞ within the budget")
        XCTAssertEqual(f.largestChange, largest, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(f.topK, 1)
        let c = try ExplanationMetrics.compare(e, f.attacked, k: 3)
        XCTAssertEqual(f.topK, c.topK, "the reported overlap is compare()'s")
        XCTAssertEqual(f.spearman, c.spearman)
        XCTAssertEqual(f.attacked.method, e.method, "the attacked input is explained with the same method")
    }

    func testTheSameSeedFindsTheSamePerturbation() throws {
        let m = try network()
        let e = try explanation(m, method: "input_x_gradient")
        let a = try ExplanationMetrics.fragility(e, eps: 0.05, k: 2, steps: 3, seed: 4)
        let b = try ExplanationMetrics.fragility(e, eps: 0.05, k: 2, steps: 3, seed: 4)
        let bits = { (f: Fragility) in f.attacked.subject.input.floats.map(\.bitPattern) }
        XCTAssertEqual(bits(a), bits(b))
        XCTAssertEqual(a.explained, b.explained)
    }

    func testALinearModelsSaliencyCannotBeMoved() throws {
        let fc = try Linear(4, 2)
        let m = Model(fc)
        let r = ExplainRequest(method: "saliency")
        let e = try Explainer.explain(Explainer.subject(m, .row(Tensor([0.5, -1, 2, 0.1])), r), r)
        let f = try ExplanationMetrics.fragility(e, eps: 0.2, k: 2, steps: 3)
        XCTAssertEqual(f.topK, 1, "a linear model's gradient is the same everywhere")
        XCTAssertEqual(f.spearman, 1, accuracy: 1e-12)
    }

    func testNonPositiveEpsIsAnError() throws {
        let e = try explanation(try network())
        assertThrows("eps must be a positive number") { try ExplanationMetrics.fragility(e, eps: 0) }
        assertThrows("found -0.1") { try ExplanationMetrics.fragility(e, eps: -0.1) }
        assertThrows("k must be at least 1") { try ExplanationMetrics.fragility(e, k: 0) }
    }
}
