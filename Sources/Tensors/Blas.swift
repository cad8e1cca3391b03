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
    }
    public static var threads: Int { Int(openblas_get_num_threads()) }
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
        let lda = transA ? m : k, ldb = transB ? k : n
        for i in 0..<batch {
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1, a + i * strideA, Int32(lda), b + i * strideB, Int32(ldb),
                        accumulate ? 1 : 0, c + i * m * n, Int32(n))
        }
    }
}
