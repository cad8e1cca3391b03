import Foundation
import Lang
import Pictures
import Syntax

/// A notebook as one self-contained HTML page: prose with inline Markdown, highlighted code,
/// outputs (long ones folded) and SVG figures; no scripts and no external resources.
extension Notebook {
    package static func esc(_ s: String) -> String { SVG.esc(s) }

    /// Inline Markdown of prose: `code`, **bold**, *emphasis*, [text](url); everything escaped.
    package static func inline(_ s: String) -> String {
        var out = ""
        var i = s.startIndex
        func take(until end: String, from start: String.Index) -> (String, String.Index)? {
            guard let r = s.range(of: end, range: start..<s.endIndex), r.lowerBound > start else { return nil }
            return (String(s[start..<r.lowerBound]), r.upperBound)
        }
        while i < s.endIndex {
            let rest = s[i...]
            if rest.hasPrefix("`"), let (inner, next) = take(until: "`", from: s.index(after: i)) {
                out += "<code>\(esc(inner))</code>"; i = next; continue
            }
            if rest.hasPrefix("**"), let (inner, next) = take(until: "**", from: s.index(i, offsetBy: 2)) {
                out += "<strong>\(inline(inner))</strong>"; i = next; continue
            }
            if rest.hasPrefix("*"), !rest.hasPrefix("* "),
               let (inner, next) = take(until: "*", from: s.index(after: i)), !inner.hasSuffix(" ") {
                out += "<em>\(inline(inner))</em>"; i = next; continue
            }
            if rest.hasPrefix("["), let (text, afterText) = take(until: "](", from: s.index(after: i)),
               let (url, next) = take(until: ")", from: afterText), !url.contains(" ") {
                // Only web, mail and relative links become links; a javascript: or data: target
                // stays visible text, so opening the page runs nothing.
                out += isSafeLink(url) ? "<a href=\"\(esc(url))\">\(inline(text))</a>"
                                       : "\(inline(text)) (\(esc(url)))"
                i = next; continue
            }
            out += esc(String(s[i]))
            i = s.index(after: i)
        }
        return out
    }

    /// An output block; a long one (training logs) shows its first and last lines, with the
    /// whole of it one click away, so the page shows what happened rather than a wall of lines.
    static func outputHTML(_ lines: [String]) -> String {
        let keep = 4
        let all = "<pre class=\"output\">" + esc(lines.joined(separator: "\n")) + "</pre>"
        guard lines.count > 3 * keep else { return all }
        let shown = lines.prefix(keep) + ["⋮ \(lines.count - 2 * keep) more lines"] + lines.suffix(keep)
        return "<pre class=\"output\">" + esc(shown.joined(separator: "\n")) + "</pre>\n"
            + "<details class=\"output\"><summary>all \(lines.count) lines</summary>" + all + "</details>"
    }

    /// Prose lines to HTML: blank lines separate paragraphs, "- " lines make lists (an indented
    /// line continues the item above, as in Markdown), "#" lines headings.
    static func proseHTML(_ lines: [String]) -> String {
        var out: [String] = []
        var para: [String] = []
        var list: [String] = []
        func flush() {
            if !para.isEmpty { out.append("<p>" + para.map(inline).joined(separator: " ") + "</p>"); para = [] }
            if !list.isEmpty {
                out.append("<ul>" + list.map { "<li>\(inline($0))</li>" }.joined() + "</ul>"); list = []
            }
        }
        for l in lines {
            let t = l.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { flush(); continue }
            if t.hasPrefix("- ") { if !para.isEmpty { flush() }; list.append(String(t.dropFirst(2))); continue }
            if t.hasPrefix("# ") { flush(); out.append("<h3>\(inline(String(t.dropFirst(2))))</h3>"); continue }
            if !list.isEmpty, l.hasPrefix(" ") { list[list.count - 1] += " " + t; continue }
            if !list.isEmpty { flush() }
            para.append(t)
        }
        flush()
        return out.joined(separator: "\n")
    }

    /// Code with comments, strings, numbers and keywords marked for colour.
    static func highlight(_ line: String) -> String {
        var out = ""
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "#" { out += "<span class=\"c\">\(esc(String(chars[i...])))</span>"; break }
            if c == "\"" {
                var j = i + 1
                while j < chars.count && chars[j] != "\"" { if chars[j] == "\\" { j += 1 }; j += 1 }
                let end = min(j + 1, chars.count)
                out += "<span class=\"s\">\(esc(String(chars[i..<end])))</span>"; i = end; continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                let word = String(chars[i..<j])
                out += Keywords.all.contains(word) ? "<span class=\"k\">\(word)</span>" : esc(word); i = j; continue
            }
            if c.isNumber {
                var j = i
                while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "_") {
                    j += 1
                }
                out += "<span class=\"n\">\(esc(String(chars[i..<j])))</span>"; i = j; continue
            }
            out += esc(String(c)); i += 1
        }
        return out
    }

    package static let style = """
    :root{color-scheme:light dark;--fg:#1f2328;--bg:#ffffff;--muted:#59636e;--code:#f6f8fa;--border:#d1d9e0;\
    --c:#6e7781;--s:#0a3069;--k:#cf222e;--n:#0550ae}
    @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--code:#151b23;\
    --border:#3d444d;--c:#9198a1;--s:#a5d6ff;--k:#ff7b72;--n:#79c0ff}}
    body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif}
    main{max-width:860px;margin:0 auto;padding:2rem 1.25rem 4rem}
    h1{font-size:1.8rem;margin:0 0 1rem}
    p,ul{margin:.6rem 0}
    pre{margin:.5rem 0;padding:.6rem .8rem;overflow-x:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;\
    border-radius:6px}
    pre.code{background:var(--code);border:1px solid var(--border)}
    pre.output{border-left:3px solid var(--border);color:var(--fg)}
    details.output{margin:-.3rem 0 .5rem;font-size:.85rem;color:var(--muted)}details.output summary{cursor:pointer}
    table.xai-table{border-collapse:collapse;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
    table.xai-table th,table.xai-table td{border-bottom:1px solid var(--border);padding:.25rem .6rem;text-align:right}
    table.xai-table th:first-child,table.xai-table td:first-child{text-align:left}
    .c{color:var(--c);font-style:italic}.s{color:var(--s)}.k{color:var(--k)}.n{color:var(--n)}
    figure{margin:.8rem 0;overflow-x:auto}figcaption{font-size:.85rem;color:var(--muted);margin-top:.3rem}
    svg{max-width:100%;height:auto}
    footer{margin-top:3rem;font-size:.8rem;color:var(--muted)}
    @media print{body{font-size:11pt}main{max-width:none;padding:0}pre,figure{break-inside:avoid}\
    pre{white-space:pre-wrap}pre.code{background:none}}
    """

    /// One cell as the exported page and the live notebook (`xai notebook`) both show it: prose
    /// as HTML; code highlighted (when `code`), then its output and its figures.
    package static func cellHTML(_ cell: Cell) -> String { cellHTML(cell, code: true) }

    package static func cellHTML(_ cell: Cell, code showCode: Bool) -> String {
        var body: [String] = []
        switch cell {
        case .prose(let lines): body.append(Notebook.proseHTML(lines))
        case .code(let lines, let outputs, let figures):
            if showCode && !lines.isEmpty {
                let code = lines.map(Notebook.highlight).joined(separator: "\n")
                body.append("<pre class=\"code\"><code>" + code + "</code></pre>")
            }
            if !outputs.isEmpty { body.append(Notebook.outputHTML(outputs)) }
            body += figures.map { $0.trimmingCharacters(in: .newlines) }
        }
        return body.joined(separator: "\n")
    }

    /// One self-contained HTML file: no scripts, no external resources; well-formed XML.
    public func html() -> String {
        var body: [String] = ["<h1>\(Notebook.inline(title))</h1>"]
        body += cells.map(Notebook.cellHTML)
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="xai \(Version.string)"/>
        <title>\(Notebook.esc(title))</title>
        <style>
        \(Notebook.style)
        </style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        <footer>Exported by xai \(Version.string) from a run of the script; \
        every output and figure above was produced by that run.</footer>
        </main>
        </body>
        </html>

        """
    }
}
