import Foundation
import XCTest
import Tensors
@testable import Lang

/// The robustness builtins as a person calls them: numbers that match their definitions on a
/// linear model, text moved at its embeddings, the attack's guarantees, and clear errors.
final class RobustnessBindingTests: XCTestCase {
    let setup = """
    net = Linear(3, 1)
    net.weight = tensor([[2.0, -1.0, 0.5]])
    net.bias = tensor([0.1])
    x = tensor([1.0, 2.0, -2.0])
    deep = Sequential(Linear(3, 6), Tanh(), Linear(6, 2))
    """

    func testEachMetricReturnsItsNumbersOnALinearModel() throws {
        let out = try runProgram(setup + """

        sal = explain(net, x, method: "saliency", target: 1)
        ixg = explain(net, x, method: "input_x_gradient", target: 1)
        print(sensitivity_max(sal, radius: 0.5, samples: 5).value)
        inf = infidelity(ixg, samples: 50, stdev: 0.1)
        print(inf.value < 0.000001 * inf.mean_squared_change)
        print(stability(sal, samples: 3, k: 2).worst_spearman)
        l = lipschitz(ixg, samples: 5)
        print(l.value >= 0.5 - 0.0001, l.value <= 2.0001)
        s = simplicity(sal)
        print(s.units, s.effective_units > 1, s.effective_units < 3)
        t = trust(ixg, samples: 3, k: 2)
        print(t.grades["infidelity share"])
        for r in [sensitivity_max(sal, samples: 2), inf, stability(sal, samples: 2, k: 2), l, s, t] {
            print(r.json().startswith("{"), r.html().startswith("<figure"))
        }
        """)
        XCTAssertEqual(out[0], "0.0")
        XCTAssertEqual(Array(out[1...5]), ["true", "1.0", "true true", "3 true true", "good"])
        XCTAssertEqual(Array(out[6...]), [String](repeating: "true true", count: 6))
    }

    func testDisplaysSayWhatEachNumberMeansAndGiveAVerdict() throws {
        let interp = Interpreter()
        _ = try runProgram(setup + """

        e = explain(deep, x, method: "integrated_gradients", steps: 8)
        results = [sensitivity_max(e, samples: 2), infidelity(e, samples: 20), lipschitz(e, samples: 2), \
        stability(e, samples: 2, k: 2), simplicity(e), trust(e, samples: 2, k: 2), fragility(e, k: 2, steps: 2)]
        """, interp)
        guard case .list(let box)? = interp.global("results") else { return XCTFail("no results") }
        for v in box.items {
            guard case .object(let o) = v else { return XCTFail("not an object") }
            XCTAssertTrue(o.display.contains("verdict: "), o.typeName)
            XCTAssertTrue(["better", "simpler", "fragile"].contains { o.display.contains($0) }, o.typeName)
        }
    }

    func testTheFragilityAttackKeepsTheClassAndShowsBothExplanations() throws {
        let interp = Interpreter()
        let out = try runProgram(setup + """

        e = explain(deep, x, method: "saliency")
        f = fragility(e, eps: 0.1, k: 2, steps: 4, seed: 3)
        print(f.class_before == f.class_after, f.top_k_overlap <= 1, f.largest_change <= f.bound * 1.000001)
        p = predict(deep, f.attacked_input.reshape(1, 3)).tolist()[0]
        print(p[f.class_before] >= p[1 - f.class_before])
        """, interp)
        XCTAssertEqual(out, ["true true true", "true"])
        guard case .object(let f as FragilityObject)? = interp.global("f") else { return XCTFail("no result") }
        XCTAssertTrue(f.display.contains("before:"))
        XCTAssertTrue(f.display.contains("after the attack:"))
        // Both nested pictures are indented as a whole under their headings, title line included.
        let lines = f.display.split(separator: "\n").map(String.init)
        guard let first = lines.firstIndex(of: "  before:"),
              let last = lines.lastIndex(where: { $0.contains("verdict:") }) else { return XCTFail(f.display) }
        for line in lines[(first + 1)..<last] where line != "  after the attack:" {
            XCTAssertTrue(line.hasPrefix("    "), "not indented with its picture: \(line)")
        }
        XCTAssertEqual(f.figureHTML.components(separatedBy: "<svg").count - 1, 2, "both pictures in one figure")
    }

    func testTextIsMovedAtItsWordEmbeddings() throws {
        let interp = Interpreter()
        let out = try runProgram("""
        bert = load_pretrained("sentiment-bert")
        e = explain(bert, "a gentle and moving film", method: "saliency")
        print(sensitivity_max(e, samples: 2).value >= 0, len(stability(e, samples: 2, k: 2).spearman))
        print(infidelity(e, samples: 10).samples)
        f = fragility(e, k: 2, steps: 2)
        print(f.class_before == f.class_after)
        """, interp)
        XCTAssertEqual(out, ["true 2", "10", "true"])
        guard case .object(let f as FragilityObject)? = interp.global("f") else { return XCTFail("no result") }
        XCTAssertTrue(f.display.contains("word embeddings were moved"))
        let err = runError("""
        bert = load_pretrained("sentiment-bert")
        sensitivity_max(explain(bert, "a gentle and moving film", method: "occlusion"))
        """)
        XCTAssertTrue(err.contains("occlusion explains text by removing words"), err)
        let verdict = try runProgram("""
        bert = load_pretrained("sentiment-bert")
        print(trust(explain(bert, "a gentle and moving film", method: "occlusion"), samples: 2, k: 2).verdict)
        """)
        XCTAssertTrue(verdict.first?.contains("not run: sensitivity_max, infidelity share, stability") == true,
                      "\(verdict)")
    }

    func testBadArgumentsAreClearErrors() {
        let e = "explain(deep, x, method: \"saliency\")"
        let cases: [(String, String)] = [
            ("fragility(\(e), eps: 0)", "eps must be a positive number"),
            ("fragility(\(e), eps: -0.1)", "found -0.1"),
            ("fragility(\(e), k: 0)", "k must be at least 1, found 0"),
            ("sensitivity_max(\(e), radius: -1)", "radius must be a positive number, found -1"),
            ("sensitivity_max(\(e), samples: 0)", "samples must be between 1 and 100000, found 0"),
            ("infidelity(\(e), stdev: 0)", "stdev must be a positive number"),
            ("stability(\(e), noise: -0.5)", "noise must be a positive number"),
            ("lipschitz(x)", "must be an explanation (from explain()), found"),
            ("trust(\(e), samples: 0)", "samples must be between"),
            ("simplicity(explain(net, tensor([0.0, 0.0, 0.0]), method: \"input_x_gradient\"))", "every score"),
            ("sensitivity_max(\(e), seed: -1)", "seed must not be negative"),
            ("sensitivity_max(\(e), samples: 9223372036854775807)", "samples must be between 1 and 100000"),
            ("sensitivity_max(\(e), radius: 1e308)", "radius must be at most 1e12 (inputs are 32-bit floats)"),
            ("lipschitz(\(e), radius: float(\"nan\"))", "radius must be a positive number, found nan"),
            ("infidelity(\(e), stdev: 1e308)", "stdev must be at most 1e12"),
            ("infidelity(\(e), samples: 2 ** 62)", "samples must be between 1 and 1000000"),
            ("stability(\(e), noise: float(\"inf\"))", "noise must be a positive number"),
            ("stability(\(e), k: -1)", "k must be at least 1, found -1"),
            ("trust(\(e), k: 0)", "trust: k must be at least 1, found 0"),
            ("trust(\(e), radius: float(\"nan\"))", "trust: radius must be a positive number, found nan"),
            ("trust(\(e), noise: 1e308)", "trust: noise must be at most 1e12"),
            ("fragility(\(e), eps: 1e308)", "eps must be at most 1e12"),
            ("fragility(\(e), steps: 9223372036854775807)", "steps must be between 1 and 10000"),
            ("fragility(\(e), candidates: 0)", "fragility: candidates must be between 1 and 1024, found 0"),
        ]
        for (code, fragment) in cases {
            let err = runError(setup + "\n" + code)
            XCTAssertTrue(err.contains(fragment), "\(code): \(err)")
        }
    }

    func testEachNumberIsLoggedForTensorBoard() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-robust-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try runProgram(setup + """

        sensitivity_max(explain(deep, x), samples: 2, log_dir: "\(dir.path)")
        """)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertFalse(files.isEmpty, "an event file is written")
    }
}
