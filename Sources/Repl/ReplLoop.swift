import Foundation
import Lang
import Pictures
import Syntax
import Tensors

/// The interactive prompt: reads entries (continuing while brackets are open), runs REPL
/// commands, and runs code in the session, with Ctrl-C clearing the line at the prompt and
/// stopping a running computation at its next safe point. The `:commands` are in
/// Commands.swift, Tab completion in Completion.swift.
public final class ReplLoop {
    let session: Session
    let reader: LineReader
    let banner: Bool
    let interactive: Bool
    var done = false

    public init(banner: Bool = true, reader: LineReader? = nil) {
        session = Session()
        interactive = isatty(0) == 1
        self.reader = reader
            ?? (interactive ? LineEditor(programName: "xai", historyURL: History.defaultURL) : PlainLineReader())
        self.banner = banner && interactive
        session.interp.interactive = interactive
        // Colour only on a terminal that allows it; transcripts and pipes stay plain text.
        Palette.mode = ColorMode.detect(isTerminal: interactive && isatty(1) == 1)
        self.reader.complete = { [unowned self] line in self.completions(for: line) }
        if interactive {
            session.interp.askLine = { [unowned self] question in
                if case .line(let l) = self.reader.readLine(prompt: question) { return l }
                return nil
            }
        }
    }

    /// Runs until :quit or end of input; returns the exit status.
    public func run() -> Int32 {
        InterruptFlag.install()
        if banner {
            print("xai \(Version.string) — build, train and explain neural models. "
                  + ":help for commands, help(name) for a builtin, Ctrl-D to quit.")
        }
        while !done {
            guard let entry = readEntry() else { break }
            let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            reader.remember(entry)
            if trimmed.hasPrefix(":") {
                command(trimmed)
            } else {
                _ = session.run(entry)
                _ = Interruption.poll()   // a Ctrl-C that arrived after the last safe point is spent
            }
        }
        reader.close()
        return 0
    }

    /// Reads one entry: the first line, plus continuation lines while the text is incomplete.
    func readEntry() -> String? {
        var text = ""
        var prompt = interactive ? "xai> " : ""
        var depth = 0   // brackets open so far: while some are, the entry cannot be complete
        while true {
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                if interactive { print("") }
                return text.isEmpty ? nil : text
            case .interrupted:
                text = ""
                depth = 0
                prompt = interactive ? "xai> " : ""
                continue
            case .line(let l):
                text += text.isEmpty ? l : "\n" + l
                depth = Parser.bracketChange(l).map { depth + $0 } ?? 0
                if depth > 0 && !text.hasPrefix(":") { prompt = interactive ? "...  " : ""; continue }
                if text.trimmingCharacters(in: .whitespaces).hasPrefix(":") || !Parser.isIncomplete(text) {
                    return text
                }
                prompt = interactive ? "...  " : ""
            }
        }
    }
}
