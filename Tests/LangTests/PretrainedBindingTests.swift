import Explain
import Foundation
import XCTest
import Tensors
import TestSupport
@testable import Lang

/// Pretrained checkpoints at the prompt (load_pretrained and what it is asked), against what
/// transformers and Captum computed on the same checkpoints (../shared/reference/hf).
final class PretrainedBindingTests: XCTestCase {
    let hf = referenceDir.appendingPathComponent("hf")

    func folder(_ name: String) -> String { hf.appendingPathComponent(name).path }
    func expected(_ name: String) throws -> [String: Tensor] {
        try SafeTensors.read(contentsOf: hf.appendingPathComponent(name).appendingPathComponent("expected.safetensors"))
    }
    func probes(_ name: String, _ key: String) throws -> [String] {
        let data = try Data(contentsOf: hf.appendingPathComponent(name).appendingPathComponent("case.json"))
        return try XCTUnwrap((JSONSerialization.jsonObject(with: data) as? [String: Any])?[key] as? [String])
    }

    func session(_ source: String) throws -> Interpreter {
        let interp = Interpreter()
        interp.output = { _, _ in }
        interp.setGlobal("probe_texts", .list(try probes("bert_classifier", "probes").map { .string($0) }))
        try interp.run(source)
        return interp
    }

    func explanation(_ interp: Interpreter, _ name: String) throws -> Explanation {
        guard case .object(let o as ExplanationObject)? = interp.global(name) else {
            throw XCTSkip("\(name) is not an explanation")
        }
        return o.explanation
    }

    func testClassifyGivesTheSoftmaxOfTransformersLogitsForEveryProbe() throws {
        for name in ["bert_classifier", "distilbert_classifier"] {
            let interp = try session("m = load_pretrained(\"\(folder(name))\")\nc = classify(m, probe_texts)")
            guard case .list(let results)? = interp.global("c") else { return XCTFail("classify gave no list") }
            let logits = try XCTUnwrap(try expected(name)["logits"])
            let want = try logits.softmax(dim: 1)
            XCTAssertEqual(results.items.count, logits.shape[0])
            for (b, item) in results.items.enumerated() {
                guard case .object(let r as ClassificationObject) = item else { return XCTFail("not a Classification") }
                for k in 0..<2 {
                    XCTAssertEqual(r.probabilities[k], Double(want.floats[b * 2 + k]), accuracy: 1e-5, "\(name) \(b)")
                    XCTAssertEqual(r.logits[k], Double(logits.floats[b * 2 + k]), accuracy: 1e-4, "\(name) \(b)")
                }
            }
        }
    }

    func testOneTextAloneScoresAsInsideAPaddedBatch() throws {
        let interp = try session("""
        m = load_pretrained("\(folder("bert_classifier"))")
        all = classify(m, probe_texts)
        alone = []
        for t in probe_texts { alone = alone + [classify(m, t)] }
        """)
        guard case .list(let all)? = interp.global("all"), case .list(let alone)? = interp.global("alone") else {
            return XCTFail("classify gave no lists")
        }
        for (a, b) in zip(all.items, alone.items) {
            guard case .object(let x as ClassificationObject) = a, case .object(let y as ClassificationObject) = b else {
                return XCTFail("not Classifications")
            }
            for k in 0..<2 { XCTAssertEqual(x.logits[k], y.logits[k], accuracy: 1e-5) }
        }
    }

    func testIntegratedGradientsPerPieceAgreeWithCaptumsLayerIntegratedGradients() throws {
        let texts = try probes("bert_classifier", "probes")
        let want = try expected("bert_classifier")
        let interp = try session("m = load_pretrained(\"\(folder("bert_classifier"))\")")
        for i in 0..<4 {
            interp.setGlobal("t", .string(texts[i]))
            try interp.run("e = explain(m, t, method: \"integrated_gradients\", target: 1, pieces: true)")
            let e = try explanation(interp, "e")
            let ig = try XCTUnwrap(want["ig_\(i)"]).floats.map(Double.init)
            // Captum's attribution of [CLS] and [SEP] is 0 (the baseline keeps them); the pieces are in between.
            XCTAssertEqual(e.scores.count, ig.count - 2)
            assertClose(e.scores, Array(ig[1..<(ig.count - 1)]), 1e-4, "IG of probe \(i)")
            XCTAssertEqual(ig.first ?? 1, 0, accuracy: 1e-9)
            // Words are the sums of their pieces.
            try interp.run("w = explain(m, t, method: \"integrated_gradients\", target: 1)")
            let words = try explanation(interp, "w")
            XCTAssertEqual(words.scores.reduce(0, +), e.scores.reduce(0, +), accuracy: 1e-9)
        }
    }

    func testBatchingTheIntegralDoesNotChangeTheAttribution() throws {
        let interp = try session("""
        m = load_pretrained("\(folder("bert_classifier"))")
        a = explain(m, "I would never buy this again; it broke after one day.", target: 1)
        b = explain(m, "I would never buy this again; it broke after one day.", target: 1, batch: 7)
        """)
        assertClose(try explanation(interp, "a").scores, try explanation(interp, "b").scores, 1e-7, "batch 7")
    }

    func testWordsAreTheTextsOwnWordsWithPiecesGrouped() throws {
        let interp = try session("""
        m = load_pretrained("\(folder("bert_classifier"))")
        e = explain(m, "Naïve café owners' crème brûlée — unbelievable!!", method: "occlusion")
        t = tokenize(m, "Naïve café")
        """)
        XCTAssertEqual(try explanation(interp, "e").units,
                       ["Naïve", "café", "owners", "'", "crème", "brûlée", "—", "unbelievable", "!", "!"])
        try interp.run("x = t.tokens")
        guard case .list(let tokens)? = interp.global("x") else { return XCTFail("no tokens") }
        XCTAssertEqual(tokens.items.map(\.display), ["[CLS]", "n", "##ai", "##ve", "cafe", "[SEP]"])
    }

    func testFillMaskRanksTheMaskedLanguageModelsLogits() throws {
        let want = try XCTUnwrap(try expected("bert_mlm")["logits"])
        let ids = try XCTUnwrap(try expected("bert_mlm")["input_ids"])
        let texts = try probes("bert_mlm", "masked")
        let interp = try session("m = load_pretrained(\"\(folder("bert_mlm"))\")")
        for (b, text) in texts.enumerated() {
            interp.setGlobal("t", .string(text))
            try interp.run("f = fill_mask(m, t, top: 3)")
            guard case .object(let f as FillMaskObject)? = interp.global("f") else { return XCTFail("no FillMask") }
            let (T, V) = (ids.shape[1], want.shape[2])
            let p = try XCTUnwrap((0..<T).first { ids.ints[b * T + $0] == 4 })   // [MASK] is id 4
            let row = Array(want.floats[(b * T + p) * V..<(b * T + p + 1) * V])
            let best = row.indices.max { row[$0] < row[$1] }!
            XCTAssertEqual(f.slots.first?.first?.token, try tokenOf(interp, best), "most probable piece of \(b)")
            XCTAssertEqual(f.slots.first?.count, 3)
        }
    }

    func tokenOf(_ interp: Interpreter, _ id: Int) throws -> String {
        guard case .object(let o as ModuleObject)? = interp.global("m"), let t = o.model.tokenizer else { return "?" }
        return t.token(of: id) ?? "?"
    }

    func testGPT2GeneratesTransformersGreedyTokensAndExplainsItsNextToken() throws {
        let want = try expected("gpt2_lm")
        let prompts = try probes("gpt2_lm", "prompts")
        let interp = try session("g = load_pretrained(\"\(folder("gpt2_lm"))\")")
        guard case .object(let o as ModuleObject)? = interp.global("g"), let tok = o.model.tokenizer else {
            return XCTFail("no GPT-2")
        }
        for (i, prompt) in prompts.enumerated() {
            let ids = try XCTUnwrap(want["ids_\(i)"]).ints.map(Int.init)
            let greedy = try XCTUnwrap(want["greedy_\(i)"]).ints.map(Int.init)
            interp.setGlobal("p", .string(prompt))
            try interp.run("s = generate(g, p, tokens: 10, temperature: 0)")
            XCTAssertEqual(interp.global("s")?.display, tok.decode(Array(greedy[ids.count...]), skippingSpecialTokens: false))
            try interp.run("e = explain(g, p, method: \"integrated_gradients\")")
            let e = try explanation(interp, "e")
            XCTAssertEqual(e.subject.target, greedy[ids.count], "the explained token is the predicted one")
            XCTAssertLessThan(abs(e.checks[0].value), 1e-3, "IG's convergence delta")
        }
    }

    func testSimilarityIsTheCosineOfMeanPooledEmbeddingsAndItsExplanationIsComplete() throws {
        let interp = try session("""
        m = load_pretrained("\(folder("bert_classifier"))")
        s = similarity(m, "the food was great", "the meal was delicious")
        a = embed(m, "the food was great")
        b = embed(m, ["the meal was delicious", "x"])
        n = (a * a).sum().item()
        cos = (a * b[0]).sum().item()
        e = explain(m, "the food was great", similar_to: "the meal was delicious", steps: 200)
        """)
        guard case .float(let s)? = interp.global("s"), case .float(let cos)? = interp.global("cos"),
              case .float(let n)? = interp.global("n") else { return XCTFail("no numbers") }
        XCTAssertEqual(n, 1, accuracy: 1e-5, "embeddings are normalised")
        XCTAssertEqual(s, cos, accuracy: 1e-5)
        let e = try explanation(interp, "e")
        XCTAssertEqual(e.prediction, s, accuracy: 1e-5)
        XCTAssertEqual(e.scores.reduce(0, +), e.prediction - e.subject.baselineScore, accuracy: 1e-3)
    }

    func testTheDemoScriptRunsOnTheReferenceCheckpointToo() throws {
        let script = try String(contentsOf: repoRoot.appendingPathComponent("scripts/pretrained.xai"), encoding: .utf8)
        XCTAssertTrue(script.contains("load_pretrained(\"sentiment-bert\")"))
        let source = script.replacingOccurrences(of: "load_pretrained(\"sentiment-bert\")",
                                                 with: "load_pretrained(\"\(folder("bert_classifier"))\")")
        let interp = Interpreter()
        var printed = 0
        interp.output = { _, _ in printed += 1 }
        try interp.run(source, file: "pretrained.xai")
        XCTAssertGreaterThan(printed, 10)
        XCTAssertEqual(try explanation(interp, "ig").units, ["The", "food", "was", "not", "good", "at", "all", "."])
    }

    func testATextPairIsClassifiedAndExplainedWithItsTokenTypes() throws {
        let interp = try session("""
        m = load_pretrained("\(folder("bert_classifier"))")
        c = classify(m, "The food was not good at all.", pair: "I would never buy this again.")
        e = explain(m, "The food was not good at all.", pair: "I would never buy this again.", target: 1)
        t = tokenize(m, "The food was not good at all.", pair: "I would never buy this again.")
        """)
        guard case .object(let c as ClassificationObject)? = interp.global("c") else { return XCTFail("no class") }
        let e = try explanation(interp, "e")
        XCTAssertEqual(e.prediction, c.logits[1], accuracy: 1e-6, "explain and classify read the pair alike")
        XCTAssertEqual(e.units, ["The", "food", "was", "not", "good", "at", "all", ".",
                                 "I", "would", "never", "buy", "this", "again", "."])
        XCTAssertLessThan(abs(e.checks[0].value), 1e-6)
        try interp.run("types = t.type_ids")
        guard case .list(let types)? = interp.global("types") else { return XCTFail("no token types") }
        XCTAssertEqual(types.items.map(\.display), ["0"] + Array(repeating: "0", count: 9) + Array(repeating: "1", count: 8))
        // Read as one text (token types all 0), the same words score differently.
        try interp.run("one = classify(m, \"The food was not good at all. I would never buy this again.\")")
        guard case .object(let one as ClassificationObject)? = interp.global("one") else { return XCTFail("no class") }
        XCTAssertNotEqual(one.logits[1], c.logits[1])
    }

    func testLoadingACheckpointLeavesTheSessionsRandomNumbersAlone() throws {
        let out = try runProgram("""
        seed(3)
        a = randn(4)
        seed(3)
        m = load_pretrained("\(folder("bert_classifier"))")
        b = randn(4)
        print((a == b).all())
        """)
        XCTAssertEqual(out, ["true"])
    }

    func testBadCheckpointsAreClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-hf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let fm = FileManager.default
        for f in ["config.json", "model.safetensors"] {
            try fm.copyItem(at: hf.appendingPathComponent("bert_classifier").appendingPathComponent(f),
                            to: dir.appendingPathComponent(f))
        }
        // A GPT-2 tokenizer beside a BERT: 800 pieces fit, but a BERT checkpoint needs its WordPiece.
        XCTAssertTrue(runError("load_pretrained(\"\(dir.path)\")").contains("tokenizer"))
        try fm.copyItem(at: hf.appendingPathComponent("gpt2_lm").appendingPathComponent("tokenizer.json"),
                        to: dir.appendingPathComponent("tokenizer.json"))
        XCTAssertTrue(runError("load_pretrained(\"\(dir.path)\")").contains("reads WordPiece pieces, but the folder's "
                                                                         + "tokenizer is a byte-level BPE"))
        XCTAssertTrue(runError("load_pretrained(\"/nonexistent/folder\")").contains("config.json"))
        XCTAssertTrue(runError("tokenize(Linear(2, 2), \"a\")").contains("pretrained model"))
        XCTAssertTrue(runError("classify(Linear(2, 2), \"a\")").contains("pretrained BERT or DistilBERT"))
    }
}
