import Foundation
import XCTest
@testable import Tensors

/// The worker pool runs every task exactly once, whatever the number of tasks, and a parallel
/// loop inside a task runs on its caller.
final class WorkerPoolTests: XCTestCase {
    private var saved = Kernels.settings
    override func setUp() { super.setUp(); saved = Kernels.settings }
    override func tearDown() { Kernels.settings = saved; super.tearDown() }

    func testEveryTaskRunsExactlyOnce() {
        for tasks in [0, 1, 2, 3, 8, 63, 1024, 1025, 5000] {
            var counts = [Int](repeating: 0, count: tasks)
            counts.withUnsafeMutableBufferPointer { c in
                Parallel.forEach(tasks) { t in c[t] += 1 }
            }
            XCTAssertEqual(counts, [Int](repeating: 1, count: tasks), "\(tasks) tasks")
        }
    }

    func testRunsOneAfterAnotherSeeOnlyTheirOwnTasks() {
        // Many short runs in a row, each with its own task count and its own sign: a worker that
        // woke late must never run a task of one run with the body of another.
        func change(_ run: Int) -> Int { run % 2 == 0 ? 1 : -1 }
        var expected = [Int](repeating: 0, count: 4), total = expected
        for run in 0..<20_000 { for task in 0..<(2 + run % 3) { expected[task] += change(run) } }
        total.withUnsafeMutableBufferPointer { t in
            for run in 0..<20_000 {
                Parallel.forEach(2 + run % 3) { task in t[task] += change(run) }
            }
        }
        XCTAssertEqual(total, expected)
    }

    func testANestedParallelLoopRunsOnItsCaller() {
        var sums = [Int](repeating: 0, count: 4)
        sums.withUnsafeMutableBufferPointer { s in
            Parallel.forEach(4) { outer in
                var inner = [Int](repeating: 0, count: 16)
                inner.withUnsafeMutableBufferPointer { i in Parallel.forEach(16) { i[$0] = $0 } }
                s[outer] = inner.reduce(0, +)
            }
        }
        XCTAssertEqual(sums, [120, 120, 120, 120])
    }

    func testManyWorkersOnFewProcessorsStillFinish() {
        Kernels.threads = 8
        var counts = [Int](repeating: 0, count: 8)
        counts.withUnsafeMutableBufferPointer { c in
            for _ in 0..<2000 { Parallel.forEach(8) { c[$0] += 1 } }
        }
        XCTAssertEqual(counts, [Int](repeating: 2000, count: 8))
    }
}
