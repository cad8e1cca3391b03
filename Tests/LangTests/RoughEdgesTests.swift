import XCTest
import Pictures
import Syntax
import Tensors
@testable import Lang

/// Rough edges a new user met: habits from Python and PyTorch get an answer that says what
/// xai writes instead, and options people expect are there.
final class RoughEdgesTests: XCTestCase {
    func testPythonSpellingsPointToTheLanguagesWords() {
        XCTAssertTrue(runError("x = True").contains("xai writes it 'true'"), runError("x = True"))
        XCTAssertTrue(runError("x = None").contains("xai writes it 'nil'"), runError("x = None"))
    }

    func testCallingAPropertySaysToDropTheParentheses() {
        let message = runError("fc = Linear(2, 3)\nfc.state_dict()")
        XCTAssertTrue(message.contains("'state_dict' is a property, not a method: write .state_dict without ()"), message)
    }

    func testTransposeReversesEveryDimensionAsInPyTorch() throws {
        XCTAssertEqual(try runProgram("print(zeros(2, 3, 4).T.shape, zeros(2, 3, 4).mT.shape, zeros(5).T.shape, zeros(2, 3).T.shape)"),
                       ["[4, 3, 2] [2, 4, 3] [5] [3, 2]"])
    }

    func testFitOnTextWithoutAVocabularyNamesTheModelsThatTakeOne() {
        let message = runError("data = dataset(\"sentiment\")\nmlp = Sequential(Linear(4, 2))\nfit(mlp, data, epochs: 1)")
        XCTAssertTrue(message.contains("SentimentNet(vocab: data.vocab()"), message)
        XCTAssertFalse(message.contains("create it with vocab"), message)
    }

    func testQuietFitPrintsNoEpochLines() throws {
        let program = "seed(0)\nh = fit(Sequential(Linear(4, 3)), dataset(\"iris\").standardize(), epochs: 2QUIET)\nprint(\"done\")"
        XCTAssertEqual(try runProgram(program.replacingOccurrences(of: "QUIET", with: ", quiet: true")), ["done"])
        XCTAssertEqual(try runProgram(program.replacingOccurrences(of: "QUIET", with: "")).filter { $0.hasPrefix("epoch") && $0.contains("loss") }.count, 2)
    }

    func testExplainingADatasetRowSaysToPassItsFeatures() {
        let message = runError("d = dataset(\"iris\")\nexplain(Sequential(Linear(4, 3)), d[0])")
        XCTAssertTrue(message.contains("this is a dataset row [features, label]; pass its features, row[0]"), message)
    }

    func testClassZeroOfAOneLogitModelSaysItsScoreIsTheLogitNegated() throws {
        let program = """
        seed(3)
        net = Sequential(Linear(2, 1))
        x = tensor([-2.0, 1.0])
        print(net(x.unsqueeze(0)).item())
        explain(net, x, target: 0, method: "saliency")
        """
        let lines = try runProgram(program)
        let logit = try XCTUnwrap(Double(lines[0]))
        XCTAssertTrue(lines[1].contains("class 0 (−logit: the model's one logit, negated) · f(x) = \(String(format: "%.4f", -logit))"),
                      "\(lines[1]) for the logit \(logit)")
        XCTAssertTrue(try runProgram(program.replacingOccurrences(of: "target: 0", with: "target: 1"))[1]
            .contains("class 1 (logit) · f(x) = \(String(format: "%.4f", logit))"))
    }

    func testFaithfulnessIsATableAndStillIndexesByName() throws {
        let lines = try runProgram("""
        net = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
        f = faithfulness(explain(net, tensor([1.0, -0.5, 2.0])), fractions: [0.2, 0.5])
        f
        print(f["aopc_sufficiency"] == f.aopc_sufficiency, len(f["comprehensiveness"]))
        """)
        XCTAssertTrue(lines[0].hasPrefix("faithfulness of integrated_gradients · AOPC comprehensiveness "), lines[0])
        XCTAssertEqual(lines[1], "  top units   comprehensiveness   sufficiency")
        XCTAssertTrue(lines[2].hasPrefix("        20%   "), lines[2])
        XCTAssertEqual(lines.last, "true 2")
    }

    func testTextExplanationsAtAColourTerminalShowTheNumbersToo() throws {
        let saved = Palette.mode
        Palette.mode = .ansi256
        defer { Palette.mode = saved }
        let lines = try runProgram("""
        seed(0)
        net = SentimentNet(vocab: dataset("sentiment").vocab(), embed: 4, hidden: 4)
        explain(net, "the screen is great", method: "saliency")
        """).map(Palette.stripEscapes)
        // The coloured words, the legend, then a bar with its signed score for each word.
        XCTAssertTrue(lines.contains { $0.contains(" great ") && !$0.contains("│") }, lines.joined(separator: "\n"))
        let bars = lines.filter { $0.contains("│") }
        XCTAssertEqual(bars.count, 4, lines.joined(separator: "\n"))
        XCTAssertTrue(bars.allSatisfy { $0.range(of: "[+-][0-9]\\.[0-9]{4}$", options: .regularExpression) != nil }, bars.joined(separator: "\n"))
    }
}
