import Foundation
import XCTest
import Tensors
@testable import Lang

/// plausibility(), vader_rationale(), plausibility_table(), annotate() and anchor() as a person
/// calls them: results, the prompt's questions, files of rationales, and clear errors.
final class PlausibilityBindingTests: XCTestCase {
    let bert = """
    bert = load_pretrained("sentiment-bert")
    e = explain(bert, "The food was not good at all.", method: "occlusion")
    """

    func testTheThreeFormsOfARationaleScoreAlike() throws {
        let out = try runProgram(bert + """

        a = plausibility(e, ["not", "good"])
        b = plausibility(e, "The food was *not good* at all.")
        c = plausibility(e, annotate("The food was not good at all.", words: ["not", "good"]))
        print(a.token_f1 == b.token_f1, b.auprc == c.auprc, a.iou_f1 == c.iou_f1, a.rationale)
        print(plausibility(e, ["not", "good"], k: 8).token_recall)
        print(annotate("The food was not good at all.", words: [4, 5]).rationale)
        """)
        XCTAssertEqual(out, ["true true true [\"not\", \"good\"]", "1.0", "[\"not\", \"good\"]"])
    }

    func testVaderRationaleCarriesPeoplesRatings() throws {
        let out = try runProgram("""
        r = vader_rationale("The food was not good at all.")
        print(r.rationale, r.ratings[4], r.ratings[0])
        print(vader_rationale("The food was not good at all.", threshold: 2.0).size)
        """)
        XCTAssertEqual(out, ["[\"good\"] 1.9 nil", "0"])
    }

    /// The interactive form asks through the interpreter's askLine hook.
    func testAnnotateAsksAtThePromptAndAcceptsNumbersOrWords() throws {
        let interp = Interpreter()
        var answers = ["", "tasty", "4 5"], questions: [String] = []
        interp.askLine = { q in questions.append(q); return answers.isEmpty ? nil : answers.removeFirst() }
        let out = try runProgram("r = annotate(\"The food was not good at all\")\nprint(r.rationale)", interp)
        XCTAssertEqual(out.first, "  1 The  2 food  3 was  4 not  5 good  6 at  7 all")
        XCTAssertEqual(out.last, "[\"not\", \"good\"]")
        XCTAssertEqual(questions.count, 3)
        XCTAssertTrue(questions[1].contains("name at least one word"), questions[1])
        XCTAssertTrue(questions[2].contains("the word \"tasty\" is not in the text"), questions[2])
        answers = ["not, GOOD"]
        XCTAssertEqual(try runProgram("print(annotate(\"The food was not good at all\").size)", interp).last, "2")
        answers = []
        XCTAssertThrowsError(try runProgram("annotate(\"The food was not good\")", interp)) {
            XCTAssertTrue("\($0)".contains("no answer was given"), "\($0)")
        }
    }

    func testRationalesAreKeptInAJSONLinesFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xai-rationales-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try runProgram("""
        annotate("The food was not good at all", words: ["not", "good"]).save("\(path)")
        vader_rationale("Great phone, terrible battery").save("\(path)")
        rs = rationales("\(path)")
        print(len(rs), rs[0].rationale, rs[1].rationale, rs[1].ratings[0])
        """)
        XCTAssertEqual(out, ["2 [\"not\", \"good\"] [\"Great\", \"terrible\"] 3.1"])
        let bad = "{\"words\": [\"a\"], \"rationale\": [0]}\nnot json\n"
        try bad.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertTrue(runError("rationales(\"\(path)\")").contains("line 2 of"))
    }

    func testPlausibilityTableRanksMethodsBesideChance() throws {
        let out = try runProgram("""
        bert = load_pretrained("sentiment-bert")
        texts = ["The food was not good at all.", "Great phone, excellent battery!", "It was a day.", "I hate it."]
        t = plausibility_table(bert, texts, methods: ["occlusion", "saliency"], samples: 20)
        print(t.texts, t.methods[2], len(t.auprc))
        print(t.auprc[t.best] >= t.auprc["occlusion"], t.auprc[t.best] >= t.auprc["saliency"])
        """)
        XCTAssertEqual(out, ["3 random 3", "true true"])
    }

    func testAnchorForATableRowAndASentence() throws {
        let out = try runProgram("""
        net = Linear(4, 3)
        iris = dataset("iris")
        x, label = iris[0]
        a = anchor(net, x, data: iris, seed: 1)
        b = anchor(net, x, data: iris, seed: 1)
        print(a.rule == b.rule, a.precision == b.precision, a.coverage > 0)
        print(a.rule.startswith("IF ") or a.rule.startswith("ALWAYS"))
        s = anchor(load_pretrained("sentiment-bert"), "The food was not good at all.")
        print(s.class_name, s.precision >= 0.95, s.rule.startswith("IF the text keeps"))
        """)
        XCTAssertEqual(out, ["true true true", "true", "negative true true"])
    }

    func testWrongArgumentsAreClearErrors() {
        let cases: [(String, String)] = [
            ("plausibility(e, [\"bad\"])", "the rationale word \"bad\" is not in the explained text; its words are"),
            ("plausibility(e, \"The food was not good at all.\")", "marks its words between asterisks"),
            ("plausibility(e, 3)", "must be a list of words, a marked text"),
            ("plausibility(3, [\"not\"])", "must be an explanation"),
            ("annotate(\"The food was good\")", "nobody is at a prompt to ask"),
            ("annotate(\"The food was good\", words: [\"tasty\"])", "the word \"tasty\" is not in the text"),
            ("anchor(bert, \"The food\", threshold: 1.5)", "threshold must be in (0, 1], found 1.5"),
            ("anchor(Linear(4, 2), tensor([1.0, 2.0, 3.0, 4.0]))", "a table row needs data:"),
            ("plausibility_table(bert, [\"It was a day.\"])", "none of the 1 texts has a word rated"),
            ("plausibility_table(bert, [\"good\"], rank_by: \"speed\")", "rank_by must be one of"),
            ("vader_rationale(\"good\", threshold: -1)", "threshold must be a number ≥ 0"),
            ("vader_rationale(\"good\", threshold: float(\"nan\"))", "threshold must be a number ≥ 0, found nan"),
            ("plausibility(e, [\"not\"], k: 9223372036854775807)", "k must be between 1 and the"),
            ("plausibility(e, [\"not\"], k: 0)", "k must be between 1 and the"),
            ("plausibility(e, [])", "a rationale needs at least one word, found an empty list"),
            ("plausibility(e, vader_rationale(\"\"))", "the rationale marks no word"),
            ("annotate(\"\", words: [0])", "the text \"\" has no words to annotate"),
            ("annotate(\"a good film\", words: [-1])", "word numbers must be in 1…3, found -1"),
            ("annotate(\"a good film\", words: [9223372036854775807])", "word numbers must be in 1…3"),
            ("rationales(\"/nonexistent/r.jsonl\")", "rationales: cannot read"),
            ("plausibility_table(bert, [])", "plausibility_table needs at least one text"),
            ("plausibility_table(bert, [\"good\"], samples: 2 ** 62)", "samples must be between 2 and 1000000"),
            ("plausibility_table(bert, [\"good\"], methods: [])", "needs at least one method"),
            ("plausibility_table(Linear(3, 2), [\"good\"])",
             "no explanation method works on this model and text"),
            ("anchor(bert, \"The food\", threshold: float(\"nan\"))", "threshold must be in (0, 1], found nan"),
            ("anchor(bert, \"The food\", samples: 9223372036854775807)", "samples per draw must be between 1"),
            ("anchor(bert, \"The food\", beam: -1)", "the beam width must be between 1 and 1000, found -1"),
            ("anchor(bert, \"\")", "has no words to explain"),
            ("anchor(bert, \"The food\", data: dataset(\"iris\"))", "must be a dataset of texts"),
            ("anchor(Linear(4, 2), tensor([1.0, 2.0, 3.0, 4.0]), data: zeros(0, 4))", "found [0, 4]"),
            ("anchor(Linear(4, 2), tensor([1.0, 2.0, 3.0, 4.0]), data: zeros(5, 3))", "found [5, 3]"),
            ("anchor(Linear(4, 2), tensor([1.0, 2.0, 3.0, 4.0]), data: dataset(\"sentiment\"))",
             "must hold feature rows"),
            ("anchor(Linear(4, 2), tensor([1.0, 2.0, 3.0, 4.0]), data: randn(9, 4), names: [\"a\"])",
             "names must give one name for each of the 4 features, found 1"),
            ("anchor(Linear(4, 2), zeros(1, 4, 4), data: randn(9, 4))", "one feature row [features]"),
        ]
        for (code, expected) in cases {
            let message = runError(bert + "\n" + code)
            XCTAssertTrue(message.contains(expected), "\(code)\n→ \(message)")
        }
    }
}
