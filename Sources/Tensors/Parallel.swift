import CKernels
import Foundation

/// Splitting elementwise loops across the machine's cores. Only loops whose elements are
/// independent use it (maps, not reductions), so results are the same bits with one
/// thread or several.
enum Parallel {
    /// Workers: the kernel thread count (XAI_THREADS=1 makes everything single-threaded).
    static var workers: Int { Kernels.threads }

    /// Loops over fewer elements run on one worker (waking a second costs more there).
    static let minimumElements = 1 << 15

    /// Calls `body` on contiguous ranges covering 0..<n: one range for small n, otherwise
    /// one per worker, run concurrently.
    @inline(__always)
    static func ranges(_ n: Int, minimum: Int = Parallel.minimumElements, _ body: (Range<Int>) -> Void) {
        let k = Swift.min(workers, n / minimum)
        if k <= 1 { body(0..<n); return }
        forEach(k) { c in body((n * c / k)..<(n * (c + 1) / k)) }
    }

    /// Calls `body(0)`, …, `body(tasks − 1)` on the engine's worker pool (see xai_pool.h),
    /// at most `workers` at a time, and returns when all have returned.
    static func forEach(_ tasks: Int, _ body: (Int) -> Void) {
        if tasks <= 1 { if tasks == 1 { body(0) }; return }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { pointer in
                xai_pool_run(Int64(tasks), Int64(workers), { context, t in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(t))
                }, pointer)
            }
        }
    }

    /// Calls `body` on ranges of `count` rows of `width` elements each: whole rows per
    /// worker, split only when there are enough elements to pay for a second thread.
    @inline(__always)
    static func rows(_ count: Int, width: Int, _ body: (Range<Int>) -> Void) {
        ranges(count, minimum: Swift.max(1, (1 << 14) / Swift.max(1, width)), body)
    }

    /// Calls `body` on ranges of `count` columns of a `rows`-row matrix (sums down columns):
    /// split only when there are enough elements to pay for a second thread.
    @inline(__always)
    static func columns(_ count: Int, rows: Int, _ body: (Range<Int>) -> Void) {
        ranges(count, minimum: Swift.max(1, (1 << 14) / Swift.max(1, rows)), body)
    }

    /// A float array of `rows` rows of `width` elements written by `fill` (no zeroing first),
    /// whole rows per worker.
    @inline(__always)
    static func floats(rows: Int, width: Int, _ fill: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * width) { buf, count in
            if let base = buf.baseAddress { self.rows(rows, width: width) { r in fill(base, r) } }
            count = rows * width
        }
    }

    /// A float array of n elements written by `fill` (no zeroing first), in parallel ranges.
    @inline(__always)
    static func floats(_ n: Int, _ fill: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: n) { buf, count in
            if let base = buf.baseAddress { ranges(n) { r in fill(base, r) } }
            count = n
        }
    }
}
