import Foundation
import Lang
import Tensors

/// `xai run` and `xai check`: a script runs statement by statement in a fresh session; its
/// outputs are placed under the statements that printed them.
public enum ScriptRunner {
    public struct Result {
        public var succeeded: Bool
        public var mismatches: [Transcript.Mismatch]
        public var rendered: String
    }

    static func load(_ path: String) throws -> (URL, String) {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RuntimeError("no readable file at \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RuntimeError("\(path) is not UTF-8 text")
        }
        return (url, text)
    }

    /// Runs the file's code in a fresh session; returns outputs keyed by code line.
    static func execute(_ parsed: Transcript.Parsed, url: URL, echo: Bool)
        -> (outputs: [Int: [Transcript.Line]], failed: Bool) {
        Random.seed(0)
        let session = Session(baseDirectory: url.deletingLastPathComponent())
        session.echo = echo ? { print($0) } : { _ in }
        var outputs: [Int: [Transcript.Line]] = [:]
        // The code runs at its own lines of the file (outputs blanked), so errors name the
        // file's line numbers; outputs are then keyed by code line again.
        let outcome = session.run(parsed.codeAtFileLines, file: url.lastPathComponent, record: false) { last, lines in
            if !lines.isEmpty { outputs[parsed.codeLine(atFileLine: last), default: []].append(contentsOf: lines) }
        }
        return (outputs, outcome.failed)
    }

    public static func run(path: String, update: Bool, echo: Bool) throws -> Result {
        let (url, text) = try load(path)
        let parsed = Transcript.parse(text)
        let (outputs, failed) = execute(parsed, url: url, echo: echo)
        let rendered = Transcript.render(code: parsed.codeLines, outputs: outputs)
        if update && rendered != text {
            try SafeFile.write(Data(rendered.utf8), to: url)
        }
        return Result(succeeded: !failed, mismatches: [], rendered: rendered)
    }

    public static func check(path: String, match: Transcript.Match = .exact) throws -> Result {
        let (url, text) = try load(path)
        let parsed = Transcript.parse(text)
        let (outputs, failed) = execute(parsed, url: url, echo: false)
        let mismatches = Transcript.compare(code: parsed.codeLines, recorded: parsed.recorded, produced: outputs,
                                            match: match)
        return Result(succeeded: !failed && mismatches.isEmpty, mismatches: mismatches,
                      rendered: Transcript.render(code: parsed.codeLines, outputs: outputs))
    }
}
