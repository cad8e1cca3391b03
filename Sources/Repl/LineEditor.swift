import CEditLine
import Foundation
import Tensors

/// What reading a line gave.
public enum LineResult: Equatable {
    case line(String)
    /// Ctrl-C at the prompt: the line is dropped and a fresh prompt follows.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// A source of input lines: libedit in a terminal, plain lines from a pipe.
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineResult
    /// Records a complete entry (possibly several lines) for history recall.
    func remember(_ entry: String)
    var complete: ((String) -> [String])? { get set }
    func close()
}

/// Line editing with libedit: emacs keys, history (up-arrow), Tab completion.
public final class LineEditor: LineReader {
    /// libedit reads multibyte characters (é, 模) only under a UTF-8 character locale; without
    /// one it drops them from the line. The character class is taken from the environment,
    /// else C.UTF-8 (numbers and messages keep the C locale: only LC_CTYPE is set).
    static func useUTF8Characters() {
        let current = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? ""
        if !current.uppercased().contains("UTF-8") && !current.uppercased().contains("UTF8") {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    var history: History
    public var complete: ((String) -> [String])?

    public init(programName: String, historyURL: URL?) {
        history = History(url: historyURL)
        LineEditor.useUTF8Characters()
        _ = xe_open(programName)
        for e in history.entries { xe_history_enter(e) }
        xe_set_completer({ context, line in
            guard let context, let line else { return nil }
            let editor = Unmanaged<LineEditor>.fromOpaque(context).takeUnretainedValue()
            guard let provider = editor.complete else { return nil }
            let typed = String(cString: line)
            let answer = Completion.answer(typed: typed, candidates: provider(typed))
            guard let answer else { return nil }
            return strdup(answer)
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    public func readLine(prompt: String) -> LineResult {
        xe_set_prompt(prompt)
        guard let p = xe_gets() else {
            if xe_take_interrupt() != 0 {
                print("")
                return .interrupted
            }
            return .endOfInput
        }
        var s = String(cString: p)
        if s.hasSuffix("\n") { s.removeLast() }
        return .line(s)
    }

    public func remember(_ entry: String) {
        history.add(entry)
        xe_history_enter(entry)
        try? history.save()
    }

    public func close() { xe_close() }
}

/// Plain lines from a pipe or file: no prompt, no editing.
public final class PlainLineReader: LineReader {
    public var complete: ((String) -> [String])?
    public init() {}
    public func readLine(prompt: String) -> LineResult {
        // getline itself, not Swift.readLine: after Ctrl-C the stream keeps its error flag,
        // and Swift.readLine retries an interrupted read forever. Ctrl-C while a piped
        // session waits for input ends it, as the end of the input would.
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let count = getline(&buffer, &capacity, stdin)
        guard count >= 0, let buffer else {
            clearerr(stdin)
            return .endOfInput
        }
        let start = UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        var bytes = UnsafeBufferPointer(start: start, count: count)
        if bytes.last == 10 { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        if bytes.last == 13 { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }   // CRLF input
        return .line(String(decoding: bytes, as: UTF8.self))
    }
    public func remember(_ entry: String) {}
    public func close() {}
}

/// The Ctrl-C flag shared by the prompt and long computations: the handler sets a flag;
/// the prompt and the engine's safe points (`Interruption.check()`) take it.
public enum InterruptFlag {
    public static func install() {
        xe_install_sigint_handler()
        Interruption.poll = { xe_interrupt_pending() != 0 && xe_take_interrupt() != 0 }
    }
}
