import Foundation
import XCTest
import Pictures
import Tensors
@testable import Lang

/// attack() and counterfactual() as a person calls them: results with their numbers, exports, and
/// clear errors for wrong arguments.
final class AdversarialBindingTests: XCTestCase {
    let setup = """
    net = Linear(3, 1)
    net.weight = tensor([[2.0, -1.0, 0.5]])
    net.bias = tensor([0.1])
    x = tensor([1.0, 2.0, -2.0])
    """

    func testFGSMOnALinearRowMovesEachFeatureAgainstItsWeight() throws {
        // f(x) = 2 − 2 − 1 + 0.1 < 0: class 0, so the attack raises the logit: x + ε·sign(w).
        let out = try runProgram(setup + """

        a = attack(net, x, method: "fgsm", eps: 0.25)
        print((a.adversarial == x + 0.25 * tensor([1.0, -1.0, 1.0])).all())
        print(a.class_before, format(a.linf, 2), a.method)
        """)
        XCTAssertEqual(out.first, "true")
        XCTAssertEqual(out.last, "0 0.25 fgsm")
    }

    func testPGDStaysInItsBallAndBoundsAndRepeatsWithItsSeed() throws {
        let out = try runProgram(setup + """

        a = attack(net, x, eps: 0.5, bounds: [-2, 2], seed: 4)
        b = attack(net, x, eps: 0.5, bounds: [-2, 2], seed: 4)
        print(a.linf <= 0.5, (a.adversarial == b.adversarial).all())
        print((a.adversarial <= 2).all(), (a.adversarial >= -2).all())
        """)
        XCTAssertEqual(out, ["true true", "true true"])
    }

    func testResultsExportJSONAndHTMLAndSayWhatHappened() throws {
        let out = try runProgram(setup + """

        a = attack(net, x, method: "pgd", eps: 1.0)
        print(a.json().startswith("{"), a.html().startswith("<figure"))
        print(a)
        print("--")
        data = dataset("iris")
        m = Sequential(Linear(4, 8), Tanh(), Linear(8, 3))
        cf = counterfactual(m, data[0][0], data: data, immutable: [0, "sepal_width_cm"], steps: 30)
        print(cf.json().startswith("{"), cf.html().startswith("<figure"))
        print((cf.row[0] == cf.counterfactual[0]).all(), (cf.row[1] == cf.counterfactual[1]).all())
        """)
        XCTAssertEqual(out[0], "true true")
        XCTAssertTrue(out[1].contains("PGD flipped class 0 → class 1") && out[1].contains("‖δ‖∞"), out[1])
        let rest = try XCTUnwrap(out.firstIndex(of: "--"))
        XCTAssertEqual(out[rest + 1], "true true")
        XCTAssertEqual(out[rest + 2], "true true", "immutable features keep their values")
    }

    func testAWordAttackEditsATextModelsWords() throws {
        let out = try runProgram("""
        m = SentimentNet(vocab: dataset("sentiment").vocab(), embed: 8, hidden: 8)
        w = attack(m, "a good and fun film", max_edits: 2)
        print(len(w.edits) <= 2, w.text, w.json().startswith("{"), w.html().startswith("<figure"))
        c = counterfactual(m, "a good and fun film", max_edits: 1)
        print(type(c), len(c.edits) <= 1)
        """)
        XCTAssertEqual(out, ["true a good and fun film true true", "Counterfactual true"])
    }

    func testWrongArgumentsAreClearErrors() {
        let cases: [(String, String)] = [
            ("attack(net, x, eps: -0.1)", "attack: eps must be positive, found -0.1"),
            ("attack(net, x, eps: 0)", "attack: eps must be positive, found 0"),
            ("attack(net, x)", "attack: pgd needs eps: the largest change of any input value"),
            ("attack(net, x, method: \"cw\", eps: 0.1)", "method must be \"fgsm\" or \"pgd\" for a feature row"),
            ("attack(net, x, method: \"words\", eps: 0.1)", "(\"words\" attacks a text)"),
            ("attack(net, x, eps: 0.1, steps: 0)", "steps must be between 1 and 100000, found 0"),
            ("attack(net, x, eps: 0.1, bounds: [1, 0])", "bounds must be [lower, upper] with lower < upper"),
            ("attack(net, x, eps: 0.1, bounds: [0, 1])", "the input must lie within bounds"),
            ("attack(net, x, eps: 0.1, target: 5)", "target class must be in 0..<2, found 5"),
            ("attack(net, \"some words\")", "Linear does not take text"),
            ("attack(net, zeros(1, 1, 1, 1, 3), eps: 0.1)", "must be a text, a feature row [features] or one image"),
            ("counterfactual(net, x)", "a feature row needs data: the training rows"),
            ("counterfactual(net, x, data: zeros(4, 2))", "data must be rows [rows, 3], found shape [4, 2]"),
            ("counterfactual(net, x, data: randn(5, 3), immutable: [0, 1, 2])",
             "at least one feature it may change; found all 3 features immutable"),
            ("counterfactual(net, x, data: randn(5, 3), immutable: [\"age\"])",
             "immutable names a feature \"age\" the data does not have; expected one of x0, x1, x2"),
            ("counterfactual(net, x, data: randn(5, 3), immutable: [3])", "indices must be in 0..<3, found 3"),
            ("counterfactual(net, x, data: randn(5, 3), lambda: -1)", "lambda must be positive, found -1"),
            ("counterfactual(net, x, data: randn(5, 3), target: 0)", "the model already predicts it"),
            ("counterfactual(net, x, data: randn(5, 3), bounds: [[0, 1], [1, 2, 3]])",
             "each side of bounds needs 3 values, found 2"),
            ("attack(net, x, eps: 0.1).explain(method: \"nope\")", "unknown explanation method \"nope\""),
            ("attack(net, x, eps: 1e308)", "attack: eps must be at most 1e12 (inputs are 32-bit floats)"),
            ("attack(net, x, eps: float(\"nan\"))", "attack: eps must be positive, found nan"),
            ("attack(net, x, eps: 0.1, step_size: 1e308)", "step_size must be at most 1e12"),
            ("attack(net, x, eps: 0.1, steps: 9223372036854775807)", "steps must be between 1 and 100000"),
            ("attack(net, x, eps: 0.1, target: -1)", "target class must be in 0..<2, found -1"),
            ("attack(net, x, eps: 0.1, names: [\"a\"])", "names must give one name for each of the 3 features"),
            ("attack(Conv2d(1, 2, 3), rand(1, 8, 8), eps: 0.1)", "expected logits [batch, classes]"),
            ("counterfactual(net, x, data: zeros(0, 3))", "data must be rows [rows, 3], found shape [0, 3]"),
            ("counterfactual(net, x, data: dataset(\"sentiment\"))", "data must hold rows of 3 features"),
            ("counterfactual(net, x, data: randn(5, 3), immutable: [-1])", "indices must be in 0..<3, found -1"),
            ("counterfactual(net, x, data: randn(5, 3), lambda: 1e308)", "lambda must be at most 1e12"),
            ("counterfactual(net, x, data: randn(5, 3), lr: float(\"inf\"))", "lr must be positive, found inf"),
            ("counterfactual(net, x, data: randn(5, 3), steps: -1)", "steps must be between 1 and 100000"),
            ("counterfactual(net, x, data: randn(5, 3), bounds: [float(\"nan\"), 1])", "lower ≤ upper"),
            ("counterfactual(net, x, data: randn(5, 3), names: [\"a\"])", "one name for each of the 3 features"),
            ("counterfactual(net, rand(1, 4, 4), eps: 1e308)", "eps must be at most 1e12"),
        ]
        for (code, expected) in cases {
            let message = runError(setup + "\n" + code)
            XCTAssertTrue(message.contains(expected), "\(code)\n→ \(message)")
        }
    }

    func testNoFlipIsAMessageNotAnError() throws {
        let out = try runProgram(setup + """

        cf = counterfactual(net, x, data: randn(20, 3), bounds: [x, x], steps: 5)
        print(cf.flipped)
        print(cf)
        """)
        XCTAssertEqual(out.first, "false")
        XCTAssertTrue(out[1].hasPrefix("no counterfactual found"), out[1])
    }

    func testImagePicturesDrawInColourToo() throws {
        let saved = Palette.mode
        Palette.mode = .ansi256
        defer { Palette.mode = saved }
        let out = try runProgram("""
        net = Sequential(Conv2d(1, 2, 3, padding: 1), Flatten(), Linear(2 * 5 * 5, 3))
        a = attack(net, rand(1, 5, 5), eps: 0.3)
        print(a)
        print(a.explain())
        """)
        XCTAssertTrue(out.contains { $0.contains("red up, blue down") }, out.joined(separator: "\n"))
        XCTAssertTrue(out.contains { $0.contains("\u{1b}[") }, "escape sequences drawn")
    }

    func testTheExplanationShiftIndentsItsPicturesLikeItsOtherLines() throws {
        let saved = Palette.mode
        Palette.mode = .none
        defer { Palette.mode = saved }
        let out = try runProgram("""
        net = Sequential(Conv2d(1, 2, 3, padding: 1), Flatten(), Linear(2 * 5 * 5, 3))
        print(attack(net, rand(1, 5, 5), eps: 0.3).explain())
        print(attack(Linear(3, 2), tensor([1.0, 2.0, -2.0]), eps: 0.1).explain())
        """).joined(separator: "\n").split(separator: "\n")
        for line in out where !line.contains("before and after the attack") {
            XCTAssertTrue(line.hasPrefix("  "), "a nested line at column 0: \(line)")
        }
    }
}
