import XCTest
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
}
