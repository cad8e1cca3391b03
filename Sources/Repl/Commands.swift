import Foundation
import Lang
import Pictures
import Tensors

/// The prompt's `:commands`: help, variables, saving, loading and exporting the session,
/// timing, the environment, quitting.
extension ReplLoop {
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
        case ":help", ":h", ":?": help(arg)
        case ":vars": listVariables()
        case ":save": save(arg)
        case ":export": export(arg)
        case ":load": load(arg)
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

    /// `:help` lists the commands; `:help name` describes a builtin.
    func help(_ arg: String) {
        if arg.isEmpty {
            say("Commands:")
            for (c, d) in ReplLoop.commands { say("  " + c.padding(toLength: 16, withPad: " ", startingAt: 0) + d) }
            say("Code: any xai statement; help(name) describes a builtin; help() lists them all.")
        } else {
            do { say(try session.interp.helpText(for: .string(arg))) } catch { say("error: \(error)") }
        }
    }

    func listVariables() {
        let names = session.interp.globalNames
        if names.isEmpty { say("(no variables yet)") }
        for n in names {
            guard let v = session.interp.global(n) else { continue }
            say("  " + TextWidth.pad(n, to: max(14, TextWidth.of(n))) + " " + ReplLoop.summary(v))
        }
    }

    func save(_ arg: String) {
        guard !arg.isEmpty else { say("usage: :save FILE.xai"); return }
        do {
            try SafeFile.write(Data(session.transcript().utf8), to: try session.interp.resolve(arg))
            say("saved \(session.entries.count) entries to \(arg)")
        } catch { say("error: \(error)") }
    }

    func export(_ arg: String) {
        guard !arg.isEmpty else { say("usage: :export FILE.html or :export FILE.md"); return }
        do {
            try Notebook.fromSession(session).write(to: try session.interp.resolve(arg))
            say("exported \(session.entries.count) entries to \(arg)")
        } catch { say("error: \(error)") }
    }

    func load(_ arg: String) {
        guard !arg.isEmpty else { say("usage: :load FILE.xai"); return }
        guard let url = try? session.interp.resolve(arg), let data = FileManager.default.contents(atPath: url.path),
              let text = String(data: data, encoding: .utf8) else {
            say("error: no readable file at \(arg)"); return
        }
        _ = session.run(Transcript.parse(text).code, file: url.lastPathComponent)
    }

    /// A variable's line in `:vars`: its type and, for tensors, dtype and shape.
    static func summary(_ v: Value) -> String {
        switch v {
        case .tensor(let t):
            return "tensor \(t.dtype) \(TensorFormat.fmt(t.shape))" + (t.requiresGrad ? " requires_grad" : "")
        case .list(let l): return "list of \(l.items.count)"
        case .dict(let d): return "dict of \(d.keys.count)"
        case .function(let f as ModelType): return f.signature
        case .function(let f): return "function \(f.name)"
        case .object(let o): return o.summary
        case .string(let s):
            return "string " + (s.count > 40 ? Value.string(String(s.prefix(40))).repr + "…" : v.repr)
        default: return "\(v.typeName) \(v.repr)"
        }
    }

    public static func environment(_ interp: Interpreter) -> String {
        let threads = "\(Kernels.threads) thread\(Kernels.threads == 1 ? "" : "s")"
        return """
        xai \(Version.string)
        swift  \(swiftVersion)
        kernel \(Kernels.path.description) path, \(threads) (XAI_KERNEL, XAI_THREADS); \
        results are the same bits on every machine, path and thread count
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
}
