import FlyingFox
import Foundation
@testable import NotebookServer
import XCTest

/// The hub behind the page, driven in this process as a page would drive it.
final class NotebookHubTests: XCTestCase {
    var folder: URL!

    override func tearDown() {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// A hub on a new file, and the messages it sends to one connected page.
    func hub(_ text: String) throws -> (NotebookHub, Int, Messages) {
        let file = try temporaryNotebook(text)
        folder = file.deletingLastPathComponent()
        let hub = try NotebookHub(file: file, allowed: [], autosaveDelay: 3600)
        let (stream, continuation) = AsyncStream<WSMessage>.makeStream()
        let messages = Messages()
        Task { for await case .text(let t) in stream { messages.add(t) } }
        return (hub, hub.connect(continuation), messages)
    }

    func testAFileChangedOnDiskIsNotOverwrittenWithoutAsking() throws {
        let (hub, page, messages) = try hub("x = 1\n")
        try Data("x = 2 # edited elsewhere\n".utf8).write(to: hub.file)
        hub.handle(#"{"op": "edit", "id": 1, "text": "y = 5"}"#, from: page)
        hub.save(force: false)
        hub.finishSaving()
        XCTAssertTrue(messages.wait { $0.contains(#""type":"conflict""#) }, "the page is asked")
        XCTAssertEqual(try String(contentsOf: hub.file, encoding: .utf8), "x = 2 # edited elsewhere\n")
        hub.save(force: true)   // the person said: overwrite
        hub.finishSaving()
        XCTAssertEqual(try String(contentsOf: hub.file, encoding: .utf8), "y = 5\n")
    }

    func testTheSessionsFilesStayInsideTheNotebooksFolder() throws {
        let (hub, page, messages) = try hub("t = read_text(\"/etc/hostname\")\n")
        hub.handle(#"{"op": "run", "ids": [1]}"#, from: page)
        XCTAssertTrue(messages.wait { $0.contains(#""status":"error""#) }, messages.all.joined(separator: "\n"))
        XCTAssertTrue(messages.all.contains { $0.contains("outside the folder this session may use") },
                      messages.all.joined(separator: "\n"))
    }

    func testCompletionIsThePromptsCompletion() throws {
        let (hub, page, messages) = try hub("learning_rate = 0.1\n")
        hub.handle(#"{"op": "run", "ids": [1]}"#, from: page)
        XCTAssertTrue(messages.wait { $0.contains(#""status":"ok""#) })
        hub.handle(#"{"op": "complete", "req": 7, "line": "x = learn"}"#, from: page)
        XCTAssertTrue(messages.wait { $0.contains(#""req":7"#) && $0.contains(#""insert":"ing_rate""#) },
                      messages.all.joined(separator: "\n"))
    }
}

/// Messages a page received, in order.
final class Messages: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [String] = []
    var all: [String] { lock.lock(); defer { lock.unlock() }; return received }
    func add(_ m: String) { lock.lock(); received.append(m); lock.unlock() }

    func wait(timeout: TimeInterval = 20, _ condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if all.contains(where: condition) { return true }
            usleep(10_000)
        }
        return false
    }
}
