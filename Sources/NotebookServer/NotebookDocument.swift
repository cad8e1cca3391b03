import Foundation
import Repl
import Syntax

/// A `.xai` script as the live notebook's cells: each `##` prose block is a cell, and the code
/// between them is split into statement groups, each ending at a statement that printed (its
/// recorded `#>` lines) or at a blank line between complete statements. Writing the cells back
/// gives the script again, byte for byte, when nothing changed.
public struct NotebookDocument {
    public enum Kind: String, Sendable { case prose, code }

    /// What a cell shows under it: the lines as the script records them (`#>`, `#~`), and the
    /// figures a run drew (HTML), with how many of the last lines draw them as text.
    public struct Output {
        /// As the script records them, under the line of the cell (from 0) of the statement
        /// that printed them, as `xai run --update` places them.
        public var placed: [Int: [Transcript.Line]] = [:]
        public var lines: [Transcript.Line] { placed.keys.sorted().flatMap { placed[$0] ?? [] } }
        /// As the page shows them: a figure's text drawing is left out, the figure shown instead.
        public var shown: [String] = []
        public var figures: [String] = []
    }

    public struct Cell {
        public var id: Int
        public var kind: Kind
        /// The cell's text: code as written; prose without its `## ` marks.
        public var text: String
        /// Blank lines before the cell in the file.
        public var gapBefore: Int
        public var output = Output()
        /// Stopped before it finished (Ctrl-C or the stop button): saved as comments, not replayed.
        public var stopped = false
    }

    public var cells: [Cell] = []
    /// Blank lines at the end of the file.
    public var trailingGap = 0
    private var nextID = 1

    /// The note that marks a cell stopped before it finished; the commented lines follow it.
    static let stoppedNote = "# stopped before it finished, so not replayed:"

    public init(text: String) {
        let parsed = Transcript.parse(text)
        var lines = parsed.codeLines
        var recorded = parsed.recorded
        // Output before any code (a hand-written file) stays with the first cell.
        let leading = recorded.removeValue(forKey: -1) ?? []
        var gap = 0
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.trimmingCharacters(in: .whitespaces).isEmpty { gap += 1; i += 1; continue }
            if NotebookDocument.isProse(line) {
                var prose: [String] = []
                while i < lines.count, NotebookDocument.isProse(lines[i]) {
                    var t = String(lines[i].dropFirst(2))
                    if t.hasPrefix(" ") { t.removeFirst() }
                    prose.append(t); i += 1
                }
                append(.prose, prose.joined(separator: "\n"), gap: gap, output: Output())
                gap = 0
                continue
            }
            if line == NotebookDocument.stoppedNote {
                var code: [String] = []
                i += 1
                while i < lines.count, lines[i].hasPrefix("#   ") || lines[i] == "#" {
                    code.append(String(lines[i].dropFirst(lines[i] == "#" ? 1 : 4))); i += 1
                }
                append(.code, code.joined(separator: "\n"), gap: gap, output: Output())
                cells[cells.count - 1].stopped = true
                gap = 0
                continue
            }
            var code: [String] = []
            var out = Output()
            while i < lines.count {
                let l = lines[i]
                if NotebookDocument.isProse(l) || l == NotebookDocument.stoppedNote { break }
                let blank = l.trimmingCharacters(in: .whitespaces).isEmpty
                if blank && !Parser.isIncomplete(code.joined(separator: "\n")) { break }
                code.append(l)
                i += 1
                if let r = recorded[i - 1] { out.placed[code.count - 1] = r; out.shown = r.map(\.text); break }
            }
            while code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeLast(); i -= 1 }
            append(.code, code.joined(separator: "\n"), gap: gap, output: out)
            gap = 0
        }
        trailingGap = gap
        if !leading.isEmpty {
            if cells.isEmpty { append(.code, "", gap: 0, output: Output()) }
            cells[0].output.placed[-1] = leading
            cells[0].output.shown = cells[0].output.lines.map(\.text)
        }
        lines.removeAll()
    }

    static func isProse(_ line: String) -> Bool { line.hasPrefix("##") && !line.hasPrefix("###") }

    private mutating func append(_ kind: Kind, _ text: String, gap: Int, output: Output) {
        cells.append(Cell(id: nextID, kind: kind, text: text, gapBefore: gap, output: output))
        nextID += 1
    }

    /// A new empty cell after the cell `after` (at the top when nil); its id.
    public mutating func insert(_ kind: Kind, after: Int?, text: String = "") -> Int {
        let at = after.flatMap { id in cells.firstIndex { $0.id == id }.map { $0 + 1 } } ?? 0
        let gap = cells.isEmpty ? 0 : 1
        cells.insert(Cell(id: nextID, kind: kind, text: text, gapBefore: gap), at: at)
        if at == 0 && cells.count > 1 && cells[1].gapBefore == 0 { cells[1].gapBefore = 1 }
        nextID += 1
        return nextID - 1
    }

    public func index(of id: Int) -> Int? { cells.firstIndex { $0.id == id } }

    /// The script's lines of cell `k`: prose with `## `, code as written (or as comments when
    /// stopped), then its output lines.
    func fileLines(of k: Int) -> (code: [String], outputs: [String]) {
        let c = cells[k]
        let lines = c.text.components(separatedBy: "\n")
        switch c.kind {
        case .prose: return (lines.map { $0.isEmpty ? "##" : "## " + $0 }, [])
        case .code where c.stopped:
            return ([NotebookDocument.stoppedNote] + lines.map { $0.isEmpty ? "#" : "#   " + $0 }, [])
        case .code:
            // Each statement's output under its last line (the last line when the code shrank).
            var code = [String]()
            for (i, line) in (c.text.isEmpty ? [] : lines).enumerated() {
                code.append(line)
                for key in c.output.placed.keys.sorted() where max(0, min(key, lines.count - 1)) == i {
                    code += (c.output.placed[key] ?? []).map(\.rendered)
                }
            }
            let orphan = c.text.isEmpty ? c.output.lines.map(\.rendered) : []
            return (code, orphan)
        }
    }

    /// The 1-based line of the file where cell `k`'s code starts, as `script` writes it.
    public func fileLine(of k: Int) -> Int {
        var line = 1
        for j in 0..<k {
            let (code, outputs) = fileLines(of: j)
            line += cells[j].gapBefore + code.count + outputs.count
        }
        return line + (k < cells.count ? cells[k].gapBefore : 0)
    }

    /// The whole script: prose, code and each cell's output as `xai run --update` writes it.
    public var script: String {
        var out: [String] = []
        for k in cells.indices {
            out += Array(repeating: "", count: cells[k].gapBefore)
            let (code, outputs) = fileLines(of: k)
            out += code + outputs
        }
        out += Array(repeating: "", count: trailingGap)
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }
}

extension Transcript.Line {
    /// The line as the script records it.
    var rendered: String {
        let p = volatile ? Transcript.volatilePrefix : Transcript.outputPrefix
        return text.isEmpty ? p : p + " " + text
    }
}
