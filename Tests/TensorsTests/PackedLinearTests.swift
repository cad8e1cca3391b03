import CKernels
import XCTest
@testable import Tensors

/// A linear product with its weight laid out beforehand (Kernels.Packed) gives the bits of
/// the product that lays the weight out itself, on every path and with any number of workers.
final class PackedLinearTests: XCTestCase {
    private var saved = Kernels.settings
    override func setUp() { super.setUp(); saved = Kernels.settings }
    override func tearDown() { Kernels.settings = saved; super.tearDown() }

    /// Row counts around the kernels' tiles (4, 6, 12 rows) and a large one; output and input
    /// sizes that are not whole panels (4, 16, 32 columns), including more than one k-block (256)
    /// and enough columns for the work to be split by columns.
    static let rowCounts = [1, 5, 12, 13, 32, 100, 1000]
    static let outSizes = [1, 7, 45, 100, 231, 333]
    static let inSizes = [1, 19, 70, 300]

    func bits(_ t: Tensor) -> [UInt32] { t.floats.map(\.bitPattern) }

    func testPackedLinearEqualsUnpackedBitForBitOnEveryPathAndThreadCount() throws {
        var g = RandomGenerator(seed: 77)
        var compared = 0
        for m in Self.rowCounts {
            for _ in 0..<3 {
                let n = Self.outSizes[Int(g.below(UInt64(Self.outSizes.count)))]
                let k = Self.inSizes[Int(g.below(UInt64(Self.inSizes.count)))]
                let x = try Tensor.randn([m, k], using: &g), w = try Tensor.randn([n, k], using: &g)
                let b = try Tensor.randn([n], using: &g)
                for path in Kernels.supported where path != .scalar || m * n * k <= 10_000_000 {
                    for threads in [1, 2, 3] {
                        Kernels.path = path; Kernels.threads = threads; Kernels.smallWork = 0
                        let packed = Kernels.Packed(transposing: w)
                        XCTAssertTrue(packed.fits(w))
                        for bias in [nil, b] {
                            let plain = try Tensor.linear(x, w, bias)
                            let fast = try Tensor.linear(x, w, bias, packed: packed)
                            XCTAssertEqual(fast.shape, plain.shape)
                            XCTAssertEqual(bits(fast), bits(plain), "\(path), \(threads) threads, \(m)×\(k) · "
                                           + "\(k)×\(n), bias \(bias != nil)")
                            compared += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 100)
    }

    func testEveryWayOfSplittingTheWorkGivesTheSameBits() throws {
        var g = RandomGenerator(seed: 5)
        // Enough columns for blocks of columns (n ≥ 64 per worker), and too few (blocks of rows).
        for (m, n, k) in [(40, 333, 129), (250, 70, 260), (7, 1000, 33)] {
            let x = try Tensor.randn([m, k], using: &g), w = try Tensor.randn([n, k], using: &g)
            let b = try Tensor.randn([n], using: &g)
            Kernels.threads = 1
            let expected = bits(try Tensor.linear(x, w, b))
            for threads in [2, 3, 4, 7] {
                Kernels.threads = threads; Kernels.smallWork = 0
                let packed = Kernels.Packed(transposing: w)
                XCTAssertEqual(bits(try Tensor.linear(x, w, b, packed: packed)), expected, "\(threads) workers, "
                               + "\(m)×\(k) · \(k)×\(n)")
            }
        }
    }

    func testBatchDimensionsAndGradientsAreThoseOfThePlainLinear() throws {
        var g = RandomGenerator(seed: 9)
        let w = try Tensor.randn([37, 21], using: &g).requiringGrad(), b = try Tensor.randn([37], using: &g)
        let x = try Tensor.randn([3, 5, 21], using: &g)
        let packed = Kernels.Packed(transposing: w)
        let xa = try x.requiringGrad(), xb = try x.requiringGrad()
        let ya = try Tensor.linear(xa, w, b), yb = try Tensor.linear(xb, w, b, packed: packed)
        XCTAssertEqual(yb.shape, [3, 5, 37])
        XCTAssertEqual(bits(yb), bits(ya))
        let dy = try Tensor.randn([3, 5, 37], using: &g)
        try ya.backward(dy)
        let wGradPlain = try XCTUnwrap(w.grad)
        w.zeroGrad()
        try yb.backward(dy)
        XCTAssertEqual(bits(try XCTUnwrap(xb.grad)), bits(try XCTUnwrap(xa.grad)))
        XCTAssertEqual(bits(try XCTUnwrap(w.grad)), bits(wGradPlain))
    }

    func testALayoutThatDoesNotFitIsNotUsed() throws {
        var g = RandomGenerator(seed: 3)
        let x = try Tensor.randn([4, 6], using: &g), w = try Tensor.randn([5, 6], using: &g)
        let other = Kernels.Packed(transposing: try Tensor.randn([6, 5], using: &g))
        XCTAssertFalse(other.fits(w))
        XCTAssertEqual(bits(try Tensor.linear(x, w, packed: other)), bits(try Tensor.linear(x, w)))
        XCTAssertFalse(Kernels.Packed(transposing: try Tensor.randn([5], using: &g)).fits(w))
        for path in Kernels.supported where path != Kernels.path {
            let packed = Kernels.Packed(transposing: w)
            Kernels.path = path
            XCTAssertFalse(packed.fits(w), "laid out for another path")
            XCTAssertEqual(bits(try Tensor.linear(x, w, packed: packed)), bits(try Tensor.linear(x, w)))
            Kernels.path = saved.path
        }
        // No rows: an empty result of the right shape.
        let none = try Tensor.linear(try Tensor.zeros([0, 6]), w, packed: Kernels.Packed(transposing: w))
        XCTAssertEqual(none.shape, [0, 5])
    }

    /// The kernels' entry point for a block of a packed operand's columns checks where the
    /// block starts and ends.
    func testColumnBlocksMustStartAtAPanelAndStayInside() throws {
        let path = Kernels.path.code
        let width = Int64(xai_panel_width(path))
        let k: Int64 = 3, n: Int64 = 2 * width + 1
        let b = [Float](repeating: 1, count: Int(k * n))
        let packed = Kernels.Packed(b, k: Int(k), n: Int(n), transB: false)
        let a: [Float] = [1, 2, 3]
        var c = [Float](repeating: .nan, count: Int(n))
        let pb = try XCTUnwrap(packed.storage).base
        XCTAssertEqual(Int(bitPattern: pb) % 64, 0, "aligned to a cache line")
        XCTAssertEqual(xai_sgemm_packed_columns(path, 1, width, k, a, k, 1, pb, n, 1, nil, &c, n), -1)
        XCTAssertEqual(xai_sgemm_packed_columns(path, 1, width + 2, k, a, k, 1, pb, n, width, nil, &c, n), -1)
        XCTAssertEqual(xai_sgemm_packed_columns(path, 1, width + 1, k, a, k, 1, pb, n, width, nil, &c, n), 0)
        XCTAssertEqual(Array(c.prefix(Int(width) + 1)), [Float](repeating: 6, count: Int(width) + 1))
    }
}
