import XCTest
import TestSupport
@testable import Tensors

/// The autodiff contract users rely on: leaves accumulate, graphs fan out and in,
/// detach and no-grad cut the graph, and misuse is an error with a message.
final class AutogradTests: XCTestCase {
    func testGradientAccumulatesOverSeveralUses() throws {
        let x = try Tensor(shape: [2], floats: [1, 2]).requiringGrad()
        let y = try (x * x + x * 3).sum()   // dy/dx = 2x + 3
        try y.backward()
        XCTAssertEqual(x.grad?.floats, [5, 7])
        try y.backward()                     // a second backward accumulates, as in PyTorch
        XCTAssertEqual(x.grad?.floats, [10, 14])
        x.zeroGrad()
        XCTAssertNil(x.grad)
    }

    func testBackwardTakesAnUpstreamGradient() throws {
        let x = try Tensor(shape: [3], floats: [1, 2, 3]).requiringGrad()
        let y = x * 2
        try y.backward(Tensor(shape: [3], floats: [1, 0, -1]))
        XCTAssertEqual(x.grad?.floats, [2, 0, -2])
    }

    func testNonScalarBackwardWithoutGradientIsAnError() throws {
        let x = try Tensor(shape: [3], floats: [1, 2, 3]).requiringGrad()
        assertThrows("one-element output") { try (x * 2).backward() }
        assertThrows("gradient of shape [3]") { try (x * 2).backward(Tensor(shape: [2], floats: [1, 1])) }
    }

    func testDetachAndNoGradCutTheGraph() throws {
        let x = try Tensor(shape: [2], floats: [1, 2]).requiringGrad()
        XCTAssertFalse((x * 2).detach().requiresGrad)
        let y = Tensor.withoutGrad { x * 2 }
        XCTAssertFalse(y.requiresGrad)
        assertThrows("requires grad") { try y.sum().backward() }
        XCTAssertTrue((x * 2).requiresGrad)
        XCTAssertEqual((x * 2).gradFnName, "mul_scalar")
    }

    func testDeepGraphsDoNotOverflowTheStack() throws {
        let x = try Tensor(shape: [1], floats: [1]).requiringGrad()
        var y = x
        for _ in 0..<20000 { y = y + 0.0 }
        try y.sum().backward()
        XCTAssertEqual(x.grad?.floats, [1])
    }

    func testEmbeddingPaddingRowGetsNoGradient() throws {
        let w = try Tensor.ones([3, 2]).requiringGrad()
        try Tensor.embedding(Tensor(shape: [3], ints: [0, 1, 1]), w, paddingIndex: 0).sum().backward()
        XCTAssertEqual(w.grad?.floats, [0, 0, 2, 2, 0, 0])
    }

    func testIntegerTensorsCannotRequireGrad() throws {
        let ids = try Tensor(shape: [2], ints: [1, 2])
        assertThrows("float32") { try ids.requiringGrad() }
    }
}
