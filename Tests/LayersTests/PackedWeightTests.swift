import XCTest
@testable import Layers
import Tensors
import TestSupport

/// Linear layers and attention keep their weights laid out for the product kernels between
/// forward passes without training (here: with gradients off): the same bits as laying them
/// out anew, and a new layout whenever the weight or the kernel path changes.
final class PackedWeightTests: XCTestCase {
    private var saved = Kernels.settings
    private var savedGradMode = GradMode.enabled
    override func setUp() {
        super.setUp()
        saved = Kernels.settings
        savedGradMode = GradMode.enabled
        GradMode.enabled = false
    }
    override func tearDown() {
        Kernels.settings = saved
        GradMode.enabled = savedGradMode
        super.tearDown()
    }

    func bits(_ t: Tensor) -> [UInt32] { t.floats.map(\.bitPattern) }

    /// A new layer with `layer`'s values, whose first forward pass lays its weights out anew.
    func fresh(_ layer: Linear) throws -> Linear {
        let copy = try Linear(layer.inFeatures, layer.outFeatures, bias: layer.bias != nil)
        try copy.loadStateDict(Dictionary(uniqueKeysWithValues: layer.stateDict()))
        return copy
    }

    /// The layer's output equals the plain product's and a fresh layer's, bit for bit.
    func assertCurrent(_ layer: Linear, _ x: Tensor, _ what: String, file: StaticString = #filePath,
                       line: UInt = #line) throws {
        let y = try layer(x)
        let plain = try Tensor.linear(x, layer.weight.value, layer.bias?.value)
        XCTAssertEqual(bits(y), bits(plain), what, file: file, line: line)
        XCTAssertEqual(bits(y), bits(try fresh(layer)(x)), what, file: file, line: line)
    }

    func testRepeatedForwardPassesReuseOneLayoutWithTheSameBits() throws {
        var g = RandomGenerator(seed: 1)
        let layer = try Linear(70, 45)
        let x = try Tensor.randn([13, 70], using: &g)
        let first = try layer(x)
        XCTAssertEqual(bits(first), bits(try Tensor.linear(x, layer.weight.value, layer.bias?.value)))
        for _ in 0..<3 { XCTAssertEqual(bits(try layer(x)), bits(first)) }
        XCTAssertEqual(layer.packedWeight.layouts, 1)
        // Freezing and thawing (as explanations do around every gradient) leaves the values alone.
        layer.freeze()
        layer.freeze(false)
        _ = try layer(x)
        XCTAssertEqual(layer.packedWeight.layouts, 1)
    }

    func testAWeightBeingTrainedIsNotKeptLaidOut() throws {
        var g = RandomGenerator(seed: 8)
        let layer = try Linear(19, 33)
        let x = try Tensor.randn([5, 19], using: &g)
        _ = try layer(x)
        XCTAssertNotNil(layer.packedWeight.current)
        GradMode.enabled = true
        let y = try layer(x)
        XCTAssertNil(layer.packedWeight.current, "the copy is dropped while the weight is trained")
        XCTAssertEqual(bits(y), bits(try Tensor.linear(x, layer.weight.value, layer.bias?.value)))
        try y.sum().backward()
        XCTAssertNotNil(layer.weight.grad)
        // A frozen layer is not trained: gradients may flow through it to its input.
        layer.freeze()
        _ = try layer(x)
        XCTAssertNotNil(layer.packedWeight.current)
        XCTAssertEqual(layer.packedWeight.layouts, 2)
    }

    func testAnInPlaceUpdateAsOptimizersMakeItLaysTheWeightOutAgain() throws {
        var g = RandomGenerator(seed: 2)
        let layer = try Linear(19, 33)
        let x = try Tensor.randn([5, 19], using: &g)
        _ = try layer(x)
        try layer.weight.value.updateValues { w in for i in 0..<w.count { w[i] -= 0.01 * Float(i % 7) } }
        try assertCurrent(layer, x, "after an in-place update")
        XCTAssertEqual(layer.packedWeight.layouts, 2)
    }

    func testAssigningTheWeightLaysItOutAgain() throws {
        var g = RandomGenerator(seed: 3)
        let layer = try Linear(19, 33)
        let x = try Tensor.randn([12, 19], using: &g)
        _ = try layer(x)
        layer.weight.value = try Tensor.randn([33, 19], using: &g).requiringGrad()
        try assertCurrent(layer, x, "after assigning the weight")
    }

    func testLoadingAStateDictLaysTheWeightOutAgain() throws {
        var g = RandomGenerator(seed: 4)
        let layer = try Linear(19, 33), other = try Linear(19, 33)
        let x = try Tensor.randn([32, 19], using: &g)
        _ = try layer(x)
        try layer.loadStateDict(Dictionary(uniqueKeysWithValues: other.stateDict()))
        try assertCurrent(layer, x, "after load_state_dict")
        XCTAssertEqual(bits(try layer(x)), bits(try other(x)))
    }

    func testPruningLaysTheWeightOutAgain() throws {
        var g = RandomGenerator(seed: 5)
        let layer = try Linear(40, 30)
        let x = try Tensor.randn([1, 40], using: &g)
        let before = try layer(x)
        try layer.prune(sparsity: 0.5)
        try assertCurrent(layer, x, "after pruning")
        XCTAssertNotEqual(bits(try layer(x)), bits(before))
    }

    func testSwitchingTheKernelPathLaysTheWeightOutForTheNewPath() throws {
        var g = RandomGenerator(seed: 6)
        let layer = try Linear(300, 100)
        let x = try Tensor.randn([100, 300], using: &g)
        let first = try layer(x)
        for path in Kernels.supported {
            for threads in [1, 2, 3] {
                Kernels.path = path; Kernels.threads = threads; Kernels.smallWork = 0
                XCTAssertEqual(bits(try layer(x)), bits(first), "\(path), \(threads) threads")
                XCTAssertEqual(layer.packedWeight.current?.path, path)
            }
        }
    }

    func testAttentionProjectionsMatchFreshLayersAfterTheirWeightsChange() throws {
        var g = RandomGenerator(seed: 7)
        let attention = try MultiheadAttention(embedDim: 12, numHeads: 3)
        let x = try Tensor.randn([2, 5, 12], using: &g), memory = try Tensor.randn([2, 7, 12], using: &g)
        func outputs(_ a: MultiheadAttention) throws -> [[UInt32]] {
            [bits(try a.attend(query: x).output), bits(try a.attend(query: x, key: memory, value: memory).output),
             bits(try a.attend(query: x).output)]
        }
        _ = try outputs(attention)
        var state = Dictionary(uniqueKeysWithValues: attention.stateDict())
        state["in_proj_weight"] = try Tensor.randn([36, 12], using: &g)
        state["out_proj.weight"] = try Tensor.randn([12, 12], using: &g)
        try attention.loadStateDict(state)
        XCTAssertEqual(try outputs(attention), try outputs(MultiheadAttention.copy(of: attention)))
        try attention.inProjWeight.value.updateValues { w in for i in 0..<w.count { w[i] *= 0.5 } }
        XCTAssertEqual(try outputs(attention), try outputs(MultiheadAttention.copy(of: attention)))
    }
}

extension MultiheadAttention {
    /// A new attention with the values of `other`.
    static func copy(of other: MultiheadAttention) throws -> MultiheadAttention {
        let copy = try MultiheadAttention(embedDim: other.embedDim, numHeads: other.numHeads)
        try copy.loadStateDict(Dictionary(uniqueKeysWithValues: other.stateDict()))
        return copy
    }
}
