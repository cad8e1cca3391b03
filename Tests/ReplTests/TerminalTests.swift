import Foundation
import XCTest

/// Drives the real `xai` prompt through a pseudo-terminal (tmux), as a person would:
/// typing, Tab completion, history recall, a multi-line function, an error with its caret,
/// Ctrl-C at the prompt and during a long loop (state intact), Ctrl-D to leave.
final class TerminalTests: XCTestCase {
    var session = ""
    var historyFile = URL(fileURLWithPath: "/")

    /// The xai executable built next to this test bundle (on Linux the bundle URL is the build folder).
    var xaiBinary: URL {
        let bundle = Bundle(for: TerminalTests.self).bundleURL
        let candidates = [bundle.appendingPathComponent("xai"), bundle.deletingLastPathComponent().appendingPathComponent("xai")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs a tmux client with posix_spawn and waitpid. (Foundation's Process sometimes
    /// never reaps a client that exits at once, and a client that starts the server would
    /// hand it any pipe we read: only capture-pane's output is piped.)
    @discardableResult
    func tmux(_ args: [String]) -> (status: Int32, output: String) {
        let argv = ["tmux"] + args
        var fds: [Int32] = [-1, -1]
        let capture = args.first == "capture-pane" || args.first == "-V"
        if capture { _ = pipe(&fds) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "tmux", &actions, nil, &cargs, environ)
        if capture { close(fds[1]) }
        guard rc == 0 else { if capture { close(fds[0]) }; return (-1, "cannot start tmux: \(rc)") }
        var data = [UInt8]()
        if capture {
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fds[0], &buf, buf.count)
                if n <= 0 { break }
                data += buf[0..<n]
            }
            close(fds[0])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : -1, String(decoding: data, as: UTF8.self))
    }

    func type(_ keys: String...) { tmux(["send-keys", "-t", session] + keys) }

    var screen: String { tmux(["capture-pane", "-p", "-t", session, "-S", "-200"]).output }

    /// Waits until the screen shows `text` (the prompt runs asynchronously).
    func waitFor(_ text: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if screen.contains(text) { return }
            usleep(50_000)
        }
        XCTFail("the screen never showed “\(text)”; it shows:\n\(screen)", file: file, line: line)
    }

    override func setUpWithError() throws {
        // Missing tools fail rather than skip, so a green run always means the prompt was driven.
        guard tmux(["-V"]).status == 0 else { XCTFail("tmux is not installed (scripts/setup.sh installs it)"); throw CancellationError() }
        guard FileManager.default.isExecutableFile(atPath: xaiBinary.path) else { XCTFail("xai is not built at \(xaiBinary.path)"); throw CancellationError() }
        session = "xai-test-\(getpid())"
        historyFile = FileManager.default.temporaryDirectory.appendingPathComponent("xai-history-\(getpid())")
        try? FileManager.default.removeItem(at: historyFile)
        // swift test sets NO_COLOR (which xai honours); this terminal is meant to show colour.
        let command = "env -u NO_COLOR XAI_HISTORY=\(historyFile.path) TERM=xterm \(xaiBinary.path)"
        XCTAssertEqual(tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "50", command]).status, 0)
        waitFor("xai>")   // capture-pane trims trailing spaces
    }

    override func tearDown() {
        tmux(["kill-session", "-t", session])
        try? FileManager.default.removeItem(at: historyFile)
    }

    func testCtrlCWhileAPipedSessionWaitsEndsIt() throws {
        let process = Process()
        process.executableURL = xaiBinary
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("x = 1\n".utf8))   // the pipe stays open: xai waits for more
        usleep(800_000)
        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        XCTAssertFalse(process.isRunning, "Ctrl-C left the piped session running")
    }

    /// Runs xai with `arguments`, feeding `input`; its exit status and output.
    func xai(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = xaiBinary
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    func testASessionSavedAtThePromptReplays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-roundtrip-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = dir.appendingPathComponent("loaded.xai"), saved = dir.appendingPathComponent("saved.xai")
        try "## A loaded script\nz = 5\nz * 2\n#> 10\nprint(\"two\")\n#> two\n".write(to: loaded, atomically: true, encoding: .utf8)

        // At a colour terminal 120 columns wide: training, a chart, an explanation, wide-character
        // labels, an error after other output, then an interrupted loop and an interrupted fit.
        type("seed(0)", "Enter", "data = dataset(\"iris\")", "Enter", "m = Sequential(Linear(4, 8), ReLU(), Linear(8, 3))", "Enter")
        type("h = fit(m, data, epochs: 2)", "Enter")
        waitFor("epoch 2/2")
        type("plot([1, 2, 3], [3.0, 1.0, 2.0], title: \"zigzag\")", "Enter")
        waitFor("└─")
        type("explain(m, data.features[0])", "Enter")
        waitFor("integrated_gradients")
        type("bar([\"模型\", \"a\"], [0.5, -0.2])", "Enter", "print(nope)", "Enter")
        waitFor("'nope' is not defined")
        type("i = 0", "Enter", "while true { i += 1 }", "Enter")
        usleep(500_000)
        type("C-c")
        waitFor("interrupted (every variable keeps its value)")
        type("h2 = fit(m, data, epochs: 100000)", "Enter")
        waitFor("━")
        usleep(300_000)
        type("C-c")
        waitFor("stopped by Ctrl-C after batch")
        type("m(data.features[:2]).shape", "Enter")
        waitFor("[2, 3]")
        type(":load \(loaded.path)", "Enter")
        waitFor("\ntwo\n")
        type(":save \(saved.path)", "Enter")
        waitFor("saved ")

        // The saved file is plain text, as `xai run` prints it, and replays exactly.
        let text = try String(contentsOf: saved, encoding: .utf8)
        XCTAssertFalse(text.contains("\u{1b}["), "colour escapes in the saved session:\n\(text)")
        XCTAssertTrue(text.contains("# stopped with Ctrl-C at the prompt, so not replayed:\n#   while true { i += 1 }"), text)
        XCTAssertTrue(text.contains("#   h2 = fit(m, data, epochs: 100000)"), text)
        XCTAssertTrue(text.contains("z * 2\n#> 10\nprint(\"two\")\n#> two\n"), "each loaded statement keeps its own output:\n\(text)")
        let check = try xai(["check", saved.path])
        XCTAssertEqual(check.status, 0, check.output)

        // Loading the saved session and saving it again gives the same file (timings aside).
        let again = dir.appendingPathComponent("again.xai")
        _ = try xai(["repl"], input: ":load \(saved.path)\n:save \(again.path)\n")
        func stable(_ s: String) -> [String] { s.components(separatedBy: "\n").filter { !$0.hasPrefix("#~") } }
        XCTAssertEqual(stable(try String(contentsOf: again, encoding: .utf8)), stable(text))
        XCTAssertEqual(try xai(["check", again.path]).status, 0)
    }

    func testAccentsAndChineseTypedAtThePromptReachTheLine() throws {
        // The session's environment may name no UTF-8 locale; libedit must still keep é and 模.
        type("s = \"Naïve café 模型\"", "Enter", "len(s)", "Enter")
        waitFor("\n13\n")
        type("Up", "Up")
        waitFor("xai> s = \"Naïve café 模型\"")
    }

    func testAPersonAtThePrompt() throws {
        type("x = 41", "Enter", "x + 1", "Enter")
        waitFor("\n42\n")

        // Tab completes a builtin, then a method after '.'.
        type("zer", "Tab")
        waitFor("xai> zeros")
        type("(2)", "Enter")
        waitFor("tensor([0., 0.])  # [2] float32")
        type("t = arange(4).float()", "Enter", "t.su", "Tab")
        waitFor("xai> t.sum")
        type("()", "Enter")
        waitFor("tensor(6.)")

        // A multi-line function: the continuation prompt while the brace is open.
        type("fn sq(a) {", "Enter")
        waitFor("\n...")
        type("a * a", "Enter", "}", "Enter", "sq(7)", "Enter")
        waitFor("\n49\n")

        // History: Up recalls the previous entry.
        type("Up")
        waitFor("xai> sq(7)\n49\nxai> sq(7)")
        type("C-u")

        // An error points at its place.
        type("y = zeros(2) + zeros(3)", "Enter")
        waitFor(": shapes [2] and [3] cannot be broadcast")
        waitFor("\n" + String(repeating: " ", count: 15) + "^")   // under column 14

        // Ctrl-C at the prompt drops the line.
        type("this is not code", "C-c")
        usleep(200_000)
        type("x", "Enter")
        waitFor("\n41\n")

        // Ctrl-C stops a long loop at a safe point; every variable survives.
        type("i = 0", "Enter", "while true { i += 1 }", "Enter")
        usleep(800_000)
        type("C-c")
        waitFor("interrupted (every variable keeps its value)")
        type("[i > 100, x]", "Enter")
        waitFor("[true, 41]")

        // Training shows a live progress bar; Ctrl-C stops it after the current batch, and the
        // model and its history stay usable.
        type("d = dataset(\"digits\").images(side: 8)", "Enter", "m = SmallCNN()", "Enter",
             "h = fit(m, d, epochs: 500, optimizer: Adam(lr: 0.001))", "Enter")
        waitFor("━")
        usleep(500_000)
        type("C-c")
        waitFor("stopped by Ctrl-C after batch")
        type("[h.stopped, m(d.features[0].unsqueeze(0)).shape]", "Enter")
        waitFor("[true, [1, 10]]")

        // Charts are drawn in braille at a terminal; :export writes the session as a notebook.
        type("plot([1, 2, 3], [3.0, 1.0, 2.0], title: \"zigzag\")", "Enter")
        waitFor("\nzigzag\n")     // the chart's title line, not the typed command
        waitFor("└─")
        XCTAssertTrue(screen.unicodeScalars.contains { $0.value > 0x2800 && $0.value <= 0x28FF }, "braille dots on screen:\n\(screen)")
        let notebook = FileManager.default.temporaryDirectory.appendingPathComponent("xai-notebook-\(getpid()).html")
        defer { try? FileManager.default.removeItem(at: notebook) }
        type(":export \(notebook.path)", "Enter")
        waitFor("exported")
        let html = try String(contentsOf: notebook, encoding: .utf8)
        XCTAssertTrue(html.contains("zigzag") && html.contains("<svg"), "the chart is in the notebook as SVG")

        // Ctrl-D leaves; the history file holds the entries, the function as one.
        type("C-d")
        let end = Date().addingTimeInterval(5)
        while Date() < end, tmux(["has-session", "-t", session]).status == 0 { usleep(50_000) }
        XCTAssertNotEqual(tmux(["has-session", "-t", session]).status, 0, "xai did not exit on Ctrl-D")
        let history = try String(contentsOf: historyFile, encoding: .utf8)
        XCTAssertTrue(history.contains("fn sq(a) {\\na * a\\n}"), history)
        XCTAssertTrue(history.contains("x = 41\n"))
        XCTAssertFalse(history.contains("this is not code"))
    }
}
