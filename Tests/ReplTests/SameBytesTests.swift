import Foundation
import XCTest
import Tensors
@testable import Repl

/// A script replays to the same bytes on every kernel path and with any thread count: the
/// quick shipped scripts, each checked byte for byte against its recorded transcript under
/// every path this CPU runs and 1, 2, 3 and 8 workers (scripts/test.sh does the same for
/// every script with the release build).
final class SameBytesTests: XCTestCase {
    static let quickScripts = ["autodiff", "functions", "tensor_tour", "tabular", "explain_tabular"]

    // Each test changes the engine's settings; they are put back as they were.
    private var saved = Kernels.settings
    override func setUp() { super.setUp(); saved = Kernels.settings }
    override func tearDown() { Kernels.settings = saved; super.tearDown() }

    func testQuickScriptsGiveTheirTranscriptsOnEveryPathAndThreadCount() throws {
        for name in SameBytesTests.quickScripts {
            let path = NotebookTests.scripts.appendingPathComponent("\(name).xai").path
            for kernel in Kernels.supported {
                for threads in [1, 2, 3, 8] {
                    Kernels.path = kernel
                    Kernels.threads = threads
                    Kernels.smallWork = 0   // every product split among the workers
                    let result = try ScriptRunner.check(path: path)
                    XCTAssertTrue(result.succeeded, "\(name).xai on the \(kernel) path with \(threads) threads:\n"
                                  + result.mismatches.map(\.description).joined())
                }
            }
        }
    }
}
