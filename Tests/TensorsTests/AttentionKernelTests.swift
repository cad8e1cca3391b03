import XCTest
@testable import Tensors

/// The fused attention op equals attention composed of plain ops, for every mask layout it
/// reads in place ([B|1, H|1, T, S]) and for those it expands.
final class AttentionKernelTests: XCTestCase {
    func testFusedAttentionEqualsComposedOpsForEveryMaskLayout() throws {
        var g = RandomGenerator(seed: 5)
        let (B, H, T, S, d) = (3, 2, 4, 5, 8)
        let q = try Tensor.randn([B, H, T, d], using: &g), k = try Tensor.randn([B, H, S, d], using: &g), v = try Tensor.randn([B, H, S, d], using: &g)
        for maskShape in [[B, 1, T, S], [1, 1, T, S], [B, H, T, S], [1, H, T, S], [B, 1, 1, S], [T, S]] {
            let count = maskShape.reduce(1, *)
            // Some entries forbidden (−∞), never a whole row.
            let values = (0..<count).map { i -> Float in i % 7 == 3 && i % S != 0 ? -.infinity : Float(i % 5) * 0.1 }
            let mask = try Tensor(shape: maskShape, floats: values)
            let fused = try Tensor.attention(q, k, v, mask: mask)
            let scores = try q.matmul(k.transpose(2, 3)).scaled(by: 1 / Float(d).squareRoot()).add(mask)
            let w = try scores.softmax(dim: 3)
            let out = try w.matmul(v)
            for (a, b) in zip(fused.weights.floats, w.floats) { XCTAssertEqual(a, b, accuracy: 1e-6, "weights, mask \(maskShape)") }
            for (a, b) in zip(fused.output.floats, out.floats) { XCTAssertEqual(a, b, accuracy: 1e-5, "output, mask \(maskShape)") }
        }
    }
}
