import Foundation
import Lang
import Pictures
import Tensors

/// A script or a session as a notebook: prose from `##` comment blocks, code cells, their
/// outputs and figures. This file builds the cells; NotebookHTML.swift renders one
/// self-contained HTML file, NotebookMarkdown.swift Markdown. Output that changes run to run
/// (`#~` timings) is left out, so exporting twice gives the same bytes.
public struct Notebook {
    public enum Cell: Equatable {
        case prose([String])
        case code(lines: [String], outputs: [String], figures: [String])
    }
    public var title: String
    public var cells: [Cell]
    /// What the statement ending at each code line printed and drew: its cell's output.
    typealias Records = [Int: (outputs: [String], figures: [String])]

    /// Runs a .xai file in a fresh session (as `xai check` does) and builds its notebook.
    public static func fromScript(path: String) throws -> Notebook {
        try fromScript(path: path, checking: nil).notebook
    }

    /// The notebook of a script and, when `checking`, how its outputs differ from the
    /// recorded transcript (what `xai check` reports), from one run of the script.
    public static func fromScript(path: String, checking match: Transcript.Match?) throws
        -> (notebook: Notebook, mismatches: [Transcript.Mismatch]) {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RuntimeError("export: no readable file at \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RuntimeError("export: \(path) is not UTF-8 text")
        }
        let parsed = Transcript.parse(text)
        Random.seed(0)
        let session = Session(baseDirectory: url.deletingLastPathComponent())
        session.echo = { _ in }
        var records: Records = [:]
        var produced: [Int: [Transcript.Line]] = [:]
        // As `xai run`: the code at its own file lines, outputs keyed by code line.
        session.run(parsed.codeAtFileLines, file: url.lastPathComponent, record: false, onStatement: { last, lines in
            if !lines.isEmpty {
                produced[parsed.codeLine(atFileLine: last), default: []].append(contentsOf: lines)
            }
        }, onRecord: { r in
            // A shown figure replaces its text drawing.
            let lines = r.outputs.dropLast(r.figureTextLines).filter { !$0.volatile }.map(\.text)
            let line = parsed.codeLine(atFileLine: r.lastLine)
            if !lines.isEmpty || !r.figures.isEmpty {
                records[line, default: ([], [])].outputs += lines
                records[line, default: ([], [])].figures += r.figures
            }
        })
        let notebook = build(lines: parsed.codeLines, records: records,
                             fallbackTitle: url.deletingPathExtension().lastPathComponent)
        guard let match else { return (notebook, []) }
        let mismatches = Transcript.compare(code: parsed.codeLines, recorded: parsed.recorded, produced: produced,
                                            match: match)
        return (notebook, mismatches)
    }

    /// The notebook of a script as its transcript records it, without running it: the `#>`
    /// lines become each statement's output.
    public static func fromTranscript(_ text: String, title: String) -> Notebook {
        let parsed = Transcript.parse(text)
        var records: Records = [:]
        for (line, outputs) in parsed.recorded {
            let kept = outputs.filter { !$0.volatile }.map(\.text)
            if !kept.isEmpty { records[line] = (kept, []) }
        }
        return build(lines: parsed.codeLines, records: records, fallbackTitle: title)
    }

    /// The REPL session so far: one code cell per entry, prose from `##` lines typed.
    public static func fromSession(_ session: Session) -> Notebook {
        var lines: [String] = []
        var records: Records = [:]
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
    static func build(lines: [String], records: Records, fallbackTitle: String) -> Notebook {
        var cells: [Cell] = []
        var prose: [String] = []
        var code: [String] = []
        func flushProse() { if !prose.isEmpty { cells.append(.prose(prose)); prose = [] } }
        func flushCode(_ outputs: [String] = [], _ figures: [String] = []) {
            while code.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeFirst() }
            while code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeLast() }
            if !code.isEmpty || !outputs.isEmpty || !figures.isEmpty {
                cells.append(.code(lines: code, outputs: outputs, figures: figures))
            }
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

    /// The links prose may keep, in HTML and in Markdown alike: http(s) and mailto links, and
    /// relative ones (no scheme before the first /, ? or #).
    static func isSafeLink(_ url: String) -> Bool {
        let lower = url.lowercased()
        if ["http://", "https://", "mailto:"].contains(where: lower.hasPrefix) { return true }
        // Before the first / ? or #, a colon would start a scheme, and a character reference
        // (`&#58;`, `&colon;`), which Markdown renderers decode, could hide one.
        let head = lower.prefix { !"/?#".contains($0) }
        return !head.contains(":") && !head.contains("&")
            && !lower.contains(where: { $0.isNewline || $0 == "\\" })
    }

    /// Writes the notebook atomically as HTML (.html/.htm) or Markdown (.md).
    public func write(to url: URL) throws {
        let text: String
        switch url.pathExtension.lowercased() {
        case "html", "htm": text = html()
        case "md", "markdown": text = markdown()
        default:
            throw RuntimeError("export: the file name must end in .html or .md, found \"\(url.lastPathComponent)\"")
        }
        do { try SafeFile.write(Data(text.utf8), to: url) } catch {
            throw RuntimeError("export: \(error)")
        }
    }
}
