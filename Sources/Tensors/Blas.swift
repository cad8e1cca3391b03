import CBLAS
import Foundation

/// OpenBLAS settings. The thread count changes how sums inside a product are split, so it
/// is fixed at start-up and reported (`:env`) with the kernel OpenBLAS chose for this CPU.
public enum Blas {
    /// Sets the thread count once; XAI_BLAS_THREADS overrides, else the number of cores.
    public static func configure(threads: Int? = nil) {
        let env = ProcessInfo.processInfo.environment["XAI_BLAS_THREADS"].flatMap(Int.init)
        let n = Swift.max(1, threads ?? env ?? ProcessInfo.processInfo.activeProcessorCount)
        openblas_set_num_threads(Int32(n))
        configured = n
        current = n
    }

    /// Products smaller than this many multiply-adds run on one thread: waking and waiting
    /// for a second thread costs more than it saves there (measured: explanation workloads
    /// of many small products ran 20–35% faster). The choice depends only on the sizes, so
    /// results stay the same run to run.
    public nonisolated(unsafe) static var smallWork = Int(ProcessInfo.processInfo.environment["XAI_BLAS_SMALL"].flatMap(Int.init) ?? (1 << 22))
    /// Multiply-adds done by products since the program started (the work of a model's
    /// matrix products: compression tables report it per row, a measure of speed that does
    /// not vary run to run). Products are started from one thread, so a plain counter does.
    public nonisolated(unsafe) static var multiplyAdds = 0

    /// Large products split into one single-threaded call per worker (XAI_BLAS_SPLIT=0: OpenBLAS's threads).
    public nonisolated(unsafe) static var splitProducts = ProcessInfo.processInfo.environment["XAI_BLAS_SPLIT"] != "0"
    nonisolated(unsafe) static var configured = 1
    nonisolated(unsafe) static var current = 1

    @inline(__always) static func useThreads(forWork work: Int) {
        let want = work < smallWork || splitProducts ? 1 : configured
        if want != current {
            openblas_set_num_threads(Int32(want))
            current = want
        }
    }
    public static var threads: Int { configured }

    /// The CPU kernel OpenBLAS selected (e.g. "Haswell"), which decides the bits of products.
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }
    public static var config: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }

    /// C[b] = op(A[b]) · op(B[b]) for `batch` matrices; A is m×k (k×m if transA),
    /// B is k×n (n×k if transB); strides are in elements between consecutive matrices
    /// (0 reuses one matrix for the whole batch). C is batch×m×n, overwritten or accumulated.
    static func gemm(batch: Int, m: Int, n: Int, k: Int,
                     _ a: UnsafePointer<Float>, transA: Bool, strideA: Int,
                     _ b: UnsafePointer<Float>, transB: Bool, strideB: Int,
                     _ c: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if !accumulate { c.update(repeating: 0, count: batch * m * n) }
            return
        }
        multiplyAdds += batch * m * n * k
        let lda = transA ? m : k, ldb = transB ? k : n
        // One OpenBLAS call: rows × cols of C from the given corners of A, B and C.
        func sgemm(_ rows: Int, _ cols: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(rows), Int32(cols), Int32(k), 1, a, Int32(lda), b, Int32(ldb), accumulate ? 1 : 0, c, Int32(n))
        }
        let workers = batch * m * n * k < smallWork ? 1 : configured
        if workers <= 1 || !splitProducts {
            useThreads(forWork: m * n * k)
            for i in 0..<batch { sgemm(m, n, a + i * strideA, b + i * strideB, c + i * m * n) }
            return
        }
        // Large products: one single-threaded OpenBLAS call per worker on its own block of
        // C (whole matrices of the batch, else rows or columns), all on the pool that runs
        // elementwise loops. OpenBLAS's own threads spin after each product and took a core
        // from those loops. Every element's sum still runs over all of k in one call.
        useThreads(forWork: 0)
        let byRows = m >= n
        let parts = batch >= workers ? workers : Swift.min(workers, byRows ? m : n)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            if batch >= workers {
                for i in (batch * p / parts)..<(batch * (p + 1) / parts) { sgemm(m, n, a + i * strideA, b + i * strideB, c + i * m * n) }
                return
            }
            let total = byRows ? m : n
            let lo = total * p / parts, hi = total * (p + 1) / parts
            guard hi > lo else { return }
            for i in 0..<batch {
                // Rows lo..<hi of C use rows lo..<hi of op(A); columns use columns of op(B).
                let aPart = byRows ? a + i * strideA + (transA ? lo : lo * lda) : a + i * strideA
                let bPart = byRows ? b + i * strideB : b + i * strideB + (transB ? lo * ldb : lo)
                let cPart = c + i * m * n + (byRows ? lo * n : lo)
                sgemm(byRows ? hi - lo : m, byRows ? n : hi - lo, aPart, bPart, cPart)
            }
        }
    }
}
