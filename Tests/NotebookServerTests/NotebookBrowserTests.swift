import Foundation
import TestSupport
import XCTest

/// `xai notebook` driven by a real browser: headless Chromium through chromedriver (the W3C
/// WebDriver protocol). Skipped when chromedriver is missing, except under CI, where it must
/// run (scripts/setup.sh installs chromium-driver).
final class NotebookBrowserTests: XCTestCase {
    var browser: WebDriver!
    var server: NotebookProcess!
    var file: URL!

    static let script = """
        ## Browser test
        ## A notebook driven by a real browser.
        1 + 2
        #> 3

        x = 1 + 2
        x
        #> 3

        seed(0)
        data = dataset("breast_cancer")
        train, test = data.split(0.8)
        mlp = Sequential(Linear(30, 64), ReLU(), Linear(64, 2))

        h = fit(mlp, train, epochs: 2, batch: 32, optimizer: Adam(lr: 0.01))
        h

        long = fit(mlp, train, epochs: 5000, batch: 16, optimizer: Adam(lr: 0.01))

        print(x)
        mlp

        """

    override func setUpWithError() throws {
        guard let path = WebDriver.chromedriver else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("chromedriver is not installed: CI must run the browser test (scripts/setup.sh test installs it)")
            }
            throw XCTSkip("chromedriver is not installed (apt-get install chromium-driver, or scripts/setup.sh test)")
        }
        browser = try WebDriver(path: path)
    }

    override func tearDown() {
        browser?.quit()
        server?.interrupt()
        if let file { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
    }

    func open(_ text: String, extra: [String] = []) throws {
        file = try temporaryNotebook(text)
        try start(extra: extra)
    }

    func start(extra: [String] = []) throws {
        server = try NotebookProcess(file: file, extra: extra)
        try browser.open(server.url)
        XCTAssertTrue(try browser.wait("return window.xaiReady === true"), "the page did not get the notebook")
        let ready = Date().timeIntervalSince(server.started)
        print("notebook: page ready \(String(format: "%.2f", ready)) s after `xai notebook` started "
              + "(server listening after \(String(format: "%.2f", server.readyAfter)) s)")
    }

    /// The id of the code cell whose text starts with `prefix`.
    func cell(_ prefix: String) throws -> Int {
        let id = try browser.js("""
            for (const e of document.querySelectorAll('section.cell.code'))
              if (e.querySelector('textarea').value.startsWith(arguments[0])) return +e.dataset.id;
            return null
            """, [prefix]) as? Int
        guard let id else { throw NSError(domain: "no cell starts with \(prefix)", code: 1) }
        return id
    }

    func output(_ id: Int) throws -> String {
        try browser.js("const e = document.querySelector(`section[data-id='\(id)']`); "
                       + "return e.querySelector('.out').innerText + e.querySelector('pre.live').innerText") as? String ?? ""
    }

    func waitStatus(_ id: Int, _ status: String, timeout: TimeInterval = 30) throws -> Bool {
        try browser.wait("return document.querySelector(`section[data-id='\(id)']`).classList.contains('\(status)')",
                         timeout: timeout)
    }

    func run(_ id: Int) throws { try browser.js("run([\(id)])") }

    func testEditRunDrawStopAndSaveGiveAScriptThatChecks() throws {
        try open(NotebookBrowserTests.script)
        let sum = try cell("1 + 2")
        try run(sum)
        XCTAssertTrue(try waitStatus(sum, "ok"))
        let firstOutput = try browser.js("return window.xaiTimes[arguments[0]]", [sum]) as? Double ?? -1
        print("notebook: Run to the first output line of `1 + 2`: \(String(format: "%.1f", firstOutput)) ms")

        // Edit a cell with the keyboard and run it with Shift-Enter.
        let first = try cell("x = 1 + 2")
        let element = try browser.call("POST", "/session/\(browser.session)/element",
                                       ["using": "css selector", "value": "section[data-id='\(first)'] textarea"])
        let ref = ((element["value"] as? [String: Any])?.values.first as? String) ?? ""
        try browser.call("POST", "/session/\(browser.session)/element/\(ref)/value", ["text": "\u{E009}a\u{E000}x = 40 + 2\nx"])
        try browser.call("POST", "/session/\(browser.session)/element/\(ref)/value", ["text": "\u{E008}\u{E007}\u{E000}"])
        XCTAssertTrue(try waitStatus(first, "ok"))
        XCTAssertEqual(try output(first).trimmingCharacters(in: .whitespacesAndNewlines), "42")

        // A short training run and its chart.
        try browser.js("run([\(try cell("seed(0)")), \(try cell("h = fit"))])")
        XCTAssertTrue(try browser.wait("return document.querySelector(`section[data-id='\(try cell("h = fit"))'] svg`) !== null",
                                       timeout: 40), "the training chart did not appear")

        // A long one, stopped midway: it keeps what it learned and the session goes on.
        let long = try cell("long = fit")
        try run(long)
        XCTAssertTrue(try browser.wait("return document.querySelector(`section[data-id='\(long)'] pre.live`)"
                                       + ".innerText.split('epoch').length > 3", timeout: 40), "no epochs streamed")
        try browser.js("document.getElementById('stop').click()")
        XCTAssertTrue(try waitStatus(long, "stopped"), "the stop button did not stop the training")
        let epochs = try output(long).components(separatedBy: "epoch ").count - 1
        XCTAssertLessThan(epochs, 5000)

        let last = try cell("print(x)")
        try run(last)
        XCTAssertTrue(try waitStatus(last, "ok"))
        let printed = try output(last)
        XCTAssertTrue(printed.hasPrefix("42"), printed)
        XCTAssertTrue(printed.contains("Linear(30 → 64)"), printed)

        try browser.js("document.getElementById('save').click()")
        XCTAssertTrue(try browser.wait("return document.getElementById('state').textContent === 'saved'"))
        let saved = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(saved.contains("x = 40 + 2\nx\n#> 42\n"), saved)
        XCTAssertTrue(saved.contains("#   long = fit(mlp"), "the stopped cell is kept as comments: \(saved)")
        let check = Process()
        check.executableURL = try xaiBinary()
        check.arguments = ["check", file.path]
        let pipe = Pipe()
        check.standardOutput = pipe
        try check.run()
        let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, "xai check failed on the saved notebook:\n\(report)\n\(saved)")
    }

    func testManyRunsLongOutputReconnectionAndErrors() throws {
        try open("""
            ## Robustness
            n = 0

            n = n + 1
            n

            for i in range(100000) { print(i) }

            for i in range(30) {
                s = 0
                for j in range(3000) { s += j }
                print("step", i)
            }

            y = n + undefined_name

            """)
        // 100 runs in quick succession: queued, run in order, one at a time.
        let counter = try cell("n = n + 1")
        try run(try cell("n = 0"))
        try browser.js("for (let i = 0; i < 100; i++) run([\(counter)])")
        let hundred = try browser.wait(
            "return document.querySelector(`section[data-id='\(counter)'] .out`).innerText.trim() === '100'", timeout: 40)
        let shown = try output(counter)
        XCTAssertTrue(hundred, "100 runs did not end at n = 100: \(shown)")

        // 100,000 lines: folded on the page, which stays responsive while they come.
        let loud = try cell("for i in range(100000)")
        try run(loud)
        let asked = Date()
        try browser.js("return 1")
        XCTAssertLessThan(Date().timeIntervalSince(asked), 2, "the page did not answer while output streamed")
        XCTAssertTrue(try waitStatus(loud, "ok", timeout: 60))
        let folded = try browser.js("""
            const e = document.querySelector(`section[data-id='\(loud)'] .out`);
            return [e.querySelector('pre.output').innerText, e.querySelector('details summary').innerText]
            """) as? [String] ?? []
        XCTAssertTrue(folded.first?.contains("⋮ 99992 more lines") == true, "\(folded)")
        XCTAssertEqual(folded.last, "all 100000 lines")

        // The page closed and opened again while a cell runs: the run goes on, and its
        // output, printed meanwhile, comes back to the new page.
        let slow = try cell("for i in range(30)")
        try run(slow)
        XCTAssertTrue(try browser.wait("return document.querySelector(`section[data-id='\(slow)'] pre.live`).innerText.includes('step 2')",
                                       timeout: 30))
        try browser.open("about:blank")
        usleep(300_000)
        try browser.open("http://127.0.0.1:\(server.port)/")   // the cookie is the token now
        XCTAssertTrue(try browser.wait("return window.xaiReady === true"))
        XCTAssertTrue(try waitStatus(slow, "ok", timeout: 60))
        let all = try browser.js("return document.querySelector(`section[data-id='\(slow)'] .out`).textContent") as? String
        XCTAssertTrue(all?.contains("all 30 lines") == true && all?.contains("step 29") == true, all ?? "")

        // An error is shown at its cell, with the caret under the unknown name.
        let bad = try cell("y = n")
        try run(bad)
        XCTAssertTrue(try waitStatus(bad, "error"))
        let message = try output(bad)
        XCTAssertTrue(message.contains("undefined_name") && message.contains("^"), message)
        try? FileManager.default.createDirectory(atPath: "/tmp/nb-shots", withIntermediateDirectories: true)
        try browser.js("document.querySelector(`section[data-id='\(bad)']`).scrollIntoView()")
        try browser.screenshot(to: "/tmp/nb-shots/error.png")
    }

    func testStoppingTheServerDuringAutosavesNeverLeavesAPartFile() throws {
        let text = "## Autosave\nx = 0\n\n" + (1...200).map { "v\($0) = \($0)" }.joined(separator: "\n") + "\n"
        try open(text, extra: ["--autosave-delay", "0.005"])
        let id = try cell("x = 0")
        // Edits every 2 ms, each starting an autosave; Ctrl-C comes in the middle of them.
        try browser.js("let k = 0; window.editing = setInterval(() => send({op: 'edit', id: \(id), text: 'x = ' + (++k)}), 2)")
        usleep(400_000)
        XCTAssertEqual(server.interrupt(), 0)
        let saved = try String(contentsOf: file, encoding: .utf8)
        let lines = saved.components(separatedBy: "\n")
        XCTAssertTrue(lines[1].hasPrefix("x = ") && Int(lines[1].dropFirst(4)) != nil, lines[1])
        XCTAssertEqual(Array(lines.dropFirst(2)), Array(text.components(separatedBy: "\n").dropFirst(2)),
                       "the rest of the file is whole")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary file is left behind")
        server = nil
    }

    /// Screenshots for people to look at (XAI_NOTEBOOK_SHOTS=1): scripts/sentiment.xai after
    /// Run all, light and dark.
    func testScreenshotsOfTheSentimentDemo() throws {
        guard ProcessInfo.processInfo.environment["XAI_NOTEBOOK_SHOTS"] != nil else {
            throw XCTSkip("set XAI_NOTEBOOK_SHOTS=1 to take the screenshots")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("xai-nb-\(UUID().uuidString)")
        for sub in ["scripts", "data"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("data/sentiment_test_indices.txt"),
                                         to: root.appendingPathComponent("data/sentiment_test_indices.txt"))
        file = root.appendingPathComponent("scripts/sentiment.xai")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("scripts/sentiment.xai"), to: file)
        try start(extra: ["--allow-path", root.appendingPathComponent("data").path])
        let began = Date()
        try browser.js("document.getElementById('runall').click()")
        XCTAssertTrue(try browser.wait("""
            const s = [...document.querySelectorAll('section.cell.code')];
            return s.length > 0 && s.every(e => e.classList.contains('ok') || e.classList.contains('error'))
            """, timeout: 600))
        print("notebook: sentiment.xai ran in \(String(format: "%.1f", Date().timeIntervalSince(began))) s")
        XCTAssertEqual(try browser.js("return document.querySelectorAll('section.cell.error').length") as? Int, 0)
        try browser.js("window.scrollTo(0, 0)")
        try browser.screenshot(to: "/tmp/nb-shots/sentiment-light-top.png")
        try browser.js("document.querySelector('svg').closest('section').scrollIntoView()")
        try browser.screenshot(to: "/tmp/nb-shots/sentiment-light.png")
        try browser.colorScheme("dark")
        try browser.screenshot(to: "/tmp/nb-shots/sentiment-dark.png")
        // Saved after the run: the shipped script's transcript again.
        try browser.js("document.getElementById('save').click()")
        XCTAssertTrue(try browser.wait("return document.getElementById('state').textContent === 'saved'"))
        let check = Process()
        check.executableURL = try xaiBinary()
        check.arguments = ["check", file.path]
        check.standardOutput = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, "xai check failed on the notebook saved after Run all")
        file = root.appendingPathComponent("scripts/x")
    }
}
