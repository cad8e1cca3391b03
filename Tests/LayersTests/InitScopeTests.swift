import XCTest
import Layers
import Tensors

/// Building a model to load a checkpoint into need not draw its initial values.
final class InitScopeTests: XCTestCase {
    func testWithoutRandomDrawsLayersStartAtZeroAndTheGeneratorIsUntouched() throws {
        let state = Random.shared
        defer { Random.shared = state }
        let layer = try Init.withoutRandomDraws { try Linear(8, 4) }
        var untouched = state
        XCTAssertEqual(Random.shared.next(), untouched.next())
        XCTAssertTrue(layer.weight.value.floats.allSatisfy { $0 == 0 })
        XCTAssertTrue(try XCTUnwrap(layer.bias).value.floats.allSatisfy { $0 == 0 })
        XCTAssertTrue(Init.drawsRandomly)
    }

    func testOutsideTheScopeInitialisationDrawsAsBefore() throws {
        let state = Random.shared
        defer { Random.shared = state }
        Random.shared = RandomGenerator(seed: 11)
        let layer = try Linear(8, 4)
        var g = RandomGenerator(seed: 11)
        let bound: Float = 1 / Float(8).squareRoot()
        let weight = try Tensor.uniform([4, 8], low: -bound, high: bound, using: &g)
        XCTAssertEqual(bits(layer.weight.value), bits(weight))
    }

    func bits(_ t: Tensor) -> [UInt32] { t.floats.map(\.bitPattern) }
}
