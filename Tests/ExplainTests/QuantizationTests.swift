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
        XCTAssertEqual(report.int8Projections, 2, "the LSTM's weight_ih and weight_hh run in int8")
        XCTAssertEqual(report.weightOnly, 1, "the embedding table is stored as int8")
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

/// The int8 kernels of LSTMs and attention: close to float, and really int8.
final class Int8ProjectionTests: XCTestCase {
    func testInt8ProductsEqualInt32ArithmeticBitForBit() throws {
        var g = RandomGenerator(seed: 21)
        for (n, rows, cols) in [(3, 5, 7), (40, 64, 1040), (2, 3, 1500)] {
            let w = try Int8Matrix(Tensor.randn([rows, cols], using: &g))
            let x = try Tensor.randn([n, cols], using: &g).floats
            var y = [Float](repeating: 0, count: n * rows)
            x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { w.multiply(px, rows: n, into: $0) } }
            let sx = (x.map(abs).max() ?? 1) / 127
            let xq = x.map { Int32(max(-127, min(127, ($0 / sx).rounded()))) }
            for r in 0..<n {
                for j in 0..<rows {
                    var acc: Int32 = 0
                    for k in 0..<cols { acc += xq[r * cols + k] * Int32(w.values[j * cols + k]) }
                    XCTAssertEqual(y[r * rows + j], Float(acc) * sx * w.scales[j], "\(n)×\(cols) · \(cols)×\(rows) at [\(r), \(j)]")
                }
            }
        }
    }

    func testAnInt8LSTMFollowsTheFloatOneAndItsGradientIsStraightThrough() throws {
        Random.seed(12)
        let lstm = try Recurrent(.lstm, inputSize: 6, hiddenSize: 8)
        let x = try Tensor.randn([3, 5, 6])
        let float = try lstm.run(x, lengths: [5, 3, 1]).output.floats
        try lstm.quantizeInt8()
        XCTAssertEqual(lstm.int8.count, 1)
        XCTAssert(lstm.details.contains("int8"))
        let xg = try x.requiringGrad()
        let out = try lstm.run(xg, lengths: [5, 3, 1]).output
        let maxDiff = zip(float, out.floats).map { abs($0 - $1) }.max() ?? 1
        XCTAssertLessThan(maxDiff, 0.03, "int8 LSTM within rounding of the float one")
        XCTAssertGreaterThan(maxDiff, 0, "and not the float path")
        // Weight-only (the dequantized weights in float) differs from int8 × int8 only by the
        // rounding of the activations.
        lstm.int8 = []
        let weightOnly = try lstm.run(xg, lengths: [5, 3, 1])
        XCTAssertLessThan(zip(weightOnly.output.floats, out.floats).map { abs($0 - $1) }.max() ?? 1, 0.02)
        try out.sum().backward()
        let g1 = xg.grad?.floats ?? []
        xg.zeroGrad()
        try weightOnly.output.sum().backward()
        // Straight-through: backward multiplies by the dequantized weights, at the gates the
        // int8 forward computed, so the gradients agree to within the activation rounding.
        let g2 = xg.grad?.floats ?? []
        XCTAssertEqual(g1.count, g2.count)
        XCTAssertLessThan(zip(g1, g2).map { abs($0 - $1) }.max() ?? 1, 0.01)
        XCTAssertGreaterThan(g1.map(abs).max() ?? 0, 0.1)
    }

    func testInt8AttentionProjectionsForSelfAndCrossAttention() throws {
        Random.seed(13)
        let mha = try MultiheadAttention(embedDim: 8, numHeads: 2)
        let q = try Tensor.randn([2, 4, 8]), kv = try Tensor.randn([2, 3, 8])
        let selfFloat = try mha.attend(query: q).output.floats, crossFloat = try mha.attend(query: q, key: kv, value: kv).output.floats
        let report = try mha.quantizeInt8()
        XCTAssertEqual(report.int8Projections, 1)
        XCTAssertEqual(report.int8Linear, 1, "out_proj")
        XCTAssertNotNil(mha.inProjInt8)
        for (a, b) in [(selfFloat, try mha.attend(query: q).output.floats), (crossFloat, try mha.attend(query: q, key: kv, value: kv).output.floats)] {
            let d = zip(a, b).map { abs($0 - $1) }.max() ?? 1
            XCTAssertLessThan(d, 0.05)
            XCTAssertGreaterThan(d, 0)
        }
    }
}

/// The compression table's numbers: bytes as stored, and drift measured against the original.
final class CompressionReportTests: XCTestCase {
    func testStoredBytesCountInt8CodesWithRowScalesAndSparseRows() throws {
        Random.seed(8)
        let net = try Sequential([Linear(100, 50), Activation("relu"), Linear(50, 2)])
        XCTAssertEqual(net.storedBytes, 4 * (100 * 50 + 50 + 50 * 2 + 2))
        try net.prune(sparsity: 0.9, global: false)
        // 500 kept weights of the first matrix: 4-byte values, 2-byte column indices, 51 row offsets.
        let first = net.prunableWeights[0]
        XCTAssertEqual(first.storedBytes, 500 * 6 + 4 * 51)
        // The second keeps 10 of 100: sparse rows would cost 10·6 + 3·4 = 72 < 400 bytes dense.
        XCTAssertEqual(net.prunableWeights[1].storedBytes, 10 * 6 + 4 * 3)

        let q = try Sequential([Linear(100, 50), Activation("relu"), Linear(50, 2)])
        let report = try q.quantizeInt8()
        XCTAssertEqual(report.quantizedBytes, (100 * 50 + 4 * 50) + 4 * 50 + (50 * 2 + 4 * 2) + 4 * 2)
        XCTAssertEqual(q.storedBytes, report.quantizedBytes)
    }

    func testTheOriginalAgreesWithItselfAndCopiesDriftByTheirExplanations() throws {
        Random.seed(9)
        let data = try Datasets.load("iris").standardized()
        let net = try Sequential([Linear(4, 16), Activation("tanh"), Linear(16, 3)])
        _ = try fit(Model(net), data, epochs: 5, batchSize: 16, optimizer: Adam(net.parameters, lr: 0.05))
        let same = try Sequential([Linear(4, 16), Activation("tanh"), Linear(16, 3)])
        try same.loadStateDict(Dictionary(net.stateDict(), uniquingKeysWith: { a, _ in a }))
        let other = try Sequential([Linear(4, 16), Activation("tanh"), Linear(16, 3)])   // untrained
        let inputs = try (0..<10).map { RawInput.row(try data.features!.select(dim: 0, index: $0 * 15)) }
        var request = ExplainRequest(method: "integrated_gradients")
        request.steps = 16
        let rows = try CompressionReport.measure(reference: ("original", Model(net)), models: [("copy", Model(same)), ("untrained", Model(other))],
                                                 data: data, inputs: inputs, request: request, k: 2)
        XCTAssertEqual(rows.map(\.name), ["original", "copy", "untrained"])
        XCTAssertEqual(rows[0].multiplyAdds, 4 * 16 + 16 * 3, "the products' multiply-adds per row")
        for r in rows.prefix(2) {
            XCTAssertEqual(r.agreement, 1)
            XCTAssertEqual(r.spearman, 1, accuracy: 1e-9)
            XCTAssertEqual(r.topK, 1)
            XCTAssertEqual(r.accuracy, rows[0].accuracy)
        }
        XCTAssertLessThan(rows[2].agreement, 0.9)
        XCTAssertLessThan(rows[2].spearman, 0.9)
        XCTAssertEqual(rows[2].bytes, rows[0].bytes)
    }
}
