import Foundation
import XCTest
import Layers
import Tensors
import Training
@testable import Explain

/// Post-training int8 quantization of the trained reference sentiment model: it keeps its
/// decisions, shrinks, and can still be explained.
final class QuantizationTests: XCTestCase {
    func testInt8CodesReproduceTheWeightsWithinHalfAStep() throws {
        var g = RandomGenerator(seed: 3)
        let w = try Tensor.randn([5, 7], using: &g)
        let q = try Int8Matrix(w)
        let back = q.dequantized()
        for r in 0..<5 {
            for k in 0..<7 { XCTAssertLessThanOrEqual(abs(back.floats[r * 7 + k] - w.floats[r * 7 + k]), q.scales[r] / 2 + 1e-7) }
        }
        XCTAssertEqual(q.bytes, 35 + 20)
    }

    func testQuantizedSentimentModelAgreesOnAtLeast98PercentOfTestSentences() throws {
        let t = ReferenceExplainTests(name: "x", testClosure: { _ in })
        let (c, model, _) = try t.textCase()
        let indices = (c.json["split"] as? [String: Any])?["test_indices"] as? [Int] ?? []
        XCTAssertEqual(indices.count, 600)
        let test = try Datasets.load("sentiment").subset(indices)
        let before = try predict(model, test).floats

        let report = try model.module.quantizeInt8()
        XCTAssertEqual(report.int8Linear, 2, "attn and fc run in int8")
        XCTAssertEqual(report.weightOnly, 3, "embedding, weight_ih, weight_hh stored as int8")
        XCTAssertLessThan(Double(report.quantizedBytes), 0.3 * Double(report.floatBytes))
        let after = try predict(model, test).floats
        let agree = zip(before, after).filter { ($0 > 0.5) == ($1 > 0.5) }.count
        XCTAssertGreaterThanOrEqual(Double(agree) / 600, 0.98, "\(agree) of 600 agree")

        // Explanations still work (gradients flow through the int8 layers) and stay complete.
        var r = ExplainRequest(method: "integrated_gradients")
        r.target = 1
        let e = try Explainer.explain(Explainer.subject(model, .text("The food was not good at all."), r), r)
        XCTAssertLessThan(abs(e.check("convergence delta") ?? 1), 0.05)
    }
}
