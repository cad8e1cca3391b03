import Foundation
import XCTest
@testable import Repl
import Tensors

final class HistoryTests: XCTestCase {
    func testHistoryRoundTripsAnyUTF8AndMultiLineEntriesAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("h")
        var h = History(url: url)
        let entries = ["fn f(x) {\n  x * 2\n}", "print(\"naïve 😀 \\\\n\")", "a\\b", "x = 1"]
        for e in entries { h.add(e) }
        h.add("x = 1")   // a repeat of the last entry is not added
        h.add("   ")     // nor a blank one
        try h.save()
        XCTAssertEqual(History(url: url).entries, entries)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["h"], "no temporary file left")
    }

    func testHistoryLinesEscapeOnlyBackslashesAndLineBreaks() {
        // The history file's format: quotes, tabs and other text stay as typed.
        XCTAssertEqual(History.encode("a\\b\nc\r\nd\t\"é\""), "a\\\\b\\nc\\r\\nd\t\"é\"")
        XCTAssertEqual(History.decode("a\\\\b\\nc\\r\\nd\t\"é\""), "a\\b\nc\r\nd\t\"é\"")
    }

    func testHistoryKeepsTheLastThousandEntries() {
        var h = History(url: nil)
        for i in 0..<1500 { h.add("x = \(i)") }
        XCTAssertEqual(h.entries.count, 1000)
        XCTAssertEqual(h.entries.first, "x = 500")
    }
}

final class HistoryPlaceTests: XCTestCase {
    func testHistoryLivesInHomeUnlessXaiHistorySaysOtherwise() {
        XCTAssertEqual(History.url(environment: ["HOME": "/tmp/someone"]).path, "/tmp/someone/.xai_history")
        XCTAssertEqual(History.url(environment: ["HOME": "/tmp/someone", "XAI_HISTORY": "/tmp/h.txt"]).path, "/tmp/h.txt")
    }
}

final class CompletionTests: XCTestCase {
    func testTheWordUnderTheCursor() {
        XCTAssertEqual(Completion.word(in: "y = zer").partial, "zer")
        XCTAssertEqual(Completion.word(in: "t.su").receiver, "t")
        XCTAssertEqual(Completion.word(in: "load(\"data/se").partial, "data/se")
        XCTAssertTrue(Completion.word(in: "load(\"data/se").inString)
    }

    func testTabInsertsTheCommonPartOrListsCandidates() {
        XCTAssertEqual(Completion.answer(typed: "zer", candidates: ["zeros", "zeros_like", "abs"]), "os")
        XCTAssertEqual(Completion.answer(typed: "zeros", candidates: ["zeros", "zeros_like"]), "\nzeros\nzeros_like")
        XCTAssertEqual(Completion.answer(typed: "ab", candidates: ["abs"]), "s")
        XCTAssertNil(Completion.answer(typed: "qq", candidates: ["abs"]))
    }

    func testInsideAStringOfFixedChoicesTabOffersThem() {
        let methods = Completion.stringChoices(in: "e = explain(net, x, method: \"ke")
        XCTAssertEqual(methods.map { Completion.answer(typed: "e = explain(net, x, method: \"ke", candidates: $0) }, "rnel_shap")
        XCTAssertTrue(methods?.contains("integrated_gradients") == true)
        XCTAssertEqual(Completion.stringChoices(in: "fit(m, d, loss: \""), ["bce", "cross_entropy", "mse"])
        XCTAssertEqual(Completion.stringChoices(in: "d = dataset(\"ir").map { Completion.answer(typed: "d = dataset(\"ir", candidates: $0) }, "is")
        // Elsewhere in a string, file names (nil here); a label that only ends in "method" is not one.
        XCTAssertNil(Completion.stringChoices(in: "load(\"data/se"))
        XCTAssertNil(Completion.stringChoices(in: "f(my_method: \"a"))
        XCTAssertNil(Completion.stringChoices(in: "explain(net, x, method: \"lime\")"))
    }
}

final class TranscriptTests: XCTestCase {
    func testErrorsInAScriptNameTheFilesLineCountingOutputLines() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xai-lines-\(UUID().uuidString).xai")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("1 + 1\n#> 2\n2 + 2\n#> 4\n\nundefined_name\n".utf8).write(to: url)
        let result = try ScriptRunner.run(path: url.path, update: false, echo: false)
        XCTAssertFalse(result.succeeded)
        XCTAssertTrue(result.rendered.contains("#> error at 6:1: 'undefined_name' is not defined"), result.rendered)
        // The outputs stay under their own statements.
        XCTAssertTrue(result.rendered.hasPrefix("1 + 1\n#> 2\n2 + 2\n#> 4\n\nundefined_name\n#> error at 6:1"), result.rendered)
    }

    func testATimeLimitStopsTheRunWhereItIsAndFailsIt() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xai-limit-\(UUID().uuidString).xai")
        defer { try? FileManager.default.removeItem(at: url); Interruption.limit(seconds: nil) }
        try Data("print(1)\nwhile true { }\nprint(2)\n".utf8).write(to: url)
        Interruption.limit(seconds: 0.5)
        let result = try ScriptRunner.run(path: url.path, update: false, echo: false)
        XCTAssertFalse(result.succeeded)
        XCTAssertEqual(result.rendered, "print(1)\n#> 1\nwhile true { }\n#> error: stopped: the time limit of 0.5 s was reached (--timeout)\nprint(2)\n")
    }

    func testAStatementStoppedByCtrlCIsSavedAsACommentNotAsFinished() throws {
        let session = Session(baseDirectory: FileManager.default.temporaryDirectory)
        session.echo = { _ in }
        _ = session.run("x = 1")
        let poll = Interruption.poll
        var polls = 0
        Interruption.poll = { polls += 1; return polls == 1000 }   // Ctrl-C in the middle of the loop
        _ = session.run("while true {\n  x = x + 1\n}")
        Interruption.poll = poll
        _ = session.run("x > 1")
        let saved = session.transcript()
        XCTAssertEqual(saved, "x = 1\n# stopped with Ctrl-C at the prompt, so not replayed:\n#   while true {\n#     x = x + 1\n#   }\nx > 1\n#> true\n")
        // Replayed, the loop does not run: x stays 1 there, and the check says so rather than hanging.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xai-saved-\(UUID().uuidString).xai")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(saved.utf8).write(to: url)
        XCTAssertFalse(try ScriptRunner.check(path: url.path).succeeded)
    }

    func testOutputsAreParsedAndRenderedUnderTheirStatements() {
        let text = "x = 1\nx + 1\n#> 2\nprint(\"a\")\n#> a\n#~ time 3 ms\n"
        let p = Transcript.parse(text)
        XCTAssertEqual(p.codeLines, ["x = 1", "x + 1", "print(\"a\")"])
        XCTAssertEqual(p.recorded[1], [Transcript.Line("2")])
        XCTAssertEqual(Transcript.render(code: p.codeLines, outputs: p.recorded), text)
    }

    func testNumbersMatchWithinATolerance() {
        XCTAssertTrue(Transcript.linesMatch("loss 0.25001 acc 0.9", "loss 0.25 acc 0.9", tolerance: 1e-4))
        XCTAssertFalse(Transcript.linesMatch("loss 0.26", "loss 0.25", tolerance: 1e-4))
        XCTAssertFalse(Transcript.linesMatch("loss 0.25", "lost 0.25", tolerance: 1e-4))
        XCTAssertTrue(Transcript.linesMatch("tensor([1., -2.5e-03])", "tensor([1., -2.50001e-03])", tolerance: 1e-4))
    }

    func testCheckIsExactUnlessGivenATolerance() {
        let recorded: [Int: [Transcript.Line]] = [0: [Transcript.Line("good[+2.287]")]]
        let produced: [Int: [Transcript.Line]] = [0: [Transcript.Line("good[+2.288]")]]
        XCTAssertEqual(Transcript.compare(code: ["e"], recorded: recorded, produced: produced, match: .exact).count, 1)
        XCTAssertTrue(Transcript.compare(code: ["e"], recorded: recorded, produced: produced, match: .within(1e-3)).isEmpty)
        XCTAssertTrue(Transcript.compare(code: ["e"], recorded: recorded, produced: recorded, match: .exact).isEmpty)
    }

    func testCheckSkipsVolatileLinesAndReportsDifferences() {
        let code = ["a", "b"]
        let recorded: [Int: [Transcript.Line]] = [0: [Transcript.Line("1"), Transcript.Line("2 s", volatile: true)], 1: [Transcript.Line("x")]]
        let produced: [Int: [Transcript.Line]] = [0: [Transcript.Line("1"), Transcript.Line("9 s", volatile: true)], 1: [Transcript.Line("y")]]
        let m = Transcript.compare(code: code, recorded: recorded, produced: produced, match: .within(1e-4))
        XCTAssertEqual(m.count, 1)
        XCTAssertEqual(m.first?.description, "line 2: b\n  - #> x\n  + #> y\n")
    }

    func testSessionSaveReplaysToTheSameTranscript() throws {
        let s = Session()
        s.echo = { _ in }
        s.run("seed(3)")
        s.run("x = randn(2)")
        s.run("x.sum()")
        s.run("fn f(a) {\n  a * 2\n}")
        s.run("f(21)")
        let saved = s.transcript()
        XCTAssertTrue(saved.contains("f(21)\n#> 42\n"))
        // Replaying the saved script gives the same outputs.
        let parsed = Transcript.parse(saved)
        let replay = Session()
        replay.echo = { _ in }
        var outputs: [Int: [Transcript.Line]] = [:]
        replay.run(parsed.code, record: false) { last, lines in if !lines.isEmpty { outputs[last, default: []] += lines } }
        XCTAssertTrue(Transcript.compare(code: parsed.codeLines, recorded: parsed.recorded, produced: outputs, match: .exact).isEmpty)
    }
}

final class SessionErrorTests: XCTestCase {
    /// An error inside a function defined in an earlier entry shows that function's own line.
    func testErrorsPointIntoEarlierEntries() {
        let s = Session()
        s.echo = { _ in }
        s.run("a = 1")
        s.run("fn f(x) {\n  x @ x\n}")
        let out = s.run("f(2)").outputs.map(\.text)
        XCTAssertEqual(out, ["error at 3:5: @ needs tensors, found int and int", "    x @ x", "      ^"])
    }
}
