import Foundation
import XCTest
import Tensors
@testable import Lang

/// Global views as a person calls them: shap_summary and its dependence and bar views,
/// mean_attribution of features and words, permutation_importance and partial_dependence,
/// with clear errors for wrong arguments.
final class GlobalViewsBindingTests: XCTestCase {
    let setup = """
    seed(1)
    net = Sequential(Linear(3, 6), Tanh(), Linear(6, 2))
    x = randn(10, 3)
    bg = randn(5, 3)
    """

    func testSummaryRowsEqualExplainOfEachRow() throws {
        let out = try runProgram(setup + """

        s = shap_summary(net, x, method: "kernel_shap", background: bg, samples: 30, seed: 2)
        print(s.values.shape, s.rows, s.features)
        same = true
        for i in range(10) {
            e = explain(net, x[i], method: "kernel_shap", background: bg, samples: 30, seed: 2, target: 1)
            same = same and (s.values[i] == e.scores).all()
        }
        print(same)
        """)
        XCTAssertEqual(out, ["[10, 3] 10 [\"x0\", \"x1\", \"x2\"]", "true"])
    }

    func testSummaryViewsDependenceAndMeanBars() throws {
        let out = try runProgram(setup + """

        s = shap_summary(net, x, background: bg, rows: 6)
        d = s.dependence("x1", color: "x2")
        print(s.rows, d.feature, d.color, len(d.values))
        print(s.dependence(0, color: false).color)
        m = s.mean_abs(top: 2)
        print(len(m.names), len(m.top), m.values[0] >= m.values[1])
        print(s.html().startswith("<figure"), len(s.json()) > 0, str(s).split("\\n")[0].startswith("shap summary"))
        """)
        XCTAssertEqual(out, ["6 x1 x2 6", "nil", "3 2 true", "true true true"])
    }

    func testPermutationImportanceAndPartialDependenceOnADataset() throws {
        let out = try runProgram("""
        seed(0)
        data = dataset("iris")
        net = Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
        pi = permutation_importance(net, data, repeats: 3, metric: "loss", seed: 4)
        print(len(pi.mean), len(pi.importances[0]), pi.metric)
        pd = partial_dependence(net, data, "petal_length_cm", target: 2, grid: 7, ice_lines: 5)
        print(len(pd.grid), len(pd.average), len(pd.ice), pd.features)
        two = partial_dependence(net, data, ["petal_length_cm", 0], target: 0, grid: 4)
        print(len(two.average), len(two.grid))
        print("matters most" in str(pi).split("\\n")[-1])
        """)
        XCTAssertEqual(out, ["4 3 loss", "7 7 150 [\"petal_length_cm\"]", "16 2", "true"])
    }

    func testMeanAttributionOfTextsIsPerWordWithCounts() throws {
        let out = try runProgram("""
        seed(0)
        data = dataset("sentiment").subset(range(4))
        net = SentimentNet(vocab: data.vocab(), embed: 8, hidden: 8)
        m = mean_attribution(net, data, method: "occlusion", top: 3, min_count: 1)
        rare = mean_attribution(net, data, method: "occlusion", top: 3)
        total = 0
        for c in m.counts { total = total + c }
        print(len(m.top), total > 4, len(m.names) == len(m.counts))
        print(str(m).split("\\n")[0])
        once = 0
        for c in m.counts { if c < 2 { once = once + 1 } }
        print(len(rare.names) == len(m.names) - once, str(once) + " words seen < 2 times" in str(rare).split("\\n")[0])
        """)
        XCTAssertEqual(out.count, 3)
        XCTAssertEqual(out[0], "3 true true")
        XCTAssertEqual(out[1], "mean |occlusion| per word over 4 texts")
        XCTAssertEqual(out[2], "true true")
    }

    func testWrongArgumentsAreClearErrors() {
        let cases: [(String, String)] = [
            ("shap_summary(net, x).dependence(\"x9\")", "no feature named \"x9\""),
            ("shap_summary(Sequential(Linear(3, 3)), x)", "the model has 3 classes: say which one to look at"),
            ("shap_summary(net, x, rows: 0)", "rows must be positive"),
            ("shap_summary(net, x, names: [\"a\"])", "names must give one name for each of the 3 features, found 1"),
            ("shap_summary(net, zeros(3))", "must be a dataset or rows [rows, features]"),
            ("shap_summary(net, x, method: \"grad_cam\")", "scores the layer's own units"),
            ("permutation_importance(net, x)", "must be a labelled dataset"),
            ("permutation_importance(net, dataset(\"iris\"), metric: \"f1\")", "metric must be \"accuracy\""),
            ("partial_dependence(net, x, 0, grid: 1)", "grid must be between 2 and 10000"),
            ("partial_dependence(net, x, 5)", "a feature index must be in 0..<3, found 5"),
            ("partial_dependence(net, x, [0, 1, 2])", "one feature or a list of two"),
            ("partial_dependence(net, x, 0, percentiles: [0.9, 0.1])", "percentiles must be two numbers"),
            ("partial_dependence(net, x, 0, output: \"odds\")", "output must be \"probability\" or \"logit\""),
            ("shap_summary(net, x, rows: -1)", "rows must be positive, found -1"),
            ("shap_summary(net, zeros(0, 3))", "data has no rows"),
            ("shap_summary(net, dataset(\"sentiment\"))", "must hold feature rows"),
            ("shap_summary(net, x, target: -1)", "target class must be in 0..<2, found -1"),
            ("shap_summary(net, x, rows: 2).mean_abs(top: 0)", "top must be positive, found 0"),
            ("shap_summary(net, x, rows: 2).dependence(9223372036854775807)", "must be in 0..<3"),
            ("mean_attribution(net, x, top: -1)", "mean_attribution: top must be positive, found -1"),
            ("permutation_importance(net, dataset(\"iris\"), repeats: 2 ** 62)", "repeats must be between 1"),
            ("permutation_importance(Linear(64, 3), dataset(\"digits\"), repeats: 10000)",
             "too many shuffled copies: 64 features × 10000 repeats × 1797 rows"),
            ("permutation_importance(net, dataset(\"sentiment\"))", "must hold feature rows"),
            ("partial_dependence(net, x, 0, grid: 9223372036854775807)", "grid must be between 2 and 10000"),
            ("partial_dependence(net, x, \"nope\")", "no feature named \"nope\""),
            ("partial_dependence(net, x, 0, target: 0, ice_lines: -1)", "ice_lines must not be negative"),
            ("partial_dependence(net, x, 0, target: 0, percentiles: [float(\"nan\"), 1])", "percentiles must be"),
            ("partial_dependence(net, zeros(0, 3), 0)", "data has no rows"),
        ]
        for (code, expected) in cases {
            let message = runError(setup + "\n" + code)
            XCTAssertTrue(message.contains(expected), "\(code)\n→ \(message)")
        }
    }
}
