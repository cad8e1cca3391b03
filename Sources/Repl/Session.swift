import Foundation
import Lang
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

    public init(baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        interp = Interpreter()
        interp.baseDirectory = baseDirectory
        interp.output = { [unowned self] text, volatile in
            // One transcript line per printed line.
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                self.captured.append(Transcript.Line(String(line), volatile: volatile))
                self.echo(String(line))
            }
        }
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
    public func run(_ source: String, file: String = "<input>", record: Bool = true,
                    onStatement: ((_ lastLine: Int, _ outputs: [Transcript.Line]) -> Void)? = nil,
                    onRecord: ((StatementRecord) -> Void)? = nil) -> Outcome {
        var all: [Transcript.Line] = []
        var records: [StatementRecord] = []
        var failed = false
        let firstLine = sessionLines.count + 1
        sessionLines += source.components(separatedBy: "\n")
        let lines = sessionLines
        func sessionLine(_ n: Int) -> String? { n >= 1 && n <= lines.count ? lines[n - 1] : nil }
        let program: Program
        do {
            program = try Parser.parse(source: source, file: file, firstLine: firstLine)
        } catch {
            captured = []
            interp.output(interp.renderError(error, line: sessionLine), false)
            let lines = captured
            captured = []
            let rec = StatementRecord(lastLine: max(0, ((error as? SyntaxError)?.location.line ?? firstLine) - firstLine), outputs: lines, figures: [])
            if error is SyntaxError {
                onStatement?(rec.lastLine, lines)
                onRecord?(rec)
            }
            if record { entries.append((source, lines)); entryRecords.append([rec]) }
            return Outcome(outputs: lines, failed: true)
        }
        for stmt in program.statements {
            captured = []
            let start = DispatchTime.now().uptimeNanoseconds
            var statementFigures: [String] = []
            var figureTextLines = 0
            do {
                if let v = try interp.executeTopLevel(stmt) {
                    let lines = v.split(separator: "\n", omittingEmptySubsequences: false)
                    for l in lines { interp.output(String(l), false) }
                    if case .object(let o as FigureProviding)? = interp.lastShown {
                        statementFigures.append(o.figureHTML)
                        figureTextLines = lines.count
                    }
                }
            } catch {
                failed = true
                interp.output(interp.renderError(error, line: sessionLine), false)
            }
            if timing {
                let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                interp.output(String(format: "time %.1f ms", ms), true)
            }
            onStatement?(stmt.range.lastLine - firstLine, captured)
            let rec = StatementRecord(lastLine: stmt.range.lastLine - firstLine, outputs: captured, figures: statementFigures,
                                      figureTextLines: timing ? 0 : figureTextLines)
            onRecord?(rec)
            records.append(rec)
            all += captured
            if failed && interp.wasInterrupted { break }
        }
        captured = []
        if record {
            if failed && interp.wasInterrupted { interruptedEntries.insert(entries.count) }
            entries.append((source, all))
            entryRecords.append(records)
        }
        return Outcome(outputs: all, failed: failed)
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
            code.append(contentsOf: source.components(separatedBy: "\n"))
            if !outs.isEmpty { outputs[code.count - 1] = outs }
        }
        return Transcript.render(code: code, outputs: outputs)
    }
}
