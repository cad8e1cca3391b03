import ArgumentParser
import Foundation
import NotebookServer

struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Open a .xai script as a live notebook in the browser.",
        discussion: """
            Serves one notebook on this machine: edit and run its cells in one session, with output shown as \
            it is printed (Shift-Enter runs a cell, Tab completes, ■ Stop interrupts as Ctrl-C does). The \
            notebook is saved back to the same .xai script, outputs as #> lines as `xai run --update` writes \
            them, 2 s after an edit and after each run. It prints a URL with a secret token: only a browser \
            that has it may use the server. Ctrl-C stops the server. The session's files stay inside the \
            script's folder unless --allow-path adds others. Run one `xai notebook` per file: each has its \
            own session and process.
            """)

    @Argument(help: "The .xai script (created on the first save when it does not exist).")
    var file: String

    @Option(name: .long, help: "The port to listen on; 0 chooses a free one.")
    var port: UInt16 = 0

    @Option(name: .long, help: "The address to listen on; 127.0.0.1 is this machine only.")
    var host = "127.0.0.1"

    @Option(name: .customLong("allow-path"), help: "Another folder the notebook may read and write (repeatable).")
    var allowPath: [String] = []

    @Flag(name: .customLong("no-open"), help: "Do not open the page in a browser.")
    var noOpen = false

    @Option(name: .long, help: .hidden)
    var autosaveDelay: Double = 2

    func run() throws {
        try configureEngine()
        let server: NotebookServer
        do {
            server = try NotebookServer(file: file, host: host, allowed: allowPath, autosaveDelay: autosaveDelay)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let started = DispatchSemaphore(value: 0)
        let box = StartResult()
        Task {
            do { box.url = try await server.start(port: port) } catch { box.error = error }
            started.signal()
        }
        started.wait()
        guard let url = box.url else {
            FileHandle.standardError.write(Data("error: cannot listen: \(box.error.map { "\($0)" } ?? "")\n".utf8))
            throw ExitCode(1)
        }
        print("xai notebook: \(file)\n    \(url)\nCtrl-C stops the server.")
        if !noOpen { NotebookCommand.openBrowser(url) }
        // Ctrl-C stops the server after the save in progress; the file is only ever replaced whole.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stopping = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .main) }
        for source in stopping {
            source.setEventHandler {
                let done = DispatchSemaphore(value: 0)
                Task { await server.stop(); done.signal() }
                done.wait()
                print("xai notebook: stopped")
                Foundation.exit(0)
            }
            source.resume()
        }
        dispatchMain()
    }

    static func openBrowser(_ url: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [FileManager.default.isExecutableFile(atPath: "/usr/bin/open") ? "open" : "xdg-open", url]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try? p.run()
    }
}

private final class StartResult: @unchecked Sendable {
    var url: String?
    var error: Error?
}
