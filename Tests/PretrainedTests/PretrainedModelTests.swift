import Foundation
import XCTest
import Layers
import Tensors
import Training
import Pretrained
import TestSupport

/// The reference folders that transformers saved (hf/<name>): config.json, model.safetensors and
/// expected.safetensors with what transformers computed.
let hfDir = referenceDir.appendingPathComponent("hf")

func hfFolder(_ name: String) -> URL { hfDir.appendingPathComponent(name) }

func hfExpected(_ name: String) throws -> [String: Tensor] {
    try SafeTensors.read(contentsOf: hfFolder(name).appendingPathComponent("expected.safetensors"))
}

func hfTensor(_ e: [String: Tensor], _ key: String) throws -> Tensor {
    guard let t = e[key] else { throw TensorError.value("expected.safetensors has no \(key)") }
    return t
}

/// The row lengths of a padded batch: the row sums of its attention_mask.
func rowLengths(_ mask: Tensor) -> [Int] {
    let T = mask.shape[1]
    let v = mask.intValues
    return (0..<mask.shape[0]).map { b in (0..<T).reduce(0) { $0 + Int(v[b * T + $1]) } }
}

/// Loaded models compute what transformers computes on the same checkpoints.
final class PretrainedModelTests: XCTestCase {
    func load<M>(_ name: String, as: M.Type) throws -> (M, LoadedCheckpoint) {
        let c = try Pretrained.loadModel(folder: hfFolder(name))
        guard let m = c.module as? M else {
            throw TensorError.value("\(name) loaded as \(type(of: c.module)), expected \(M.self)")
        }
        return (m, c)
    }

    func report(_ what: String, _ a: Tensor, _ b: Tensor, tol: Float = 1e-4) {
        print("max |difference| \(what): \(maxAbsDiff(a, b))")
        assertClose(a, b, tol: tol, what)
    }

    func testBertClassifierLogitsHiddenStatesAndAttentionMatchTransformers() throws {
        let (bert, checkpoint) = try load("bert_classifier", as: PretrainedBert.self)
        let e = try hfExpected("bert_classifier")
        XCTAssertEqual(checkpoint.architecture, "BertForSequenceClassification")
        XCTAssertEqual(bert.typeName, "BertForSequenceClassification")
        XCTAssertEqual(checkpoint.labels, ["LABEL_0", "LABEL_1"])
        XCTAssertTrue(bert.hasClassifier)
        XCTAssertFalse(bert.hasMaskedLMHead)
        let ids = try hfTensor(e, "input_ids"), lengths = rowLengths(try hfTensor(e, "attention_mask"))
        let hidden = try bert.encode(ids: ids, lengths: lengths)
        report("bert_classifier last_hidden_state", hidden, try hfTensor(e, "last_hidden_state"))
        // Padded queries attend to the valid keys in transformers too, so every row is defined.
        let attention = try XCTUnwrap(bert.layers.items[0].lastAttention)
        report("bert_classifier attentions_layer0", attention, try hfTensor(e, "attentions_layer0"))
        report("bert_classifier logits", try bert.classifierLogits(hidden), try hfTensor(e, "logits"))
        // As a TextClassifier (what explanations call): the same logits.
        report("bert_classifier logits(ids:lengths:)", try bert.logits(ids: ids, lengths: lengths),
               try hfTensor(e, "logits"))
        XCTAssertEqual(try bert.pooled(hidden).shape, [ids.shape[0], bert.config.hiddenSize])
    }

    func testBertMaskedLMLogitsMatchTransformers() throws {
        let (bert, checkpoint) = try load("bert_mlm", as: PretrainedBert.self)
        let e = try hfExpected("bert_mlm")
        XCTAssertTrue(bert.hasMaskedLMHead)
        XCTAssertFalse(bert.hasClassifier)
        XCTAssertEqual(checkpoint.labels, [])
        let ids = try hfTensor(e, "input_ids"), lengths = rowLengths(try hfTensor(e, "attention_mask"))
        let logits = try bert.maskedLMLogits(bert.encode(ids: ids, lengths: lengths))
        report("bert_mlm logits", logits, try hfTensor(e, "logits"))
        assertThrows("has no classifier") { try bert.logits(ids: ids, lengths: lengths) }
        assertThrows("no pooler") { try bert.pooled(bert.encode(ids: ids, lengths: lengths)) }
    }

    func testDistilBertClassifierLogitsMatchTransformers() throws {
        let (model, checkpoint) = try load("distilbert_classifier", as: PretrainedDistilBert.self)
        let e = try hfExpected("distilbert_classifier")
        XCTAssertEqual(checkpoint.architecture, "DistilBertForSequenceClassification")
        XCTAssertEqual(model.labels.count, 2)
        let ids = try hfTensor(e, "input_ids"), lengths = rowLengths(try hfTensor(e, "attention_mask"))
        report("distilbert_classifier logits", try model.logits(ids: ids, lengths: lengths), try hfTensor(e, "logits"))
    }

    func testGPT2LogitsAndGreedyContinuationsMatchTransformers() throws {
        let (gpt, checkpoint) = try load("gpt2_lm", as: TinyGPT.self)
        XCTAssertEqual(checkpoint.architecture, "GPT2LMHeadModel")
        let e = try hfExpected("gpt2_lm")
        var i = 0
        while let ids = e["ids_\(i)"] {
            let logits = try gpt.forward(ids: ids.unsqueeze(0)).squeeze(0)
            report("gpt2_lm logits_\(i)", logits, try hfTensor(e, "logits_\(i)"))
            var g = RandomGenerator(seed: 0)
            let prompt = ids.intValues
            let continuation = try LanguageModel.generate(gpt, prompt: prompt, count: 10, temperature: 0, using: &g)
            XCTAssertEqual(prompt + continuation, try hfTensor(e, "greedy_\(i)").intValues, "greedy_\(i)")
            i += 1
        }
        XCTAssertEqual(i, 3, "prompts in the reference")
    }

    /// A row's logits alone equal its logits inside the padded batch: padding changes nothing.
    func testEachRowAloneGivesItsLogitsInsideThePaddedBatch() throws {
        let (bert, _) = try load("bert_classifier", as: PretrainedBert.self)
        let (distil, _) = try load("distilbert_classifier", as: PretrainedDistilBert.self)
        let e = try hfExpected("bert_classifier")
        let ids = try hfTensor(e, "input_ids"), lengths = rowLengths(try hfTensor(e, "attention_mask"))
        for model in [bert, distil] as [TextClassifier] {
            let batch = try model.logits(ids: ids, lengths: lengths)
            var worst: Float = 0
            for (b, l) in lengths.enumerated() {
                let row = try ids.select(dim: 0, index: b).slice(dim: 0, start: 0, end: l).unsqueeze(0)
                let alone = try model.logits(ids: row, lengths: [l])
                let inside = try batch.select(dim: 0, index: b).unsqueeze(0)
                worst = max(worst, maxAbsDiff(alone, inside))
                assertClose(alone, inside, tol: 1e-5, "\(model.typeName) row \(b) alone")
            }
            print("max |difference| \(model.typeName) row alone vs in batch: \(worst)")
        }
    }

    /// Every value of the file lands in a parameter; only tied copies are counted twice.
    func testParameterCountsEqualTheCheckpointsTensorsMinusTiedOnes() throws {
        for name in ["bert_classifier", "bert_mlm", "distilbert_classifier", "gpt2_lm"] {
            let c = try Pretrained.loadModel(folder: hfFolder(name))
            let file = try SafeTensors.read(contentsOf: hfFolder(name).appendingPathComponent("model.safetensors"))
            let values = file.values.reduce(0) { $0 + $1.count }
            XCTAssertEqual(c.module.parameterCount - c.tiedValues, values, name)
            XCTAssertEqual(c.checkpointValues, values, name)
            XCTAssertEqual(c.unusedTensors, [], name)
        }
    }

    func testLoadedModelsAreInEvaluationModeWithTransformersNames() throws {
        let (bert, _) = try load("bert_classifier", as: PretrainedBert.self)
        let names = Set(bert.namedParameters().map(\.0))
        for n in ["bert.embeddings.word_embeddings.weight", "bert.embeddings.LayerNorm.weight",
                  "bert.encoder.layer.1.self_attn.in_proj_weight", "bert.pooler.dense.weight", "classifier.bias"] {
            XCTAssertTrue(names.contains(n), n)
        }
        let (mlm, _) = try load("bert_mlm", as: PretrainedBert.self)
        XCTAssertTrue(Set(mlm.namedParameters().map(\.0)).contains("cls.predictions.transform.LayerNorm.bias"))
        XCTAssertTrue(bert.modules().allSatisfy { !$0.1.training })
    }

    func testEncoderInputsAreChecked() throws {
        let (bert, _) = try load("bert_classifier", as: PretrainedBert.self)
        let ids = try Tensor(shape: [1, 3], ints: [2, 7, 3])
        assertThrows("one length per row") { try bert.encode(ids: ids, lengths: [3, 3]) }
        assertThrows("between 1 and 3") { try bert.encode(ids: ids, lengths: [4]) }
        assertThrows("between 1 and 3") { try bert.encode(ids: ids, lengths: [0]) }
        assertThrows("1 to 64 tokens") { try bert.encode(ids: Tensor.zeros([1, 65], dtype: .int64), lengths: [65]) }
        assertThrows("token types") { try bert.encode(ids: ids, lengths: [3], tokenTypes: Tensor.zeros([1, 2])) }
        assertThrows("out of range") { try bert.encode(ids: Tensor(shape: [1, 1], ints: [3000]), lengths: [1]) }
        // Segment ids select the token-type rows: type 1 changes the result.
        let one = try bert.encode(ids: ids, lengths: [3], tokenTypes: Tensor(shape: [1, 3], ints: [0, 1, 1]))
        XCTAssertGreaterThan(maxAbsDiff(one, try bert.encode(ids: ids, lengths: [3])), 1e-3)
    }
}
