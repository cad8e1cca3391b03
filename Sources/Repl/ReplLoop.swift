import Foundation
import Lang
import Pictures
import Syntax
import Tensors

/// The interactive prompt: reads entries (continuing while brackets are open), runs REPL
/// commands, and runs code in the session, with Ctrl-C clearing the line at the prompt and
/// stopping a running computation at its next safe point.
public final class ReplLoop {
    let session: Session
    let reader: LineReader
    let banner: Bool
    let interactive: Bool
    var done = false

    public init(banner: Bool = true, reader: LineReader? = nil) {
        session = Session()
        interactive = isatty(0) == 1
        self.reader = reader ?? (interactive ? LineEditor(programName: "xai", historyURL: History.defaultURL) : PlainLineReader())
        self.banner = banner && interactive
        session.interp.interactive = interactive
        // Colour only on a terminal that allows it; transcripts and pipes stay plain text.
        Palette.mode = ColorMode.detect(isTerminal: interactive && isatty(1) == 1)
        self.reader.complete = { [unowned self] line in self.completions(for: line) }
    }

    /// Runs until :quit or end of input; returns the exit status.
    public func run() -> Int32 {
        InterruptFlag.install()
        if banner {
            print("xai \(Version.string) — build, train and explain neural models. :help for commands, help(name) for a builtin, Ctrl-D to quit.")
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
                if text.trimmingCharacters(in: .whitespaces).hasPrefix(":") || !Parser.isIncomplete(text) { return text }
                prompt = interactive ? "...  " : ""
            }
        }
    }

    // MARK: commands

    static let commands: [(String, String)] = [
        (":help [name]", "this list, or help for a builtin"),
        (":vars", "variables of the session with their type and shape"),
        (":save FILE", "write the session so far as a replayable .xai script with its outputs"),
        (":load FILE", "run a .xai script in this session"),
        (":export FILE", "write the session so far as a notebook: FILE.html (one page with figures) or FILE.md"),
        (":time", "toggle timing of each statement"),
        (":env", "versions, kernel path and threads, seed"),
        (":quit", "leave (Ctrl-D also works)"),
    ]

    func say(_ s: String) { print(s) }

    func command(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ":help", ":h", ":?":
            if arg.isEmpty {
                say("Commands:")
                for (c, d) in ReplLoop.commands { say("  " + c.padding(toLength: 16, withPad: " ", startingAt: 0) + d) }
                say("Code: any xai statement; help(name) describes a builtin; help() lists them all.")
            } else {
                do { say(try session.interp.helpText(for: .string(arg))) } catch { say("error: \(error)") }
            }
        case ":vars":
            let names = session.interp.globalNames
            if names.isEmpty { say("(no variables yet)") }
            for n in names {
                guard let v = session.interp.global(n) else { continue }
                say("  " + TextWidth.pad(n, to: max(14, TextWidth.of(n))) + " " + ReplLoop.summary(v))
            }
        case ":save":
            guard !arg.isEmpty else { say("usage: :save FILE.xai"); return }
            do {
                try SafeFile.write(Data(session.transcript().utf8), to: try session.interp.resolve(arg))
                say("saved \(session.entries.count) entries to \(arg)")
            } catch { say("error: \(error)") }
        case ":export":
            guard !arg.isEmpty else { say("usage: :export FILE.html or :export FILE.md"); return }
            do {
                try Notebook.fromSession(session).write(to: try session.interp.resolve(arg))
                say("exported \(session.entries.count) entries to \(arg)")
            } catch { say("error: \(error)") }
        case ":load":
            guard !arg.isEmpty else { say("usage: :load FILE.xai"); return }
            guard let url = try? session.interp.resolve(arg), let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                say("error: no readable file at \(arg)"); return
            }
            _ = session.run(Transcript.parse(text).code, file: url.lastPathComponent)
        case ":time":
            session.timing.toggle()
            say("timing \(session.timing ? "on" : "off")")
        case ":env":
            say(ReplLoop.environment(session.interp))
        case ":quit", ":q", ":exit":
            done = true
        default:
            say("unknown command \(parts[0]); :help lists the commands")
        }
    }

    static func summary(_ v: Value) -> String {
        switch v {
        case .tensor(let t): return "tensor \(t.dtype) \(TensorFormat.fmt(t.shape))" + (t.requiresGrad ? " requires_grad" : "")
        case .list(let l): return "list of \(l.items.count)"
        case .dict(let d): return "dict of \(d.keys.count)"
        case .function(let f): return "function \(f.name)"
        case .object(let o): return o.summary
        case .string(let s): return "string " + (s.count > 40 ? Value.string(String(s.prefix(40))).repr + "…" : v.repr)
        default: return "\(v.typeName) \(v.repr)"
        }
    }

    public static func environment(_ interp: Interpreter) -> String {
        """
        xai \(Version.string)
        swift  \(swiftVersion)
        kernel \(Kernels.path.description) path, \(Kernels.threads) thread\(Kernels.threads == 1 ? "" : "s") (XAI_KERNEL, XAI_THREADS); results are the same bits on every machine, path and thread count
        seed   \(interp.seedValue.map(String.init) ?? "0 (default; seed(n) sets it)")
        cwd    \(interp.baseDirectory.path)
        """
    }

    static var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3)
        return "6.3"
        #else
        return "6.x"
        #endif
    }

    // MARK: completion

    /// Candidates for the word at the end of `line`: variables and builtins, methods and
    /// properties after `.`, labels inside a call, file names inside a string, `:commands`.
    func completions(for line: String) -> [String] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        // Words stop at ':', so command candidates are given without it.
        if trimmed.hasPrefix(":") && !trimmed.contains(" ") { return ReplLoop.commands.map { String($0.0.split(separator: " ")[0].dropFirst()) } }
        let (receiver, partial, inString) = Completion.word(in: line)
        if inString, let choices = Completion.stringChoices(in: line) { return choices }
        if inString || trimmed.hasPrefix(":save ") || trimmed.hasPrefix(":load ") { return fileNames(partial) }
        let interp = session.interp
        if let receiver {
            // Evaluate only plain names (no calls) so completion never runs user code.
            guard receiver.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return [] }
            var v: Value?
            for (k, part) in receiver.split(separator: ".").enumerated() {
                if k == 0 { v = interp.global(String(part)) } else if let cur = v { v = try? interp.member(cur, String(part)) }
            }
            guard let value = v else { return [] }
            let owner: String
            var names: [String] = []
            switch value {
            case .object(let o): owner = o.typeName; names += o.propertyNames
            case .dict(let d): owner = "dict"; names += d.keys.compactMap { if case .string(let s) = $0 { return s }; return nil }
            default: owner = value.typeName
            }
            names += interp.registry.methods[owner].map { Array($0.keys) } ?? []
            names += interp.registry.properties[owner].map { Array($0.keys) } ?? []
            return names
        }
        var names = interp.globalNames + Array(interp.registry.functions.keys) + Array(Keywords.all)
        // Labels of the innermost open call: `fit(model, ep` → epochs:
        if let callee = ReplLoop.openCall(in: line), let b = interp.registry.lookup(callee) ?? ReplLoop.method(named: callee, interp) {
            names += b.params.map { $0.name + ": " }
        }
        return names
    }

    static func method(named callee: String, _ interp: Interpreter) -> Builtin? {
        guard let dot = callee.lastIndex(of: ".") else { return nil }
        let name = String(callee[callee.index(after: dot)...])
        for (_, ms) in interp.registry.methods { if let m = ms[name] { return m } }
        return nil
    }

    /// The name called by the innermost unclosed '(' in `line`.
    static func openCall(in line: String) -> String? {
        var depth = 0
        var i = line.endIndex
        while i > line.startIndex {
            i = line.index(before: i)
            let c = line[i]
            if c == ")" { depth += 1 } else if c == "(" {
                if depth == 0 {
                    var j = i
                    while j > line.startIndex, let p = Optional(line[line.index(before: j)]), p.isLetter || p.isNumber || p == "_" || p == "." { j = line.index(before: j) }
                    let name = String(line[j..<i])
                    return name.isEmpty ? nil : name
                }
                depth -= 1
            }
        }
        return nil
    }

    func fileNames(_ partial: String) -> [String] {
        let expanded = (partial as NSString).expandingTildeInPath
        let dir = expanded.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        guard let base = try? session.interp.resolve(dir.isEmpty ? "." : dir) else { return [] }
        guard let items = try? FileManager.default.contentsOfDirectory(atPath: base.path) else { return [] }
        let prefix = partial.hasSuffix("/") ? partial : String(partial.dropLast((partial as NSString).lastPathComponent.count))
        return items.filter { !$0.hasPrefix(".") }.map { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: base.appendingPathComponent(name).path, isDirectory: &isDir)
            return prefix + name + (isDir.boolValue ? "/" : "")
        }
    }
}
