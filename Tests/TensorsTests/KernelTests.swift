import CKernels
import Foundation
import XCTest
@testable import Tensors

/// The product kernels' promise: every output element is one chain of fused multiply-adds
/// over k from 0 upward, so every CPU path and every thread count gives the same bits.
final class KernelTests: XCTestCase {
    /// Sizes around the kernels' tile and block edges (tiles of 4, 6, 12 rows and 4, 16, 32
    /// columns; k-blocks of 256), plus 1 and a size past 1000.
    static let sizes = [1, 7, 17, 63, 65, 257, 1000]

    // Each test changes the engine's settings; they are put back as they were.
    private var saved = Kernels.settings
    override func setUp() { super.setUp(); saved = Kernels.settings }
    override func tearDown() { Kernels.settings = saved; super.tearDown() }

    /// A product through Kernels.gemm on the given path and thread count; every split into
    /// workers is forced (smallWork 0) so that thread counts really differ.
    func product(_ a: [Float], _ b: [Float], batch: Int = 1, m: Int, n: Int, k: Int, transA: Bool, transB: Bool,
                 start: [Float]? = nil, path: Kernels.Path, threads: Int) -> [Float] {
        Kernels.path = path
        Kernels.threads = threads
        Kernels.smallWork = 0
        var c = start ?? [Float](repeating: .nan, count: batch * m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    Kernels.gemm(batch: batch, m: m, n: n, k: k, pa.baseAddress!, transA: transA, strideA: m * k,
                                 pb.baseAddress!, transB: transB, strideB: k * n, pc.baseAddress!, accumulate: start != nil)
                }
            }
        }
        return c
    }

    /// The definition, written out: C(i, j) = fma(A(i, k−1), B(k−1, j), … fma(A(i, 0), B(0, j), start)).
    func definition(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool, transB: Bool, start: [Float]?) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = start?[i * n + j] ?? 0
                for p in 0..<k {
                    let x = transA ? a[p * m + i] : a[i * k + p]
                    let y = transB ? b[j * k + p] : b[p * n + j]
                    s = s.addingProduct(x, y)
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    func randomFloats(_ count: Int, _ g: inout RandomGenerator) -> [Float] {
        (0..<count).map { _ in g.uniform() * 2 - 1 }
    }

    func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }

    func testEveryPathAndThreadCountGivesTheDefiningChainBitForBit() {
        var g = RandomGenerator(seed: 2024)
        var cases = 0
        for _ in 0..<40 {
            let m = Self.sizes[Int(g.below(UInt64(Self.sizes.count)))]
            let n = Self.sizes[Int(g.below(UInt64(Self.sizes.count)))]
            let k = Self.sizes[Int(g.below(UInt64(Self.sizes.count)))]
            guard m * n * k <= 20_000_000 else { continue }
            let transA = g.below(2) == 1, transB = g.below(2) == 1, accumulate = g.below(3) == 0
            let a = randomFloats(m * k, &g), b = randomFloats(k * n, &g)
            let start = accumulate ? randomFloats(m * n, &g) : nil
            let expected = bits(definition(a, b, m: m, n: n, k: k, transA: transA, transB: transB, start: start))
            for path in Kernels.supported where path != .scalar || m * n * k <= 2_000_000 {
                for threads in [1, 2, 3, 8] {
                    let c = product(a, b, m: m, n: n, k: k, transA: transA, transB: transB, start: start, path: path, threads: threads)
                    XCTAssertEqual(bits(c), expected, "\(path) path, \(threads) threads, \(m)×\(k)·\(k)×\(n) transA \(transA) transB \(transB)")
                }
            }
            cases += 1
        }
        XCTAssertGreaterThan(cases, 25)
    }

    func testProductsAgreeWithFloat64WithinTheirRoundingError() {
        var g = RandomGenerator(seed: 7)
        for (m, n, k) in [(1000, 65, 257), (17, 1000, 63), (63, 7, 1000)] {
            let a = randomFloats(m * k, &g), b = randomFloats(k * n, &g)
            let c = product(a, b, m: m, n: n, k: k, transA: false, transB: true, path: Kernels.path, threads: 2)
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var exact = 0.0, magnitude = 0.0
                    for p in 0..<k {
                        exact += Double(a[i * k + p]) * Double(b[j * k + p])
                        magnitude += Swift.abs(Double(a[i * k + p]) * Double(b[j * k + p]))
                    }
                    worst = Swift.max(worst, Swift.abs(Double(c[i * n + j]) - exact) / magnitude)
                }
            }
            // Relative to Σ|aᵢbᵢ| (a sum with cancellation has no relative bound of its own).
            XCTAssertLessThan(worst, 1e-5, "\(m)×\(k)·\(k)×\(n)")
        }
    }

    func testBatchedProductsMatchOneProductPerMatrix() {
        var g = RandomGenerator(seed: 11)
        let (batch, m, n, k) = (5, 17, 33, 65)
        let a = randomFloats(batch * m * k, &g), b = randomFloats(batch * k * n, &g)
        for path in Kernels.supported {
            for threads in [1, 3] {
                let c = product(a, b, batch: batch, m: m, n: n, k: k, transA: false, transB: false, path: path, threads: threads)
                for i in 0..<batch {
                    let one = definition(Array(a[(i * m * k)..<((i + 1) * m * k)]), Array(b[(i * k * n)..<((i + 1) * k * n)]),
                                         m: m, n: n, k: k, transA: false, transB: false, start: nil)
                    XCTAssertEqual(bits(Array(c[(i * m * n)..<((i + 1) * m * n)])), bits(one), "\(path), \(threads) threads, matrix \(i)")
                }
            }
        }
    }

    func testAPackedOperandGivesTheSameBitsAsPackingEachTime() {
        var g = RandomGenerator(seed: 13)
        for (m, n, k) in [(32, 256, 64), (5, 7, 300), (13, 33, 17)] {
            for transB in [false, true] {
                let a = randomFloats(m * k, &g), b = randomFloats(k * n, &g), start = randomFloats(m * n, &g)
                let expected = bits(definition(a, b, m: m, n: n, k: k, transA: false, transB: transB, start: start))
                for path in Kernels.supported {
                    Kernels.path = path
                    let packed = b.withUnsafeBufferPointer { Kernels.Packed(k: k, n: n, $0.baseAddress!, transB: transB) }
                    var c = start
                    a.withUnsafeBufferPointer { pa in
                        c.withUnsafeMutableBufferPointer { Kernels.gemm(m: m, pa.baseAddress!, transA: false, packed, $0.baseAddress!, accumulate: true) }
                    }
                    XCTAssertEqual(bits(c), expected, "\(path), \(m)×\(k)·\(k)×\(n) transB \(transB)")
                    // The layout is where xai_packed_index says each element is.
                    for (p, j) in [(0, 0), (k - 1, n - 1), (k / 2, n / 3)] {
                        let at = Int(xai_packed_index(path.code, Int64(k), Int64(n), Int64(p), Int64(j)))
                        XCTAssertEqual(packed.floats[at], transB ? b[j * k + p] : b[p * n + j])
                    }
                }
            }
        }
    }

    func testChainsStartingFromABiasRowAreTheDefinitionWithThatStart() {
        var g = RandomGenerator(seed: 23)
        for (batch, m, n, k) in [(1, 1000, 65, 17), (1, 7, 257, 63), (3, 17, 33, 65), (1, 5, 7, 0)] {
            let a = randomFloats(batch * m * k, &g), b = randomFloats(batch * k * n, &g), bias = randomFloats(n, &g)
            var expected: [UInt32] = []
            for i in 0..<batch {
                expected += bits(definition(Array(a[(i * m * k)..<((i + 1) * m * k)]), Array(b[(i * k * n)..<((i + 1) * k * n)]),
                                            m: m, n: n, k: k, transA: false, transB: true,
                                            start: (0..<m).flatMap { _ in bias }))
            }
            for path in Kernels.supported {
                for threads in [1, 2, 3] {
                    Kernels.path = path; Kernels.threads = threads; Kernels.smallWork = 0
                    let c = Tensor.product(a, b, batch: batch, m: m, n: n, k: k, transA: false, transB: true,
                                           strideA: m * k, strideB: k * n, initial: bias)
                    XCTAssertEqual(bits(c), expected, "\(path), \(threads) threads, \(batch)×\(m)×\(k)·\(k)×\(n)")
                }
            }
        }
    }

    func testEmptyInnerDimensionGivesZerosOrLeavesTheStart() {
        for path in Kernels.supported {
            XCTAssertEqual(product([], [], m: 3, n: 2, k: 0, transA: false, transB: false, path: path, threads: 2), [0, 0, 0, 0, 0, 0])
            XCTAssertEqual(product([], [], m: 1, n: 2, k: 0, transA: false, transB: false, start: [4, 5], path: path, threads: 2), [4, 5])
        }
    }

    func testInt8ProductsAreExactIntegerSumsOnEveryPath() {
        var g = RandomGenerator(seed: 5)
        for (m, n, k) in [(1, 1, 1), (3, 5, 31), (7, 4, 64), (2, 9, 65), (33, 17, 257), (4, 3, 1000), (64, 128, 32), (9, 70, 3)] {
            let a = (0..<(m * k)).map { _ in Int8(Int(g.below(256)) - 128) }
            let b = (0..<(n * k)).map { _ in Int8(Int(g.below(256)) - 128) }
            var expected = [Int32](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n { for p in 0..<k { expected[i * n + j] += Int32(a[i * k + p]) * Int32(b[j * k + p]) } } }
            for path in Kernels.supported {
                for threads in [1, 2] {
                    Kernels.path = path; Kernels.threads = threads; Kernels.smallWork = 0
                    var c = [Int32](repeating: -1, count: m * n)
                    let packed = Kernels.PackedInt8(b, n: n, k: k)
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { Kernels.s8gemm(m: m, pa.baseAddress!, packed, plain: pb.baseAddress!, $0.baseAddress!) }
                        }
                    }
                    XCTAssertEqual(c, expected, "\(path), \(threads) threads, \(m)×\(k)·\(k)×\(n)")
                }
            }
        }
    }

    func testExtremeCodesDoNotSaturate() {
        // The extreme codes everywhere, −128 included: the largest products and sums.
        let k = 300
        let a = [Int8](repeating: -128, count: k), b = [Int8](repeating: 127, count: 2 * k)
        for path in Kernels.supported {
            Kernels.path = path
            var c = [Int32](repeating: 0, count: 2)
            let packed = Kernels.PackedInt8(b, n: 2, k: k)
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { Kernels.s8gemm(m: 1, pa.baseAddress!, packed, plain: pb.baseAddress!, $0.baseAddress!) }
                }
            }
            XCTAssertEqual(c, [-128 * 127 * Int32(k), -128 * 127 * Int32(k)], "\(path)")
        }
    }

    func testAdamStepsAreTheScalarFormulaOnEveryPath() {
        var g = RandomGenerator(seed: 17)
        let n = 1037
        let w0 = randomFloats(n, &g), m0 = randomFloats(n, &g).map { $0 * 0.1 }, v0 = randomFloats(n, &g).map { $0 * $0 }
        let grad = randomFloats(n, &g) + [.nan, .infinity, 0, -0.0].flatMap { [$0] }
        let (l2, b1, b2, step, bc2Sqrt, eps): (Float, Float, Float, Float, Float, Float) = (0.01, 0.9, 0.999, 0.003, 0.2, 1e-8)
        var w = w0 + [1, 1, 1, 1], m = m0 + [0, 0, 0, 0], v = v0 + [0, 0, 0, 0]
        for i in 0..<w.count {
            let gi = grad[i] + l2 * w[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            w[i] -= step * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
        }
        for path in Kernels.supported {
            Kernels.path = path
            var pw = w0 + [1, 1, 1, 1], pm = m0 + [0, 0, 0, 0], pv = v0 + [0, 0, 0, 0]
            pw.withUnsafeMutableBufferPointer { bw in
                pm.withUnsafeMutableBufferPointer { bm in
                    pv.withUnsafeMutableBufferPointer { bv in
                        grad.withUnsafeBufferPointer { bg in
                            Kernels.adam(bw, m: bm, v: bv, grad: bg, l2: l2, b1: b1, c1: 1 - b1, b2: b2, c2: 1 - b2,
                                         step: step, bc2Sqrt: bc2Sqrt, eps: eps)
                        }
                    }
                }
            }
            XCTAssertEqual(bits(pw), bits(w), "\(path)")
            XCTAssertEqual(bits(pm), bits(m), "\(path)")
            XCTAssertEqual(bits(pv), bits(v), "\(path)")
        }
    }

    func testGELUKernelIsFastMathsFormulaBitForBitOnEveryPath() {
        var g = RandomGenerator(seed: 19)
        // Random bit patterns (every exponent, NaNs and infinities included) and ordinary values.
        var x = (0..<4000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: g.next())) }
        x += (0..<4000).map { _ in (g.uniform() * 2 - 1) * 12 }
        x += [0, -0.0, .infinity, -.infinity, .nan, 1e-30, -1e-30, 9, -9, 80, -80]
        var expectedY: [UInt32] = [], expectedSlope: [UInt32] = []
        for v in x {
            let (cdf, pdf) = FastMath.standardNormal(v)
            expectedY.append((v * cdf).bitPattern)
            expectedSlope.append((cdf + v * pdf).bitPattern)
        }
        for path in Kernels.supported {
            Kernels.path = path
            var y = [Float](repeating: 0, count: x.count), slope = y
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    slope.withUnsafeMutableBufferPointer { Kernels.gelu(px.baseAddress!, py.baseAddress!, slope: $0.baseAddress!, count: x.count) }
                }
            }
            // NaN is NaN: its payload may differ where a compiler orders a product's operands otherwise.
            let (yBits, slopeBits) = (bits(y), bits(slope))
            let wrongY = x.indices.filter { yBits[$0] != expectedY[$0] && !(y[$0].isNaN && Float(bitPattern: expectedY[$0]).isNaN) }
            let wrongSlope = x.indices.filter { slopeBits[$0] != expectedSlope[$0] && !(slope[$0].isNaN && Float(bitPattern: expectedSlope[$0]).isNaN) }
            XCTAssertTrue(wrongY.isEmpty, "\(path): GELU of \(wrongY.prefix(3).map { x[$0] }) gave \(wrongY.prefix(3).map { y[$0] }), not \(wrongY.prefix(3).map { Float(bitPattern: expectedY[$0]) }) (\(wrongY.count) values)")
            XCTAssertTrue(wrongSlope.isEmpty, "\(path): slope of \(wrongSlope.prefix(3).map { x[$0] }) gave \(wrongSlope.prefix(3).map { slope[$0] }), not \(wrongSlope.prefix(3).map { Float(bitPattern: expectedSlope[$0]) }) (\(wrongSlope.count) values)")
        }
    }

    func testAnUnknownOrUnsupportedPathIsAClearError() {
        XCTAssertThrowsError(try Kernels.use("sse9")) { e in
            XCTAssertTrue("\(e)".contains("must be one of avx512, avx2, neon, scalar"), "\(e)")
        }
        if let missing = Kernels.Path.allCases.first(where: { !Kernels.supported.contains($0) }) {
            XCTAssertThrowsError(try Kernels.use(missing.rawValue)) { e in
                XCTAssertTrue("\(e)".contains("this CPU cannot run"), "\(e)")
            }
        }
        XCTAssertNoThrow(try Kernels.use("scalar"))
    }

    func testTheEnvironmentChoosesPathAndWorkersOrSaysWhatIsWrong() throws {
        defer { unsetenv("XAI_KERNEL"); unsetenv("XAI_THREADS") }
        setenv("XAI_KERNEL", "scalar", 1); setenv("XAI_THREADS", "3", 1)
        try Kernels.configure()
        XCTAssertEqual(Kernels.path, .scalar)
        XCTAssertEqual(Kernels.threads, 3)
        setenv("XAI_THREADS", "abc", 1)
        XCTAssertThrowsError(try Kernels.configure()) { XCTAssertTrue("\($0)".contains("XAI_THREADS must be a whole number from 1 to 256, found 'abc'"), "\($0)") }
        setenv("XAI_THREADS", "0", 1)
        XCTAssertThrowsError(try Kernels.configure())
        setenv("XAI_THREADS", "2", 1); setenv("XAI_KERNEL", "mmx", 1)
        XCTAssertThrowsError(try Kernels.configure()) { XCTAssertTrue("\($0)".contains("found 'mmx'"), "\($0)") }
    }
}
