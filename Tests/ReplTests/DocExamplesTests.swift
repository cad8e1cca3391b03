import Foundation
import XCTest
import TestSupport
import Tensors
@testable import Repl

/// Every ```xai example of docs/language.md runs in a fresh session and prints exactly its
/// recorded `#>` lines. `XAI_UPDATE_DOCS=1 swift test --filter DocExamples` rewrites them.
final class DocExamplesTests: XCTestCase {

    func testEveryLanguageReferenceExampleRunsAsRecorded() throws {
        let url = repoRoot.appendingPathComponent("docs/language.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        var blocks: [(start: Int, end: Int)] = []
        var open: Int?
        for (i, l) in lines.enumerated() {
            if l == "```xai" { open = i } else if l == "```", let s = open { blocks.append((s + 1, i)); open = nil }
        }
        XCTAssertGreaterThanOrEqual(blocks.count, 14, "one example per construct")
        let update = ProcessInfo.processInfo.environment["XAI_UPDATE_DOCS"] == "1"
        var failures = 0
        for (start, end) in blocks.reversed() {
            let parsed = Transcript.parse(lines[start..<end].joined(separator: "\n"))
            Random.seed(0)
            let session = Session()
            session.echo = { _ in }
            var outputs: [Int: [Transcript.Line]] = [:]
            session.run(parsed.code, record: false) { last, out in if !out.isEmpty { outputs[last, default: []] += out } }
            if update {
                var rendered = Transcript.render(code: parsed.codeLines, outputs: outputs).components(separatedBy: "\n")
                rendered.removeLast()
                lines.replaceSubrange(start..<end, with: rendered)
                continue
            }
            for m in Transcript.compare(code: parsed.codeLines, recorded: parsed.recorded, produced: outputs, match: .exact) {
                failures += 1
                XCTFail("docs/language.md example at line \(start + 1):\n\(m)")
            }
        }
        if update { try Data(lines.joined(separator: "\n").utf8).write(to: url, options: .atomic) }
        XCTAssertEqual(failures, 0)
    }
}
