import Syntax
import XCTest
@testable import Repl

/// The notebook's own inline Markdown for `##` prose: what the shipped scripts write (code
/// spans, emphasis, snake_case names, <pad>, "quotes", lists, headings) and the edge cases where
/// a general Markdown parser would turn text into markup or pass HTML through.
final class NotebookProseTests: XCTestCase {
    func prose(_ lines: String...) -> String { Notebook.proseHTML(lines) }

    func testNestedEmphasisAndCodeSpans() {
        XCTAssertEqual(prose("**bold *and italic* inside**"), "<p><strong>bold <em>and italic</em> inside</strong></p>")
        XCTAssertEqual(prose("We ask it *why*, with `explain`."),
                       "<p>We ask it <em>why</em>, with <code>explain</code>.</p>")
        // Markers inside a code span are code, not emphasis.
        XCTAssertEqual(prose("`a * b * c` and `x**2`"), "<p><code>a * b * c</code> and <code>x**2</code></p>")
    }

    func testUnderscoresInNamesStayLiteral() {
        // Underscores never mark emphasis: snake_case names are common in the prose.
        XCTAssertEqual(prose("mlm_accuracy and w_words, w_lexicon, state_dict"),
                       "<p>mlm_accuracy and w_words, w_lexicon, state_dict</p>")
        XCTAssertEqual(prose("_not emphasis_ and __not strong__"), "<p>_not emphasis_ and __not strong__</p>")
    }

    func testUnmatchedMarkersAndArithmeticStayText() {
        XCTAssertEqual(prose("2 * 3 = 6, a*b, **open and `tick"), "<p>2 * 3 = 6, a*b, **open and `tick</p>")
        XCTAssertEqual(prose("d/dv of v*v + 2v at v = 3 is 8; all 2^7 subsets"),
                       "<p>d/dv of v*v + 2v at v = 3 is 8; all 2^7 subsets</p>")
        XCTAssertEqual(prose("becomes [MASK] 80% of the time"), "<p>becomes [MASK] 80% of the time</p>")
        XCTAssertEqual(prose("fewer labels (train.split(0.1)) to"), "<p>fewer labels (train.split(0.1)) to</p>")
    }

    func testHTMLSpecialCharactersAreEscapedEverywhere() {
        XCTAssertEqual(prose("from all-<pad> to the sentence & \"benign\" > 0"),
                       "<p>from all-&lt;pad&gt; to the sentence &amp; &quot;benign&quot; &gt; 0</p>")
        XCTAssertEqual(prose("`<pad>` and *<b>*"), "<p><code>&lt;pad&gt;</code> and <em>&lt;b&gt;</em></p>")
        XCTAssertEqual(prose("[a & b](https://example.org/?a=1&b=\"2\")"),
                       "<p><a href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\">a &amp; b</a></p>")
        XCTAssertEqual(prose("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    }

    func testLinksAndUnsafeTargets() {
        XCTAssertEqual(prose("see [the **docs**](docs/language.md)."),
                       "<p>see <a href=\"docs/language.md\">the <strong>docs</strong></a>.</p>")
        XCTAssertEqual(prose("[click](javascript:alert(1))"), "<p>click (javascript:alert(1))</p>")
        // A target with a space is not a link.
        XCTAssertEqual(prose("[a](b c)"), "<p>[a](b c)</p>")
    }

    func testParagraphsListsAndHeadings() {
        XCTAssertEqual(prose("first line", "second line", "", "new paragraph"),
                       "<p>first line second line</p>\n<p>new paragraph</p>")
        XCTAssertEqual(prose("Two features:", "- words: which words", "- lexicon: nine numbers from −4",
                             "  to +4 (sums of *valence*)", "After the list."),
                       "<p>Two features:</p>\n<ul><li>words: which words</li>"
                       + "<li>lexicon: nine numbers from −4 to +4 (sums of <em>valence</em>)</li></ul>\n"
                       + "<p>After the list.</p>")
        XCTAssertEqual(prose("# A *heading*", "text under it"), "<h3>A <em>heading</em></h3>\n<p>text under it</p>")
        // Numbered lines stay one paragraph, as the shipped scripts' notebooks show them.
        XCTAssertEqual(prose("1. Sanity check.", "   An explanation of the *model*.", "2. Deletion."),
                       "<p>1. Sanity check. An explanation of the <em>model</em>. 2. Deletion.</p>")
    }

    func testMarkdownExportKeepsProseAsWrittenButNoRawHTML() {
        XCTAssertEqual(Notebook.markdownProse("w_words and *why* with `code` & [MASK]"),
                       "w_words and *why* with `code` & [MASK]")
        XCTAssertEqual(Notebook.markdownProse("all-<pad> <b>"), "all-&lt;pad> &lt;b>")
    }

    func testCodeHighlightingMarksTheLanguagesKeywordsOnly() {
        for k in Keywords.all {
            XCTAssertEqual(Notebook.highlight(k), "<span class=\"k\">\(k)</span>", k)
        }
        XCTAssertEqual(Notebook.highlight("format(notes, iffy)"), "format(notes, iffy)")
        XCTAssertEqual(Notebook.highlight("x = \"a<b\" # if 2"),
                       "x = <span class=\"s\">&quot;a&lt;b&quot;</span> <span class=\"c\"># if 2</span>")
        XCTAssertEqual(Notebook.highlight("y = 1.5e3"), "y = <span class=\"n\">1.5e3</span>")
    }
}
