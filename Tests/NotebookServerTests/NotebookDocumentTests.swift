import Foundation
@testable import NotebookServer
import Repl
import TestSupport
import XCTest

/// A script read as cells and written back is the same script.
final class NotebookDocumentTests: XCTestCase {
    func testEveryShippedScriptIsWrittenBackByteForByte() throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent("scripts").path)
            .filter { $0.hasSuffix(".xai") }
        XCTAssertFalse(scripts.isEmpty)
        for name in scripts {
            let text = try String(contentsOf: repoRoot.appendingPathComponent("scripts/\(name)"), encoding: .utf8)
            XCTAssertEqual(NotebookDocument(text: text).script, text, name)
        }
    }

    func testProseBlocksAndStatementGroupsAreCells() {
        let text = "## Title\n## More\n\nx = 1\ny = 2\nx\n#> 1\nfn f() {\n\n    1\n}\n\nz = 3\n"
        let doc = NotebookDocument(text: text)
        XCTAssertEqual(doc.cells.map(\.kind), [.prose, .code, .code, .code])
        XCTAssertEqual(doc.cells[0].text, "Title\nMore")
        XCTAssertEqual(doc.cells[1].text, "x = 1\ny = 2\nx")
        XCTAssertEqual(doc.cells[1].output.lines.map(\.text), ["1"])
        XCTAssertEqual(doc.cells[2].text, "fn f() {\n\n    1\n}", "a blank line inside a block does not split it")
        XCTAssertEqual(doc.script, text)
        XCTAssertEqual(doc.fileLine(of: 2), 8, "cells are numbered as the saved file numbers them")
    }

    func testAStoppedCellIsSavedAsCommentsAndReadBackAsCode() {
        var doc = NotebookDocument(text: "x = 1\n\nfit(m, d, epochs: 1000)\n")
        doc.cells[1].stopped = true
        let saved = doc.script
        XCTAssertTrue(saved.contains("#   fit(m, d, epochs: 1000)"), saved)
        XCTAssertEqual(Transcript.parse(saved).codeLines.filter { !$0.hasPrefix("#") && !$0.isEmpty }, ["x = 1"])
        let again = NotebookDocument(text: saved)
        XCTAssertEqual(again.cells.map(\.text), ["x = 1", "fit(m, d, epochs: 1000)"])
        XCTAssertTrue(again.cells[1].stopped)
        XCTAssertEqual(again.script, saved)
    }

    func testInsertedCellsAreSeparatedByABlankLine() {
        var doc = NotebookDocument(text: "x = 1\n")
        let id = doc.insert(.prose, after: doc.cells[0].id, text: "Words")
        XCTAssertEqual(doc.cells.last?.id, id)
        XCTAssertEqual(doc.script, "x = 1\n\n## Words\n")
    }
}
