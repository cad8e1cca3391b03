import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Repl

/// Notebooks exported from every shipped script: well-formed (parsed by a strict XML
/// parser), self-contained, and the same bytes when exported again.
final class NotebookTests: XCTestCase {
    static let scripts = DocExamplesTests.repoRoot.appendingPathComponent("scripts")

    func shippedScripts() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: NotebookTests.scripts, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xai" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Collects element names and checks that every <svg> is in the SVG namespace.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var svgWithoutNamespace = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements[name, default: 0] += 1
            if name == "svg" && attributes["xmlns"] != "http://www.w3.org/2000/svg" { svgWithoutNamespace += 1 }
        }
    }

    func testEveryShippedScriptExportsAsWellFormedSelfContainedHTML() throws {
        let scripts = try shippedScripts()
        XCTAssertGreaterThanOrEqual(scripts.count, 10)
        for url in scripts {
            let nb = try Notebook.fromScript(path: url.path)
            let html = nb.html()
            let parser = XMLParser(data: Data(html.utf8))
            let collector = Collector()
            parser.delegate = collector
            XCTAssertTrue(parser.parse(), "\(url.lastPathComponent): \(parser.parserError.map { "\($0)" } ?? "") at line \(parser.lineNumber)")
            XCTAssertEqual(collector.svgWithoutNamespace, 0, url.lastPathComponent)
            XCTAssertEqual(collector.elements["script"], nil, "no scripts: \(url.lastPathComponent)")
            XCTAssertFalse(html.contains("http://") && html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"),
                           "no external resources: \(url.lastPathComponent)")
            XCTAssertGreaterThan(collector.elements["pre", default: 0], 0, url.lastPathComponent)
            XCTAssertFalse(html.contains("took "), "timings are left out: \(url.lastPathComponent)")
            let md = nb.markdown()
            XCTAssertTrue(md.hasPrefix("# "), url.lastPathComponent)
            XCTAssertEqual(md.components(separatedBy: "```xai").count - 1, nb.cells.filter { if case .code(let l, _, _) = $0 { return !l.isEmpty }; return false }.count)
        }
    }

    func testExplanationScriptsHaveTheirFigures() throws {
        let nb = try Notebook.fromScript(path: NotebookTests.scripts.appendingPathComponent("explain_digits.xai").path)
        let figures = nb.cells.flatMap { cell -> [String] in if case .code(_, _, let f) = cell { return f }; return [] }
        XCTAssertGreaterThanOrEqual(figures.count, 4, "saliency, IG, occlusion and Shapley maps")
        XCTAssertTrue(figures.allSatisfy { $0.contains("<svg") })
    }

    func testReExportingGivesTheSameBytes() throws {
        for name in ["tabular.xai", "explain_tabular.xai"] {
            let path = NotebookTests.scripts.appendingPathComponent(name).path
            XCTAssertEqual(try Notebook.fromScript(path: path).html(), try Notebook.fromScript(path: path).html(), name)
            XCTAssertEqual(try Notebook.fromScript(path: path).markdown(), try Notebook.fromScript(path: path).markdown(), name)
        }
    }

    func testProseBecomesHeadingParagraphsAndLists() {
        let nb = Notebook.build(lines: ["## Title here", "## First *idea* with `code`.", "##", "## - one", "## - two", "x = 1", "## More [link](https://example.org)."],
                                records: [:], fallbackTitle: "f")
        XCTAssertEqual(nb.title, "Title here")
        let html = nb.html()
        XCTAssertTrue(html.contains("<p>First <em>idea</em> with <code>code</code>.</p>"), html)
        XCTAssertTrue(html.contains("<ul><li>one</li><li>two</li></ul>"))
        XCTAssertTrue(html.contains("<a href=\"https://example.org\">link</a>"))
        XCTAssertTrue(html.contains("<pre class=\"code\"><code>x = <span class=\"n\">1</span></code></pre>"))
    }

    func testSessionExportHasEntriesOutputsAndFigures() throws {
        let session = Session()
        session.echo = { _ in }
        session.run("## A session\nx = 2 + 3\nx")
        session.run("bar([\"a\", \"b\"], [1.0, -2.0])")
        let nb = Notebook.fromSession(session)
        XCTAssertEqual(nb.title, "A session")
        XCTAssertEqual(nb.cells.count, 2)
        if case .code(let lines, let outs, let figs) = nb.cells[1] {
            XCTAssertEqual(lines, ["bar([\"a\", \"b\"], [1.0, -2.0])"])
            XCTAssertEqual(outs, [], "the figure replaces its text drawing")
            XCTAssertEqual(figs.count, 1)
        } else { XCTFail("expected a code cell") }
    }
}
