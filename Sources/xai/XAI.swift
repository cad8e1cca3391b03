import ArgumentParser
import Foundation
import Lang
import Pictures
import Repl
import Tensors

@main
struct XAI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xai",
        abstract: "Build, train and explain neural models at a prompt or from .xai scripts.",
        discussion: "With no subcommand, xai starts the interactive prompt: line editing, history and tab completion "
            + "in a terminal, plain lines from a pipe. Type :help at the prompt for its commands.",
        version: Version.string,
        subcommands: [Prompt.self, Run.self, Check.self, ExportNotebook.self, ExplainBatchCommand.self,
                      KernelPaths.self, NotebookCommand.self],
        defaultSubcommand: Prompt.self)
}

struct Prompt: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repl",
                                                    abstract: "Start the interactive prompt (the default).")

    @Flag(name: .long, help: "Do not print the welcome banner.")
    var quiet = false

    func run() throws {
        try configureEngine()
        try LargeStack.run {
            let code = ReplLoop(banner: !quiet).run()
            if code != 0 { throw ExitCode(code) }
        }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run .xai scripts, printing each statement's output.",
        discussion: "With --update, the recorded #> output lines in each file are rewritten from this run.")

    @Flag(name: .long, help: "Rewrite the #> output lines recorded in the file.")
    var update = false

    @Option(name: .long, help: "Stop each script after this many seconds (default: no limit).")
    var timeout: Double?

    @Argument(help: "The .xai files to run.")
    var files: [String]

    func run() throws {
        try runAsScript {
            var failed = false
            for f in files {
                Interruption.limit(seconds: timeout)
                let r = try ScriptRunner.run(path: f, update: update, echo: !update)
                failed = failed || !r.succeeded
                if update { print("updated \(f)\(r.succeeded ? "" : " (with errors)")") }
            }
            if failed { throw ExitCode(1) }
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run .xai scripts and compare their output with the recorded #> lines.",
        discussion: "Outputs must match byte for byte: results are the same bits on every machine. --tolerance lets "
            + "numbers differ (for transcripts edited by hand). #~ lines (timings) are not compared. "
            + "Exits non-zero on any difference.")

    @Option(name: .long, help: "Let numbers differ by this relative tolerance (default: exact).")
    var tolerance: Double?

    @Option(name: .long, help: "Stop each script after this many seconds; a script that runs past it fails.")
    var timeout: Double = 600

    @Argument(help: "The .xai files to check.")
    var files: [String]

    func run() throws {
        try runAsScript {
            var bad = 0
            for f in files {
                Interruption.limit(seconds: timeout)
                let r = try ScriptRunner.check(path: f, match: tolerance.map { .within($0) } ?? .exact)
                if !Check.report(f, r.mismatches) { bad += 1 }
            }
            print("\(files.count - bad) passed, \(bad) failed")
            if bad > 0 { throw ExitCode(1) }
        }
    }

    /// Prints "ok" or "FAIL" with the differences; true when the script matched.
    static func report(_ file: String, _ mismatches: [Transcript.Mismatch]) -> Bool {
        guard !mismatches.isEmpty else { print("ok    \(file)"); return true }
        print("FAIL  \(file)")
        for m in mismatches { print(m.description) }
        return false
    }
}

struct ExportNotebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Run a .xai script and write it as a notebook: prose, code, outputs and figures.",
        discussion: "The HTML file is self-contained (inline SVG figures, no scripts, light and dark friendly, "
            + "printable). Timings are left out, so exporting again gives the same bytes.")

    @Argument(help: "The .xai script.")
    var file: String

    @Option(name: .long, help: "Write a self-contained HTML notebook here.")
    var html: String?

    @Option(name: .long, help: "Write a Markdown notebook here.")
    var md: String?

    @Flag(name: .long, help: """
        Also compare the outputs with the recorded transcript, as `xai check` does, from the same run.
        """)
    var check = false

    @Option(name: .long, help: "With --check, let numbers differ by this relative tolerance (default: exact).")
    var tolerance: Double?

    func validate() throws {
        if html == nil && md == nil { throw ValidationError("give --html OUT.html and/or --md OUT.md") }
    }

    func run() throws {
        try runAsScript { try export() }
    }

    func export() throws {
        do {
            let match: Transcript.Match? = check ? (tolerance.map { .within($0) } ?? .exact) : nil
            let r = try Notebook.fromScript(path: file, checking: match)
            if let html { try r.notebook.write(to: URL(fileURLWithPath: html)); print("wrote \(html)") }
            if let md { try r.notebook.write(to: URL(fileURLWithPath: md)); print("wrote \(md)") }
            if check, !Check.report(file, r.mismatches) { throw ExitCode(1) }
        } catch let e as ExitCode {
            throw e
        } catch {
            print("error: \(error)")
            throw ExitCode(1)
        }
    }
}

struct ExplainBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain-batch",
        abstract: "Explain texts or rows read as JSON Lines on standard input, one explanation per line out.",
        discussion: """
            Each input line is a JSON string (a text) or an object with "text", "row" or "image", and optionally \
            "id" (copied), "target" (a class), "similar_to" and "pair" (texts). Each output line is \
            {"line": N, "id": ..., "explanation": {...}}, or {"line": N, "id": ..., "error": "..."} for a line \
            that cannot be explained; the stream goes on, in input order. Split the input into shards (Spark's \
            RDD.pipe, Hadoop Streaming, GNU parallel, array jobs) and concatenate the outputs: each line's result \
            is the same wherever it runs.
            """)

    @Argument(help: "A checkpoint folder in the Hugging Face format, or a .xai script that defines the model.")
    var model: String

    @Option(name: .long, help: "The explanation method (explain()'s method:).")
    var method = "integrated_gradients"

    @Option(name: .long, help: "More of explain()'s options, as the language writes them: 'steps: 20, pieces: true'.")
    var options: String?

    @Option(name: .long, help: "The model's variable name when MODEL is a script.")
    var name = "model"

    func run() throws {
        try configureEngine()
        Rendering.useScriptSettings()
        try LargeStack.run {
            let batch: ExplainBatch
            do {
                batch = try ExplainBatch(model: model, name: name, method: method, options: options)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
            batch.run { print($0) }
        }
    }
}

struct KernelPaths: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "List the kernel paths this CPU can run, fastest first.",
        discussion: "Every path gives the same bits; XAI_KERNEL=NAME chooses one (for comparing them), "
            + "XAI_THREADS=N the worker count.")

    func run() throws {
        for p in Kernels.supported { print("\(p.rawValue)\t\(p.description)") }
    }
}

/// Chooses the kernel path and worker count (XAI_KERNEL, XAI_THREADS) and the allocator
/// settings; a bad XAI_KERNEL stops with its message before anything runs.
func configureEngine() throws {
    // Output goes out line by line even into a pipe or a file, so a run that is stopped
    // shows every line it printed, none cut in the middle.
    setvbuf(stdout, nil, _IOLBF, 0)
    do {
        try Kernels.configure()
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(2)
    }
    Memory.configure()
}

/// Runs `body` as scripts run (`run`, `check`, `export`): the engine configured, pictures drawn
/// the same bytes at a terminal of any width as in a pipe, on a large stack.
func runAsScript(_ body: @escaping () throws -> Void) throws {
    try configureEngine()
    Rendering.useScriptSettings()
    try LargeStack.run(body)
}
