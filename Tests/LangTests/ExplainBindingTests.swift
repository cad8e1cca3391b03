import Foundation
import XCTest
import Tensors
@testable import Lang

/// explain() and its companions as a person calls them: results, and clear errors for
/// every kind of wrong input.
final class ExplainBindingTests: XCTestCase {
    let setup = """
    net = Linear(3, 1)
    net.weight = tensor([[2.0, -1.0, 0.5]])
    net.bias = tensor([0.1])
    x = tensor([1.0, 2.0, -2.0])
    """

    func testExplainReturnsScoresUnitsAndChecks() throws {
        let out = try runProgram(setup + """

        e = explain(net, x, method: "integrated_gradients", target: 1, names: ["a", "b", "c"])
        print(e.units, e.method, e.target, format(e.prediction, 2))
        print(e.top(1))
        print(abs(e.checks["convergence delta"]) < 0.0001)
        """)
        XCTAssertEqual(out, ["[\"a\", \"b\", \"c\"] integrated_gradients 1 -0.90", "[[\"a\", 2.0]]", "true"])
    }

    func testSeededMethodsRepeatExactlyInTheLanguage() throws {
        let out = try runProgram(setup + """

        bg = randn(8, 3)
        a = explain(net, x, method: "kernel_shap", background: bg, samples: 4, seed: 3)
        b = explain(net, x, method: "kernel_shap", background: bg, samples: 4, seed: 3)
        print((a.scores == b.scores).all())
        """)
        XCTAssertEqual(out, ["true"])
    }

    func testWrongInputsAreClearErrors() {
        let cases: [(String, String)] = [
            ("explain(net, x, method: \"shapely\")", "unknown explanation method \"shapely\"; methods: saliency"),
            ("explain(net, zeros(1, 1, 1, 1, 3))", "must be a text, a feature row [features] or one image"),
            ("explain(net, tensor([1.0, 2.0]))", "input [1, 2] needs a weight [out, 2], found [1, 3]"),
            ("explain(net, \"some words\")", "explaining text needs the model's vocabulary"),
            ("explain(net, x, rule: \"simpson\")", "rule must be one of"),
            ("explain(net, x, method: \"lime\")", "needs training rows"),
            ("explain(net, x, samples: -5, method: \"kernel_shap\")", "samples must be between"),
            ("explain(net, x, target: 7)", "target class must be in 0..<2, found 7"),
            ("explain(net, x, baseline: zeros(2))", "baseline must have the input's shape"),
            ("explain(net, x, names: [\"a\", \"b\", \"c\", \"d\"])",
             "names must give one name for each of the 3 features, found 4"),
            ("explain(net, x, names: [\"a\"])", "names must give one name for each of the 3 features, found 1"),
            ("explain(net, x, baseline: tensor([float(\"nan\"), 0.0, 0.0]))", "the baseline must hold finite numbers, found nan"),
            ("explain(net, tensor([1.0, float(\"inf\"), 0.0]))", "the input must hold finite numbers, found inf"),
            ("explain(net, x, method: \"kernel_shap\", background: tensor([[float(\"nan\"), 0.0, 0.0]]))",
             "background rows must hold finite numbers, found nan"),
            ("explain(net, x, method: \"attention\")", "attention explains token inputs"),
            ("explain(net, x).save(\"/tmp/xai-e.txt\")", "must end in .json or .html"),
            ("compare(explain(net, x), 3)", "must be an explanation"),
            ("surrogate_tree(net, 5)", "must be a dataset"),
        ]
        for (code, expected) in cases {
            let message = runError(setup + "\n" + code)
            XCTAssertTrue(message.contains(expected), "\(code)\n→ \(message)")
        }
    }

    func testSaveWritesJSONAndHTML() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-explain-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try runProgram(setup + """

        e = explain(net, x, target: 1)
        e.save("\(dir.path)/e.json")
        e.save("\(dir.path)/e.html")
        """)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("e.json"))) as? [String: Any]
        XCTAssertEqual(json?["method"] as? String, "integrated_gradients")
        let html = try String(contentsOf: dir.appendingPathComponent("e.html"), encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg") && !html.contains("<script"))
    }
}

/// plot, bar, heatmap and show: what they draw as text, and their errors.
final class PlotBindingTests: XCTestCase {
    func testFiguresDrawAsPlainTextOutsideATerminal() throws {
        let out = try runProgram("bar([\"a\", \"b\"], [1.0, -0.5])\nheatmap(tensor([[1, 2], [3, 4]]), rows: [\"r\", \"s\"])\nshow(eye(2))")
        XCTAssertTrue(out[0].contains("a") && out[0].hasSuffix("+1.0000"), out.joined(separator: "\n"))
        XCTAssertEqual(Array(out[2...6]), ["       0     1", "r   1.00  2.00", "s   3.00  4.00", "  @@  ", "    @@"])
    }

    func testPlotErrorsNameTheProblem() {
        XCTAssertTrue(runError("plot([1, 2, 3], [1.0, 2.0])").contains("3 x values but 2 y values"))
        XCTAssertTrue(runError("plot([])").contains("nothing to draw"))
        XCTAssertTrue(runError("heatmap(zeros(2, 2, 2))").contains("needs a 2-D tensor"))
        XCTAssertTrue(runError("bar([\"a\"], [1.0, 2.0])").contains("1 names but 2 values"))
        XCTAssertTrue(runError("show(zeros(300, 300))").contains("too large"))
    }
}

/// fit(log_dir:) writes TensorBoard events, and explanation metrics computed afterwards land
/// in the same log.
final class LoggingBindingTests: XCTestCase {
    func testExplanationMetricsJoinTheTrainingLog() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-log-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try runProgram("""
        seed(0)
        train, test = dataset("iris").standardize().split(0.8)
        net = Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
        h = fit(net, train, epochs: 2, optimizer: Adam(lr: 0.05), log_dir: "\(dir.path)")
        f = faithfulness(explain(net, test[0][0]))
        log_scalar("\(dir.path)", "custom/value", 0.5, step: 3)
        """)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("tfevents") }
        XCTAssertEqual(files.count, 1)
        let bytes = try Data(contentsOf: dir.appendingPathComponent(files[0]))
        let text = String(decoding: bytes, as: UTF8.self)
        for tag in ["epoch/loss", "explain/integrated_gradients/aopc_comprehensiveness", "custom/value"] {
            XCTAssertTrue(text.contains(tag), "the log holds \(tag)")
        }
    }
}
