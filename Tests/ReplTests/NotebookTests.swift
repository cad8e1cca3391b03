import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import TestSupport
@testable import Repl

/// Notebooks exported from every shipped script: well-formed (parsed by a strict XML
/// parser), self-contained, and the same bytes when exported again.
final class NotebookTests: XCTestCase {
    static let scripts = repoRoot.appendingPathComponent("scripts")

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

    /// The notebooks of every shipped script: exported by the release build when
    /// scripts/test.sh ran `xai export` into XAI_NOTEBOOK_DIR, else exported here.
    func notebooks() throws -> [(name: String, html: String, markdown: String, codeCells: Int?)] {
        let scripts = try shippedScripts()
        if let dir = ProcessInfo.processInfo.environment["XAI_NOTEBOOK_DIR"] {
            return try scripts.map { url in
                let name = url.deletingPathExtension().lastPathComponent
                let base = URL(fileURLWithPath: dir).appendingPathComponent(name)
                return (name, try String(contentsOf: base.appendingPathExtension("html"), encoding: .utf8),
                        try String(contentsOf: base.appendingPathExtension("md"), encoding: .utf8), nil)
            }
        }
        // Exported here by the debug build: the demos that train for minutes are left to
        // scripts/test.sh, which exports every script with the release build.
        let long: Set<String> = ["gpt.xai", "bert.xai", "transformer.xai"]
        return try scripts.filter { !long.contains($0.lastPathComponent) }.map { url in
            let nb = try Notebook.fromScript(path: url.path)
            let cells = nb.cells.filter { if case .code(let l, _, _) = $0 { return !l.isEmpty }; return false }.count
            return (url.lastPathComponent, nb.html(), nb.markdown(), cells)
        }
    }

    func testEveryShippedScriptExportsAsWellFormedSelfContainedHTML() throws {
        let all = try notebooks()
        XCTAssertGreaterThanOrEqual(all.count, 10)
        for (name, html, md, codeCells) in all {
            let url = URL(fileURLWithPath: name)
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
            XCTAssertTrue(md.hasPrefix("# "), url.lastPathComponent)
            if let codeCells { XCTAssertEqual(md.components(separatedBy: "```xai").count - 1, codeCells) }
        }
    }

    func testExplanationScriptsHaveTheirFigures() throws {
        let html = try notebooks().first { $0.name.hasPrefix("explain_digits") }?.html ?? ""
        XCTAssertGreaterThanOrEqual(html.components(separatedBy: "<figure").count - 1, 4, "saliency, IG, occlusion and Shapley maps")
    }

    func testReExportingGivesTheSameBytes() throws {
        for name in ["tabular.xai", "autodiff.xai"] {
            let path = NotebookTests.scripts.appendingPathComponent(name).path
            XCTAssertEqual(try Notebook.fromScript(path: path).html(), try Notebook.fromScript(path: path).html(), name)
            XCTAssertEqual(try Notebook.fromScript(path: path).markdown(), try Notebook.fromScript(path: path).markdown(), name)
        }
    }

    func testLongOutputsShowTheirEndsWithTheWholeOneClickAway() {
        let short = Notebook.outputHTML(["a", "b"])
        XCTAssertEqual(short, "<pre class=\"output\">a\nb</pre>")
        let lines = (1...30).map { "epoch \($0)" }
        let html = Notebook.outputHTML(lines)
        XCTAssertTrue(html.hasPrefix("<pre class=\"output\">epoch 1\nepoch 2\nepoch 3\nepoch 4\n⋮ 22 more lines\nepoch 27\n"), html)
        XCTAssertTrue(html.contains("<details class=\"output\"><summary>all 30 lines</summary><pre class=\"output\">epoch 1\n"))
        XCTAssertTrue(html.contains("epoch 15\n"), "every line is in the details")
    }

    func testProseBecomesHeadingParagraphsAndLists() {
        let nb = Notebook.build(lines: ["## Title here", "## First *idea* with `code`.", "##", "## - one", "## - two that goes on", "##   on the next line", "x = 1", "## More [link](https://example.org)."],
                                records: [:], fallbackTitle: "f")
        XCTAssertEqual(nb.title, "Title here")
        let html = nb.html()
        XCTAssertTrue(html.contains("<p>First <em>idea</em> with <code>code</code>.</p>"), html)
        XCTAssertTrue(html.contains("<ul><li>one</li><li>two that goes on on the next line</li></ul>"), "an indented line continues its item")
        XCTAssertTrue(html.contains("<a href=\"https://example.org\">link</a>"))
        XCTAssertTrue(html.contains("<pre class=\"code\"><code>x = <span class=\"n\">1</span></code></pre>"))
    }

    func testProseLinksRunNothingAndRawHTMLStaysText() {
        let payloads = ["## [x](javascript:alert(1))", "## [y](JavaScript:alert(2))", "## [z](data:text/html;base64,PHNjcmlwdD4=)",
                        "## [w](vbscript:msgbox)", "## [v](JaVa&#115;cript&#58;alert(5)) [u](javascript&colon;alert(6))", "## <script>alert(3)</script> and <img src=x onerror=alert(4)>",
                        "## [ok](https://example.org/a?b#c) [mail](mailto:a@b.org) [rel](figures/one.svg)"]
        let nb = Notebook.build(lines: ["## Title"] + payloads + ["x = 1"], records: [:], fallbackTitle: "f")
        let html = nb.html(), md = nb.markdown()
        // An escaped \](…) in Markdown is text, not a link.
        for page in [html, md.replacingOccurrences(of: "\\](", with: "")] {
            for bad in ["href=\"javascript", "href=\"JavaScript", "href=\"data:", "href=\"vbscript", "<script>", "<img",
                        "](javascript", "](JavaScript", "](data:", "](vbscript", "](JaVa&", "](javascript&"] {
                XCTAssertFalse(page.contains(bad), "\(bad) in \(page)")
            }
        }
        for good in ["<a href=\"https://example.org/a?b#c\">ok</a>", "<a href=\"mailto:a@b.org\">mail</a>", "<a href=\"figures/one.svg\">rel</a>"] {
            XCTAssertTrue(html.contains(good), good)
        }
        XCTAssertTrue(md.contains("[ok](https://example.org/a?b#c) [mail](mailto:a@b.org) [rel](figures/one.svg)"), md)
        XCTAssertTrue(md.contains("&lt;script>alert(3)&lt;/script>"), md)
    }

    func testAMarkdownTitleAndFencesKeepProseHTMLOut() {
        // The title is prose too; an output line of backticks cannot close its fence.
        let nb = Notebook.build(lines: ["## [t](javascript:alert(1)) <b>", "print(s)"],
                                records: [1: (["```", "<script>alert(1)</script>", "````x"], [])], fallbackTitle: "f")
        let md = nb.markdown()
        XCTAssertTrue(md.hasPrefix("# \\[t\\](javascript:alert(1)) &lt;b>\n"), md)
        XCTAssertTrue(md.contains("`````text\n```\n<script>alert(1)</script>\n````x\n`````\n"), md)
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
