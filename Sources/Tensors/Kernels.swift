import CKernels
import Dispatch
import Foundation

/// xai's compute kernels: the CPU path that runs products, and the worker count.
///
/// Every float product computes each output element as one chain of fused multiply-adds over
/// k = 0, 1, 2, … (Sources/CKernels). All paths compute that chain, and work is split only
/// across independent output elements, so the bits of every result are the same on every
/// CPU, on every path and with any number of threads. The path and the thread count change
/// the speed only.
public enum Kernels {
    /// A way of running the kernels on this CPU.
    public enum Path: String, CaseIterable, Sendable {
        case avx512, avx2, neon, scalar

        var code: Int32 {
            switch self {
            case .scalar: return Int32(XAI_PATH_SCALAR)
            case .avx2: return Int32(XAI_PATH_AVX2)
            case .avx512: return Int32(XAI_PATH_AVX512)
            case .neon: return Int32(XAI_PATH_NEON)
            }
        }

        /// What the path is, for `:env` and benchmarks.
        public var description: String {
            switch self {
            case .avx512: return "AVX-512"
            case .avx2: return "AVX2+FMA"
            case .neon: return "NEON"
            case .scalar: return "portable scalar (fmaf)"
            }
        }
    }

    /// The paths this CPU can run, fastest first.
    public static let supported: [Path] = {
        let mask = xai_supported_paths()
        return Path.allCases.filter { mask & (1 << $0.code) != 0 }
    }()

    /// The path products run on: the fastest this CPU has, unless XAI_KERNEL names another.
    public nonisolated(unsafe) static var path: Path = supported.first ?? .scalar

    /// Workers for products and elementwise loops (XAI_THREADS, else the number of cores).
    public nonisolated(unsafe) static var threads = 1

    /// The path, the worker count and the size below which products use one worker, together
    /// (tests that change them put them back).
    public struct Settings: Sendable {
        public var path: Path, threads: Int, smallWork: Int
    }
    public static var settings: Settings {
        get { Settings(path: path, threads: threads, smallWork: smallWork) }
        set { path = newValue.path; threads = newValue.threads; smallWork = newValue.smallWork }
    }

    /// Reads XAI_KERNEL and XAI_THREADS. Throws when XAI_KERNEL names no path, or one this
    /// CPU cannot run, and when XAI_THREADS is not a count from 1 to 256.
    public static func configure(threads: Int? = nil) throws {
        let env = ProcessInfo.processInfo.environment
        var count = threads
        if count == nil, let text = env["XAI_THREADS"], !text.isEmpty {
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), (1...256).contains(n) else {
                throw TensorError.value("XAI_THREADS must be a whole number from 1 to 256, found '\(text)'")
            }
            count = n
        }
        self.threads = Swift.min(256, Swift.max(1, count ?? ProcessInfo.processInfo.activeProcessorCount))
        if let name = env["XAI_KERNEL"]?.lowercased(), !name.isEmpty {
            try use(name)
        }
    }

    /// Selects the path called `name` (avx512, avx2, neon, scalar).
    public static func use(_ name: String) throws {
        guard let p = Path(rawValue: name.lowercased()) else {
            throw TensorError.value(
                "XAI_KERNEL must be one of \(Path.allCases.map(\.rawValue).joined(separator: ", ")), found '\(name)'")
        }
        guard supported.contains(p) else {
            throw TensorError.value("XAI_KERNEL=\(name): this CPU cannot run the \(p.description) path; it has "
                                    + "\(supported.map(\.rawValue).joined(separator: ", "))")
        }
        path = p
    }

    /// Products of fewer multiply-adds run on one worker: waking a second costs more than it
    /// saves there. The choice changes the speed only.
    public nonisolated(unsafe) static var smallWork = 1 << 22

    /// Multiply-adds done by products since the program started (the work of a model's
    /// matrix products: compression tables report it per row, a measure of speed that does
    /// not vary run to run). Products are started from one thread, so a plain counter does.
    public nonisolated(unsafe) static var multiplyAdds = 0

    /// All the workers when the product of `sizes` (a count of multiply-adds) reaches
    /// `minimum`, else one.
    static func workers(for sizes: [Int], minimum: Int) -> Int {
        var work = 1
        for size in sizes {
            let (next, overflow) = work.multipliedReportingOverflow(by: size)
            if overflow { return threads }
            work = next
        }
        return work >= minimum ? threads : 1
    }

    /// Calls `body` with the rows of each worker's part of an m-row int8 product: blocks of
    /// 4 rows (the int8 kernels' tiles), on one worker below `smallWork`·4 multiply-adds.
    static func forEachInt8Part(m: Int, n: Int, k: Int, _ body: (Range<Int>) -> Void) {
        let workers = Swift.min(workers(for: [m, n, k], minimum: smallWork * 4), (m + 3) / 4)
        let blocks = (m + 3) / 4
        func part(_ p: Int) {
            let lo = Swift.min(m, blocks * p / workers * 4), hi = Swift.min(m, blocks * (p + 1) / workers * 4)
            if hi > lo { body(lo..<hi) }
        }
        if workers <= 1 { part(0) } else { Parallel.forEach(workers, part) }
    }

    /// C[b] = op(A[b]) · op(B[b]) for `batch` matrices; A is m×k (k×m if transA),
    /// B is k×n (n×k if transB); strides are in elements between consecutive matrices
    /// (0 reuses one matrix for the whole batch). C is batch×m×n, overwritten, or with
    /// `accumulate` each element's chain starts from C's value, or with `start` (n values,
    /// a bias) every row's chains start from that row.
    static func gemm(batch: Int, m: Int, n: Int, k: Int,
                     _ a: UnsafePointer<Float>, transA: Bool, strideA: Int,
                     _ b: UnsafePointer<Float>, transB: Bool, strideB: Int,
                     _ c: UnsafeMutablePointer<Float>, accumulate: Bool = false, start: UnsafePointer<Float>? = nil) {
        guard batch > 0, m > 0, n > 0 else { return }
        multiplyAdds &+= batch &* m &* n &* k
        let rsa = transA ? 1 : k, csa = transA ? m : 1
        let rsb = transB ? 1 : n, csb = transB ? k : 1
        let code = path.code
        // One kernel call: rows × cols of C from the given corners of A, B, C and the start row.
        func run(_ rows: Int, _ cols: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                 _ c: UnsafeMutablePointer<Float>, _ start: UnsafePointer<Float>?) {
            let status = start.map {
                xai_sgemm_from_row(code, Int64(rows), Int64(cols), Int64(k), a, Int64(rsa), Int64(csa),
                                   b, Int64(rsb), Int64(csb), $0, c, Int64(n))
            } ?? xai_sgemm(code, Int64(rows), Int64(cols), Int64(k), a, Int64(rsa), Int64(csa),
                           b, Int64(rsb), Int64(csb), c, Int64(n), accumulate ? 1 : 0)
            if status != 0 {
                if let start { for i in 0..<rows { (c + i * n).update(from: start, count: cols) } }
                chain(rows, cols, k, a, rsa, csa, b, rsb, csb, c, n, accumulate || start != nil)
            }
        }
        let workers = workers(for: [batch, m, n, k], minimum: smallWork)
        if workers <= 1 {
            for i in 0..<batch { run(m, n, a + i * strideA, b + i * strideB, c + i * m * n, start) }
            return
        }
        // Whole matrices of the batch per worker, else blocks of columns or of rows (tiles of
        // the AVX-512 kernel: 32 columns, 12 rows). Every element is still one chain.
        if batch >= workers {
            Parallel.forEach(workers) { p in
                for i in (batch * p / workers)..<(batch * (p + 1) / workers) {
                    run(m, n, a + i * strideA, b + i * strideB, c + i * m * n, start)
                }
            }
            return
        }
        // Columns when there are enough of them: each worker then packs only its own panels of
        // B and reads A in place, so no packing is repeated across workers.
        let byRows = n < 64 * workers
        let unit = byRows ? 12 : 32, total = byRows ? m : n
        let units = (total + unit - 1) / unit
        let parts = Swift.min(workers, units)
        Parallel.forEach(parts) { p in
            let lo = Swift.min(total, units * p / parts * unit), hi = Swift.min(total, units * (p + 1) / parts * unit)
            guard hi > lo else { return }
            for i in 0..<batch {
                let aPart = a + i * strideA + (byRows ? lo * rsa : 0)
                let bPart = b + i * strideB + (byRows ? 0 : lo * csb)
                let cPart = c + i * m * n + (byRows ? lo * n : lo)
                run(byRows ? hi - lo : m, byRows ? n : hi - lo, aPart, bPart, cPart,
                    byRows ? start : start.map { $0 + lo })
            }
        }
    }

    /// A right-hand operand laid out once for many products with it: a recurrent layer's
    /// hidden-to-hidden matrix, used at every step, or a linear layer's Wᵀ, used by every
    /// forward pass while the weight is unchanged. Results are the bits of `gemm`.
    public struct Packed: Sendable {
        /// The path it was laid out for (the layout depends on the kernel's tile width).
        public let path: Path
        /// op(B) is k×n.
        public let k: Int, n: Int
        /// The laid-out floats, nil when there are none (an empty or unusable operand).
        let storage: AlignedFloats?
        var isEmpty: Bool { storage == nil }
        /// A copy of the laid-out floats (to check the layout).
        var floats: [Float] { storage.map { Array(UnsafeBufferPointer(start: $0.base, count: $0.count)) } ?? [] }

        /// op(B) for B k×n (n×k if transB), from an array of k·n floats.
        init(_ b: [Float], k: Int, n: Int, transB: Bool) {
            self = b.withUnsafeBufferPointer { pb in
                guard let base = pb.baseAddress, pb.count >= k * n, k > 0, n > 0 else {
                    return Packed(path: Kernels.path, k: k, n: n, storage: nil)
                }
                return Packed(k: k, n: n, base, transB: transB)
            }
        }

        /// Wᵀ for a weight W [n, k] (a linear layer's [out, in]), on the current path: the
        /// right-hand operand of `Tensor.linear(_:_:_:packed:)`. Another rank or dtype gives
        /// an empty value, which `linear` does not use.
        public init(transposing weight: Tensor) {
            guard weight.rank == 2, weight.dtype == .float32 else {
                self.init(path: Kernels.path, k: 0, n: 0, storage: nil)
                return
            }
            self.init(weight.floats, k: weight.shape[1], n: weight.shape[0], transB: true)
        }

        /// Whether this is Wᵀ of a weight of W's shape laid out for the current path.
        public func fits(_ weight: Tensor) -> Bool {
            !isEmpty && path == Kernels.path && weight.rank == 2 && weight.shape == [n, k]
        }

        private init(path: Path, k: Int, n: Int, storage: AlignedFloats?) {
            self.path = path; self.k = k; self.n = n; self.storage = storage
        }

        /// op(B) for B k×n (n×k if transB).
        init(k: Int, n: Int, _ b: UnsafePointer<Float>, transB: Bool) {
            let path = Kernels.path
            self.path = path; self.k = k; self.n = n
            let count = Int(xai_packed_size(path.code, Int64(k), Int64(n)))
            let storage = AlignedFloats(count: count)
            xai_pack(path.code, Int64(k), Int64(n), b, Int64(transB ? 1 : n), Int64(transB ? k : 1), storage.base)
            self.storage = storage
        }
    }

    /// Floats at an address aligned to 64 bytes (a cache line and an AVX-512 vector), so that
    /// the kernels' loads of a packed panel never straddle two lines (a Swift array's elements
    /// are only 16-byte aligned, which cost a few percent on large products). Written once,
    /// when made; freed with the last value that holds it.
    final class AlignedFloats: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
        let count: Int

        init(count: Int) {
            self.count = count
            base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Float>.stride,
                                                    alignment: 64)
                .bindMemory(to: Float.self, capacity: Swift.max(count, 1))
        }

        deinit { base.deallocate() }
    }

    /// C = op(A) · B (or C += with `accumulate`) for an m×k op(A) and a packed B.
    static func gemm(m: Int, _ a: UnsafePointer<Float>, transA: Bool, _ b: Packed,
                     _ c: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        let n = b.n, k = b.k
        guard m > 0, n > 0 else { return }
        guard k > 0, let storage = b.storage else {
            if !accumulate { c.update(repeating: 0, count: m * n) }
            return
        }
        multiplyAdds &+= m &* n &* k
        let rsa = transA ? 1 : k, csa = transA ? m : 1
        withExtendedLifetime(storage) {
            let base = UnsafePointer(storage.base)
            if xai_sgemm_packed(b.path.code, Int64(m), Int64(n), Int64(k), a, Int64(rsa), Int64(csa), base, c, Int64(n),
                                accumulate ? 1 : 0) == 0 {
                return
            }
            // No memory for packing A: the same chains, reading B from its packed layout.
            packedChain(b, base, rows: m, columns: 0..<n, a, rsa, csa, start: nil, accumulate: accumulate, c, ldc: n)
        }
    }

    /// C = A · B for a row-major m×k A and a packed B (C is m×n, overwritten), every row's
    /// chains started from `start` (n values, a bias) or from 0: the bits of `gemm` with B
    /// itself. Split over workers as `gemm` splits one product, by whole panels of columns
    /// (32, a multiple of every path's panel width) when there are enough, else by blocks
    /// of 12 rows; all of them read the one packed B.
    static func gemm(m: Int, _ a: UnsafePointer<Float>, _ b: Packed, _ c: UnsafeMutablePointer<Float>,
                     start: UnsafePointer<Float>?) {
        let n = b.n, k = b.k
        guard m > 0, n > 0 else { return }
        guard k > 0, let storage = b.storage else {
            for i in 0..<m {
                if let start { (c + i * n).update(from: start, count: n) }
                else { (c + i * n).update(repeating: 0, count: n) }
            }
            return
        }
        multiplyAdds &+= m &* n &* k
        withExtendedLifetime(storage) {
            let base = UnsafePointer(storage.base)
            func run(_ rows: Range<Int>, _ columns: Range<Int>) {
                let (i0, j0) = (rows.lowerBound, columns.lowerBound)
                let s = start.map { $0 + j0 }, cPart = c + i0 * n + j0
                let status = xai_sgemm_packed_columns(b.path.code, Int64(rows.count), Int64(columns.count), Int64(k),
                                                      a + i0 * k, Int64(k), 1, base, Int64(n), Int64(j0), s, cPart,
                                                      Int64(n))
                if status != 0 {
                    packedChain(b, base, rows: rows.count, columns: columns, a + i0 * k, k, 1, start: s,
                                accumulate: false, cPart, ldc: n)
                }
            }
            let workers = workers(for: [m, n, k], minimum: smallWork)
            if workers <= 1 { return run(0..<m, 0..<n) }
            let byRows = n < 64 * workers
            let unit = byRows ? 12 : 32, total = byRows ? m : n
            let units = (total + unit - 1) / unit
            let parts = Swift.min(workers, units)
            Parallel.forEach(parts) { p in
                let lo = Swift.min(total, units * p / parts * unit)
                let hi = Swift.min(total, units * (p + 1) / parts * unit)
                guard hi > lo else { return }
                if byRows { run(lo..<hi, 0..<n) } else { run(0..<m, lo..<hi) }
            }
        }
    }

    /// The chains of a product with a packed B in Swift, reading B where the layout keeps it,
    /// for when the kernel cannot allocate its buffer for A: C(i, j) for j in `columns` of
    /// B, written at c[i·ldc + j − columns.lowerBound], started from start[j − lower], from
    /// C with `accumulate`, else from 0.
    static func packedChain(_ b: Packed, _ packed: UnsafePointer<Float>, rows m: Int, columns: Range<Int>,
                            _ a: UnsafePointer<Float>, _ rsa: Int, _ csa: Int, start: UnsafePointer<Float>?,
                            accumulate: Bool, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        let (k, n) = (Int64(b.k), Int64(b.n))
        for i in 0..<m {
            for (j, column) in columns.enumerated() {
                var s: Float = start?[j] ?? (accumulate ? c[i * ldc + j] : 0)
                for p in 0..<b.k {
                    let at = Int(xai_packed_index(b.path.code, k, n, Int64(p), Int64(column)))
                    s = s.addingProduct(a[i * rsa + p * csa], packed[at])
                }
                c[i * ldc + j] = s
            }
        }
    }

    /// The same chain of fused multiply-adds in Swift, for when the kernel cannot allocate
    /// its packing buffers.
    static func chain(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ rsa: Int, _ csa: Int,
                      _ b: UnsafePointer<Float>, _ rsb: Int, _ csb: Int,
                      _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ accumulate: Bool) {
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = accumulate ? c[i * ldc + j] : 0
                for p in 0..<k { s = s.addingProduct(a[i * rsa + p * csa], b[p * rsb + j * csb]) }
                c[i * ldc + j] = s
            }
        }
    }

    /// An int8 matrix B (n×k, the weights of a quantized layer) laid out once for the int8
    /// kernel of a path.
    struct PackedInt8 {
        let path: Path, n: Int, k: Int
        let bytes: [UInt8]

        init(_ b: [Int8], n: Int, k: Int, path: Path = Kernels.path) {
            self.path = path; self.n = n; self.k = k
            let count = Int(xai_s8_packed_size(path.code, Int64(n), Int64(k)))
            bytes = [UInt8](unsafeUninitializedCapacity: Swift.max(count, 1)) { buf, done in
                b.withUnsafeBufferPointer { pb in
                    if let out = buf.baseAddress, let base = pb.baseAddress, pb.count >= n * k {
                        xai_s8_pack(path.code, Int64(n), Int64(k), base, Int64(k), out)
                    }
                }
                done = Swift.max(count, 1)
            }
        }
    }

    /// C[i, j] = Σₚ A[i, p]·B[j, p] in Int32 for int8 A (m×k) and a packed B (n×k), with
    /// k ≤ `s8MaxDepth` so that no sum overflows. Exact on every path. `plain` is B itself
    /// (row-major), used when the kernel cannot allocate its buffer for A.
    static func s8gemm(m: Int, _ a: UnsafePointer<Int8>, _ b: PackedInt8, plain: UnsafePointer<Int8>,
                       _ c: UnsafeMutablePointer<Int32>) {
        let n = b.n, k = b.k
        guard m > 0, n > 0 else { return }
        multiplyAdds &+= m &* n &* k
        b.bytes.withUnsafeBufferPointer { pb in
            guard let packed = pb.baseAddress else { return }
            forEachInt8Part(m: m, n: n, k: k) { rows in
                let (lo, count) = (rows.lowerBound, Int64(rows.count))
                if xai_s8gemm_packed(b.path.code, count, Int64(n), Int64(k), a + lo * k, Int64(k), packed,
                                     c + lo * n, Int64(n)) != 0 {
                    // No memory for the converted rows: the scalar kernel reads B as it is.
                    _ = xai_s8gemm_packed(Path.scalar.code, count, Int64(n), Int64(k), a + lo * k, Int64(k), plain,
                                          c + lo * n, Int64(n))
                }
            }
        }
    }

    /// A quantized layer's product: x [rows, k] quantized with scale sx (Int8Matrix.code),
    /// times the packed codes (n×k) in Int32, each sum s written as
    /// y[r, j] = Float(s)·sx·scales[j] (+ bias1[j]) (+ bias2[j]). Rows split among workers.
    static func s8Linear(_ x: UnsafeBufferPointer<Float>, rows m: Int, sx: Float, _ b: PackedInt8, plain: [Int8],
                         scales: [Float], bias1: [Float]?, bias2: [Float]?, into y: UnsafeMutableBufferPointer<Float>) {
        let n = b.n, k = b.k
        guard m > 0, n > 0, x.count >= m * k, y.count >= m * n, scales.count >= n, plain.count >= n * k,
              let px = x.baseAddress, let py = y.baseAddress else { return }
        multiplyAdds &+= m &* n &* k
        let b1 = bias1 ?? [], b2 = bias2 ?? []
        b.bytes.withUnsafeBufferPointer { pb in
            plain.withUnsafeBufferPointer { pp in
                scales.withUnsafeBufferPointer { ps in
                    b1.withUnsafeBufferPointer { p1 in
                        b2.withUnsafeBufferPointer { p2 in
                            let first = bias1 == nil ? nil : p1.baseAddress
                            let second = bias2 == nil ? nil : p2.baseAddress
                            forEachInt8Part(m: m, n: n, k: k) { rows in
                                let (lo, count) = (rows.lowerBound, Int64(rows.count))
                                if xai_s8_linear(b.path.code, count, Int64(n), Int64(k), px + lo * k, sx,
                                                 pb.baseAddress, ps.baseAddress, first, second, py + lo * n) != 0 {
                                    // No memory for the converted rows: the scalar kernel reads the codes as
                                    // they are.
                                    _ = xai_s8_linear(Path.scalar.code, count, Int64(n), Int64(k), px + lo * k, sx,
                                                      pp.baseAddress, ps.baseAddress, first, second, py + lo * n)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Sums of up to this many products of codes in [−127, 127] fit in Int32.
    static let s8MaxDepth = Int(Int32.max) / (127 * 127)
}
