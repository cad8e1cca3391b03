import Foundation
import Lang
import Pictures
import Syntax
import Tensors

/// One interactive or scripted session: an interpreter, the entries run so far with their
/// outputs (for `:save`), and the settings REPL commands change.
public final class Session {
    public let interp: Interpreter
    /// Source and output of every entry, in order, for `:save`.
    public private(set) var entries: [(source: String, outputs: [Transcript.Line])] = []
    /// Entries stopped by Ctrl-C: a saved session keeps them as comments, never as if they
    /// had finished (replaying an interrupted endless loop would never end).
    public private(set) var interruptedEntries: Set<Int> = []
    /// What each statement of each entry produced, with figures, for `:export`.
    public private(set) var entryRecords: [[StatementRecord]] = []
    public var timing = false
    /// Where output goes as it is produced (stdout in the REPL; nowhere when only captured).
    public var echo: (String) -> Void = { print($0) }
    private var captured: [Transcript.Line] = []
    /// Every line run so far: entries are parsed at their line in the session, so an error in
    /// a function defined three entries ago still shows its own line.
    private var sessionLines: [String] = []
    /// Lines run at their file line (notebook cells), by line number, for error carets.
    private var placedLines: [Int: String] = [:]
    /// Where the saved session (`transcript()`) adds lines that are not session lines: after
    /// session line `after[i]`, `total[i]` such lines in all so far (outputs as `#>` lines, and
    /// a note before each interrupted entry). Errors are numbered by the saved file's lines,
    /// so that a saved session replays with the same messages.
    private var addedAfter: [Int] = [], addedTotal: [Int] = []

    private func noteAdded(_ count: Int, afterSessionLine line: Int) {
        guard count > 0 else { return }
        addedAfter.append(line)
        addedTotal.append((addedTotal.last ?? 0) + count)
    }

    /// The saved file's line number of session line `n` (1-based).
    func savedFileLine(_ n: Int) -> Int {
        // Lines added after session lines before n push it down.
        var lo = 0, hi = addedAfter.count
        while lo < hi { let mid = (lo + hi) / 2; if addedAfter[mid] < n { lo = mid + 1 } else { hi = mid } }
        return n + (lo == 0 ? 0 : addedTotal[lo - 1])
    }

    public init(baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        interp = Interpreter()
        interp.baseDirectory = baseDirectory
        interp.output = { [unowned self] text, volatile in self.show(text, saving: text, volatile: volatile) }
        interp.outputPicture = { [unowned self] draw in
            let shown = draw()
            self.show(shown, saving: Session.scriptDrawing(shown, draw), volatile: false)
        }
    }

    /// Echoes `shown` and records `saved`, one transcript line per printed line.
    private func show(_ shown: String, saving saved: String, volatile: Bool) {
        for line in shown.split(separator: "\n", omittingEmptySubsequences: false) { echo(String(line)) }
        for line in saved.split(separator: "\n", omittingEmptySubsequences: false) {
            captured.append(Transcript.Line(String(line), volatile: volatile))
        }
    }

    /// What a script prints for a drawing already `shown`: the same text when pictures are
    /// drawn as in a script; at a colour terminal or another width, `draw` again in plain text,
    /// 80 columns wide, so that a saved session replays.
    static func scriptDrawing(_ shown: String, _ draw: () -> String) -> String {
        Rendering.isScriptLike ? shown : Rendering.asScript(draw)
    }

    /// The result of running one entry.
    public struct Outcome {
        public var outputs: [Transcript.Line]
        public var failed: Bool
    }

    /// What one statement produced, for notebooks.
    public struct StatementRecord {
        /// 0-based index of the statement's last line in the source.
        public var lastLine: Int
        public var outputs: [Transcript.Line]
        /// HTML of the figures the statement showed (charts, explanations, confusion matrices).
        public var figures: [String]
        /// How many of the last output lines are the shown figure drawn as text (a notebook
        /// shows the figure instead).
        public var figureTextLines: Int = 0
    }

    /// Parses and runs `source` (one REPL entry or a file), statement by statement. Each
    /// statement's output is reported to `onStatement` with the 0-based index of its last line,
    /// and with its figures to `onRecord`.
    @discardableResult
    /// `atFileLine` (1-based) runs the source at that line of a file instead (a notebook's cell,
    /// numbered as the saved script numbers it), and is not recorded.
    public func run(_ source: String, file: String = "<input>", record: Bool = true, atFileLine: Int? = nil,
                    onStatement: ((_ lastLine: Int, _ outputs: [Transcript.Line]) -> Void)? = nil,
                    onRecord: ((StatementRecord) -> Void)? = nil) -> Outcome {
        var all: [Transcript.Line] = []
        var records: [StatementRecord] = []
        var failed = false
        let record = record && atFileLine == nil
        let firstLine = atFileLine ?? sessionLines.count + 1
        let sessionLine: (Int) -> String?
        if let atFileLine {
            for (i, l) in source.components(separatedBy: "\n").enumerated() { placedLines[atFileLine + i] = l }
            let placed = placedLines
            sessionLine = { placed[$0] }
        } else {
            sessionLines += source.components(separatedBy: "\n")
            let lines = sessionLines
            sessionLine = { n in n >= 1 && n <= lines.count ? lines[n - 1] : nil }
        }
        // Recorded entries number errors by the saved session's lines; a script run (record:
        // false) runs its code at its own file lines already.
        let numbered: (Int) -> Int = record ? { [unowned self] in self.savedFileLine($0) } : { $0 }
        let addedBefore = addedAfter.count
        let program: Program
        do {
            program = try Parser.parse(source: source, file: file, firstLine: firstLine)
        } catch {
            captured = []
            interp.output(interp.renderError(error, line: sessionLine, numbered: numbered), false)
            let lines = captured
            captured = []
            let at = ((error as? SyntaxError)?.location.line ?? firstLine) - firstLine
            let rec = StatementRecord(lastLine: max(0, at), outputs: lines, figures: [])
            if error is SyntaxError {
                onStatement?(rec.lastLine, lines)
                onRecord?(rec)
            }
            if record { recordUnparsed(source, rec, firstLine: firstLine) }
            return Outcome(outputs: lines, failed: true)
        }
        var stoppedByCtrlC = false
        for stmt in program.statements {
            let ran = execute(stmt, file: file, line: sessionLine, numbered: numbered)
            failed = failed || ran.failed
            stoppedByCtrlC = stoppedByCtrlC || interp.stoppedByCtrlC
            onStatement?(stmt.range.lastLine - firstLine, captured)
            let rec = StatementRecord(lastLine: stmt.range.lastLine - firstLine, outputs: captured,
                                      figures: ran.figures, figureTextLines: timing ? 0 : ran.figureTextLines)
            onRecord?(rec)
            records.append(rec)
            if record { noteAdded(captured.count, afterSessionLine: firstLine + rec.lastLine) }
            all += captured
            if failed && interp.wasInterrupted { break }
        }
        captured = []
        if record {
            if (failed && interp.wasInterrupted) || stoppedByCtrlC {
                // Saved as comments after a one-line note, without its outputs.
                interruptedEntries.insert(entries.count)
                addedAfter.removeLast(addedAfter.count - addedBefore)
                addedTotal.removeLast(addedTotal.count - addedBefore)
                noteAdded(1, afterSessionLine: firstLine - 1)
            }
            entries.append((source, all))
            entryRecords.append(records)
        }
        return Outcome(outputs: all, failed: failed)
    }

    /// Keeps an entry that did not parse, with its error message as its output.
    private func recordUnparsed(_ source: String, _ rec: StatementRecord, firstLine: Int) {
        entries.append((source, rec.outputs)); entryRecords.append([rec])
        noteAdded(rec.outputs.count, afterSessionLine: firstLine + rec.lastLine)
    }

    /// Runs one statement, its output (and timing) going to `captured`: whether it failed,
    /// the figures it showed, and how many of its last output lines draw them as text.
    private func execute(_ stmt: Stmt, file: String, line: (Int) -> String?, numbered: (Int) -> Int)
        -> (failed: Bool, figures: [String], figureTextLines: Int) {
        captured = []
        let start = DispatchTime.now().uptimeNanoseconds
        var failed = false
        var figures: [String] = []
        var figureTextLines = 0
        do {
            if let v = try interp.executeTopLevel(stmt, file: file) {
                let shown = interp.lastShown
                let saved = Session.scriptDrawing(v) { shown?.repr ?? v }
                show(v, saving: saved, volatile: false)
                if case .object(let o as FigureProviding)? = shown {
                    figures.append(o.figureHTML)
                    figureTextLines = saved.split(separator: "\n", omittingEmptySubsequences: false).count
                }
            }
        } catch {
            failed = true
            interp.output(interp.renderError(error, line: line, numbered: numbered), false)
        }
        if timing {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            interp.output(String(format: "time %.1f ms", ms), true)
        }
        return (failed, figures, figureTextLines)
    }

    /// The session so far as a replayable script with its outputs.
    public func transcript() -> String {
        var code: [String] = []
        var outputs: [Int: [Transcript.Line]] = [:]
        for (k, (source, outs)) in entries.enumerated() {
            if interruptedEntries.contains(k) {
                code.append("# stopped with Ctrl-C at the prompt, so not replayed:")
                code += source.components(separatedBy: "\n").map { "#   " + $0 }
                continue
            }
            // Each statement's output under its own last line, also when one entry (a pasted
            // block or a :load) held many statements.
            let base = code.count
            let lines = source.components(separatedBy: "\n")
            code += lines
            let records = k < entryRecords.count ? entryRecords[k] : []
            if records.isEmpty {
                if !outs.isEmpty { outputs[code.count - 1] = outs }
            }
            for r in records where !r.outputs.isEmpty {
                outputs[base + min(max(0, r.lastLine), lines.count - 1), default: []] += r.outputs
            }
        }
        return Transcript.render(code: code, outputs: outputs)
    }
}
