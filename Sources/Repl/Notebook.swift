import Foundation
import Lang
import Pictures
import Tensors

/// A script or a session as a notebook: prose from `##` comment blocks, code cells, their
/// outputs and figures. Renders to one self-contained HTML file or to Markdown. Output that
/// changes run to run (`#~` timings) is left out, so exporting twice gives the same bytes.
public struct Notebook {
    public enum Cell: Equatable {
        case prose([String])
        case code(lines: [String], outputs: [String], figures: [String])
    }
    public var title: String
    public var cells: [Cell]

    /// Runs a .xai file in a fresh session (as `xai check` does) and builds its notebook.
    public static func fromScript(path: String) throws -> Notebook { try fromScript(path: path, checking: nil).notebook }

    /// The notebook of a script and, when `checking`, how its outputs differ from the
    /// recorded transcript (what `xai check` reports), from one run of the script.
    public static func fromScript(path: String, checking match: Transcript.Match?) throws -> (notebook: Notebook, mismatches: [Transcript.Mismatch]) {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw RuntimeError("export: no readable file at \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw RuntimeError("export: \(path) is not UTF-8 text") }
        let parsed = Transcript.parse(text)
        Random.seed(0)
        let session = Session(baseDirectory: url.deletingLastPathComponent())
        session.echo = { _ in }
        var records: [Int: (outputs: [String], figures: [String])] = [:]
        var produced: [Int: [Transcript.Line]] = [:]
        // As `xai run`: the code at its own file lines, outputs keyed by code line.
        session.run(parsed.codeAtFileLines, file: url.lastPathComponent, record: false, onStatement: { last, lines in
            if !lines.isEmpty { produced[parsed.codeLine(atFileLine: last), default: []].append(contentsOf: lines) }
        }, onRecord: { r in
            // A shown figure replaces its text drawing.
            let lines = r.outputs.dropLast(r.figureTextLines).filter { !$0.volatile }.map(\.text)
            let line = parsed.codeLine(atFileLine: r.lastLine)
            if !lines.isEmpty || !r.figures.isEmpty {
                records[line, default: ([], [])].outputs += lines
                records[line, default: ([], [])].figures += r.figures
            }
        })
        let notebook = build(lines: parsed.codeLines, records: records, fallbackTitle: url.deletingPathExtension().lastPathComponent)
        guard let match else { return (notebook, []) }
        return (notebook, Transcript.compare(code: parsed.codeLines, recorded: parsed.recorded, produced: produced, match: match))
    }

    /// The notebook of a script as its transcript records it, without running it: the `#>`
    /// lines become each statement's output.
    public static func fromTranscript(_ text: String, title: String) -> Notebook {
        let parsed = Transcript.parse(text)
        var records: [Int: (outputs: [String], figures: [String])] = [:]
        for (line, outputs) in parsed.recorded {
            let kept = outputs.filter { !$0.volatile }.map(\.text)
            if !kept.isEmpty { records[line] = (kept, []) }
        }
        return build(lines: parsed.codeLines, records: records, fallbackTitle: title)
    }

    /// The REPL session so far: one code cell per entry, prose from `##` lines typed.
    public static func fromSession(_ session: Session) -> Notebook {
        var lines: [String] = []
        var records: [Int: (outputs: [String], figures: [String])] = [:]
        for (k, entry) in session.entries.enumerated() {
            let base = lines.count
            let entryLines = entry.source.components(separatedBy: "\n")
            lines += entryLines
            for r in k < session.entryRecords.count ? session.entryRecords[k] : [] {
                let outs = r.outputs.dropLast(r.figureTextLines).filter { !$0.volatile }.map(\.text)
                guard !outs.isEmpty || !r.figures.isEmpty else { continue }
                let at = base + min(max(0, r.lastLine), entryLines.count - 1)
                records[at, default: ([], [])].outputs += outs
                records[at, default: ([], [])].figures += r.figures
            }
        }
        return build(lines: lines, records: records, fallbackTitle: "xai session")
    }

    /// Groups lines into cells: consecutive `##` lines are prose; code runs until a statement
    /// that printed or drew something, whose output closes the cell.
    static func build(lines: [String], records: [Int: (outputs: [String], figures: [String])], fallbackTitle: String) -> Notebook {
        var cells: [Cell] = []
        var prose: [String] = []
        var code: [String] = []
        func flushProse() { if !prose.isEmpty { cells.append(.prose(prose)); prose = [] } }
        func flushCode(_ outputs: [String] = [], _ figures: [String] = []) {
            while code.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeFirst() }
            while code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeLast() }
            if !code.isEmpty || !outputs.isEmpty || !figures.isEmpty { cells.append(.code(lines: code, outputs: outputs, figures: figures)) }
            code = []
        }
        for (i, line) in lines.enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            // Prose: `##` at the start of a line (an indented `##` is a comment inside code).
            if line.hasPrefix("##") && !line.hasPrefix("###") {
                flushCode()
                var text = String(t.dropFirst(2))
                if text.hasPrefix(" ") { text.removeFirst() }
                prose.append(text)
                continue
            }
            flushProse()
            code.append(line)
            if let r = records[i] { flushCode(r.outputs, r.figures) }
        }
        flushProse()
        flushCode()
        // The first prose line of the file is the title.
        var title = fallbackTitle
        if case .prose(var p)? = cells.first, let first = p.first, !first.isEmpty {
            title = first
            p.removeFirst()
            if p.isEmpty { cells.removeFirst() } else { cells[0] = .prose(p) }
        }
        return Notebook(title: title, cells: cells)
    }

    // MARK: HTML

    static func esc(_ s: String) -> String { SVG.esc(s) }

    /// Inline Markdown of prose: `code`, **bold**, *emphasis*, [text](url); everything escaped.
    static func inline(_ s: String) -> String {
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
            if rest.hasPrefix("*"), !rest.hasPrefix("* "), let (inner, next) = take(until: "*", from: s.index(after: i)), !inner.hasSuffix(" ") {
                out += "<em>\(inline(inner))</em>"; i = next; continue
            }
            if rest.hasPrefix("["), let (text, afterText) = take(until: "](", from: s.index(after: i)),
               let (url, next) = take(until: ")", from: afterText), !url.contains(" ") {
                // Only web, mail and relative links become links; a javascript: or data: target
                // stays visible text, so opening the page runs nothing.
                out += isSafeLink(url) ? "<a href=\"\(esc(url))\">\(inline(text))</a>" : "\(inline(text)) (\(esc(url)))"
                i = next; continue
            }
            out += esc(String(s[i]))
            i = s.index(after: i)
        }
        return out
    }

    /// http(s) and mailto links, and relative ones (no scheme before the first /, ? or #).
    static func isSafeLink(_ url: String) -> Bool {
        let lower = url.lowercased()
        if ["http://", "https://", "mailto:"].contains(where: lower.hasPrefix) { return true }
        // Before the first / ? or #, a colon would start a scheme, and a character reference
        // (`&#58;`, `&colon;`), which Markdown renderers decode, could hide one.
        let head = lower.prefix { !"/?#".contains($0) }
        return !head.contains(":") && !head.contains("&") && !lower.contains(where: { $0.isNewline || $0 == "\\" })
    }

    /// A prose line for Markdown export: raw HTML shown as text (< escaped), and links whose
    /// target is not safe (see isSafeLink) no longer links.
    static func markdownProse(_ line: String) -> String {
        var out = ""
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "[") {
            out += rest[..<open]
            let after = rest[open...]
            if let mid = after.range(of: "]("), let close = after[mid.upperBound...].firstIndex(of: ")") {
                let url = String(after[mid.upperBound..<close])
                let text = after[after.index(after: open)..<mid.lowerBound]
                out += isSafeLink(url) ? String(after[...close]) : "\\[\(text)\\](\(url))"
                rest = after[after.index(after: close)...]
            } else {
                out += "["
                rest = after.dropFirst()
            }
        }
        out += rest
        return out.replacingOccurrences(of: "<", with: "&lt;")
    }

    /// An output block; a long one (training logs) shows its first and last lines, with the
    /// whole of it one click away, so the page shows what happened rather than a wall of lines.
    static func outputHTML(_ lines: [String]) -> String {
        let keep = 4
        guard lines.count > 3 * keep else { return "<pre class=\"output\">" + esc(lines.joined(separator: "\n")) + "</pre>" }
        let shown = lines.prefix(keep) + ["⋮ \(lines.count - 2 * keep) more lines"] + lines.suffix(keep)
        return "<pre class=\"output\">" + esc(shown.joined(separator: "\n")) + "</pre>\n"
            + "<details class=\"output\"><summary>all \(lines.count) lines</summary><pre class=\"output\">" + esc(lines.joined(separator: "\n")) + "</pre></details>"
    }

    /// Prose lines to HTML: blank lines separate paragraphs, "- " lines make lists (an indented
    /// line continues the item above, as in Markdown), "#" lines headings.
    static func proseHTML(_ lines: [String]) -> String {
        var out: [String] = []
        var para: [String] = []
        var list: [String] = []
        func flush() {
            if !para.isEmpty { out.append("<p>" + para.map(inline).joined(separator: " ") + "</p>"); para = [] }
            if !list.isEmpty { out.append("<ul>" + list.map { "<li>\(inline($0))</li>" }.joined() + "</ul>"); list = [] }
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

    static let keywords: Set<String> = ["fn", "if", "else", "for", "in", "while", "return", "break", "continue", "true", "false", "nil", "and", "or", "not"]

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
                out += keywords.contains(word) ? "<span class=\"k\">\(word)</span>" : esc(word); i = j; continue
            }
            if c.isNumber {
                var j = i
                while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "_") { j += 1 }
                out += "<span class=\"n\">\(esc(String(chars[i..<j])))</span>"; i = j; continue
            }
            out += esc(String(c)); i += 1
        }
        return out
    }

    static let style = """
    :root{color-scheme:light dark;--fg:#1f2328;--bg:#ffffff;--muted:#59636e;--code:#f6f8fa;--border:#d1d9e0;--c:#6e7781;--s:#0a3069;--k:#cf222e;--n:#0550ae}
    @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--code:#151b23;--border:#3d444d;--c:#9198a1;--s:#a5d6ff;--k:#ff7b72;--n:#79c0ff}}
    body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif}
    main{max-width:860px;margin:0 auto;padding:2rem 1.25rem 4rem}
    h1{font-size:1.8rem;margin:0 0 1rem}
    p,ul{margin:.6rem 0}
    pre{margin:.5rem 0;padding:.6rem .8rem;overflow-x:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;border-radius:6px}
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
    @media print{body{font-size:11pt}main{max-width:none;padding:0}pre,figure{break-inside:avoid}pre{white-space:pre-wrap}pre.code{background:none}}
    """

    /// One self-contained HTML file: no scripts, no external resources; well-formed XML.
    public func html() -> String {
        var body: [String] = ["<h1>\(Notebook.inline(title))</h1>"]
        for cell in cells {
            switch cell {
            case .prose(let lines): body.append(Notebook.proseHTML(lines))
            case .code(let lines, let outputs, let figures):
                if !lines.isEmpty { body.append("<pre class=\"code\"><code>" + lines.map(Notebook.highlight).joined(separator: "\n") + "</code></pre>") }
                if !outputs.isEmpty { body.append(Notebook.outputHTML(outputs)) }
                body += figures.map { $0.trimmingCharacters(in: .newlines) }
            }
        }
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
        <footer>Exported by xai \(Version.string) from a run of the script; every output and figure above was produced by that run.</footer>
        </main>
        </body>
        </html>

        """
    }

    /// Markdown: prose as written, code in ```xai fences, output in plain fences, figures as
    /// inline HTML (SVG), so the file stands alone.
    /// A code fence longer than any run of backticks that starts a line of the block, so that
    /// no code or output line (`print("```")`) can close it early and turn the rest into prose.
    static func fence(_ lines: [String]) -> String {
        let longest = lines.map { $0.drop(while: { $0 == " " }).prefix(while: { $0 == "`" }).count }.max() ?? 0
        return String(repeating: "`", count: max(3, longest + 1))
    }

    public func markdown() -> String {
        var out = ["# \(Notebook.markdownProse(title))", ""]
        for cell in cells {
            switch cell {
            case .prose(let lines): out += lines.map(Notebook.markdownProse) + [""]
            case .code(let lines, let outputs, let figures):
                if !lines.isEmpty { let f = Notebook.fence(lines); out += [f + "xai"] + lines + [f, ""] }
                if !outputs.isEmpty { let f = Notebook.fence(outputs); out += [f + "text"] + outputs + [f, ""] }
                for f in figures { out += [f.trimmingCharacters(in: .newlines), ""] }
            }
        }
        return out.joined(separator: "\n")
    }

    /// Writes the notebook atomically as HTML (.html/.htm) or Markdown (.md).
    public func write(to url: URL) throws {
        let text: String
        switch url.pathExtension.lowercased() {
        case "html", "htm": text = html()
        case "md", "markdown": text = markdown()
        default: throw RuntimeError("export: the file name must end in .html or .md, found \"\(url.lastPathComponent)\"")
        }
        do { try SafeFile.write(Data(text.utf8), to: url) } catch {
            throw RuntimeError("export: \(error)")
        }
    }
}
