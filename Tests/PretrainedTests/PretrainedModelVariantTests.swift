import Foundation
import XCTest
import Layers
import Tensors
import Pretrained
import TestSupport

/// Checkpoints saved by other classes than the reference ones: a bare base model (no name
/// prefix), another head's tensors left over, DistilBERT's sinusoidal positions, GPT-2 untied.
final class PretrainedModelVariantTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Writes `name`'s config.json with `change` applied, and its tensors through `tensors`.
    func write(_ name: String, config change: (inout [String: Any]) -> Void,
               tensors: ([(name: String, tensor: Tensor)]) throws -> [(String, Tensor)]) throws {
        let source = hfFolder(name)
        var json = try XCTUnwrap(JSONSerialization.jsonObject(
            with: Data(contentsOf: source.appendingPathComponent("config.json"))) as? [String: Any])
        change(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("config.json"))
        let saved = try SafeTensors.readOrdered(contentsOf: source.appendingPathComponent("model.safetensors"))
        try SafeTensors.write(tensors(saved), to: dir.appendingPathComponent("model.safetensors"))
    }

    func batch(_ name: String) throws -> (ids: Tensor, lengths: [Int]) {
        let e = try hfExpected(name)
        return (try hfTensor(e, "input_ids"), rowLengths(try hfTensor(e, "attention_mask")))
    }

    /// A BertModel saves its tensors without the "bert." prefix; it keeps its pooler.
    func testABareBertModelWithoutPrefixEncodesLikeTheClassifiersEncoder() throws {
        try write("bert_classifier", config: { $0["architectures"] = ["BertModel"] }) { saved in
            saved.filter { $0.name.hasPrefix("bert.") }.map { (String($0.name.dropFirst(5)), $0.tensor) }
        }
        let bare = try XCTUnwrap(Pretrained.loadModel(folder: dir).module as? PretrainedBert)
        XCTAssertEqual(bare.typeName, "BertModel")
        XCTAssertFalse(bare.hasClassifier)
        XCTAssertEqual(bare.labels, [])
        let (ids, lengths) = try batch("bert_classifier")
        let hidden = try bare.encode(ids: ids, lengths: lengths)
        assertClose(hidden, try hfTensor(hfExpected("bert_classifier"), "last_hidden_state"), tol: 1e-4,
                    "bare BertModel last_hidden_state")
        XCTAssertEqual(try bare.pooled(hidden).shape, [ids.shape[0], 32])
        assertThrows("has no classifier") { try bare.logits(ids: ids, lengths: lengths) }
    }

    /// Loading a classifier's checkpoint as its base model leaves the head's tensors unused, and says so.
    func testAnotherHeadsTensorsAreListedAsUnused() throws {
        try write("bert_classifier", config: { $0["architectures"] = ["BertModel"] }) { saved in
            saved.map { ($0.name, $0.tensor) }
        }
        let c = try Pretrained.loadModel(folder: dir)
        XCTAssertEqual(c.unusedTensors, ["classifier.bias", "classifier.weight"])
        XCTAssertEqual(c.labels, [])
    }

    /// Labels come from id2label in id order.
    func testLabelsFollowId2labelInIdOrder() throws {
        try write("distilbert_classifier", config: { $0["id2label"] = ["1": "POSITIVE", "0": "NEGATIVE"] }) { saved in
            saved.map { ($0.name, $0.tensor) }
        }
        let c = try Pretrained.loadModel(folder: dir)
        XCTAssertEqual(c.labels, ["NEGATIVE", "POSITIVE"])
        XCTAssertEqual(c.config.numLabels, 2)
    }

    /// With sinusoidal_pos_embds and no saved table, positions are sin/cos of pos / 10000^(2⌊j/2⌋/dim).
    func testDistilBertSinusoidalPositionsAreBuiltWhenNotSaved() throws {
        try write("distilbert_classifier", config: { $0["sinusoidal_pos_embds"] = true }) { saved in
            saved.filter { !$0.name.hasSuffix("position_embeddings.weight") }.map { ($0.name, $0.tensor) }
        }
        let c = try Pretrained.loadModel(folder: dir)
        let model = try XCTUnwrap(c.module as? PretrainedDistilBert)
        XCTAssertEqual(c.generatedValues, 64 * 32)
        let table = model.embeddings.positionEmbeddings.weight.value
        XCTAssertEqual(table.shape, [64, 32])
        for (p, j) in [(0, 0), (0, 1), (5, 0), (5, 1), (7, 10), (63, 31)] {
            let angle = Double(p) / pow(10000, Double(2 * (j / 2)) / 32)
            XCTAssertEqual(Double(try table.value(at: [p, j])), j % 2 == 0 ? sin(angle) : cos(angle), accuracy: 1e-6)
        }
        let (ids, lengths) = try batch("distilbert_classifier")
        XCTAssertEqual(try model.logits(ids: ids, lengths: lengths).shape, [ids.shape[0], 2])
    }

    /// tie_word_embeddings false: GPT-2's head is lm_head.weight, which must then be in the file.
    func testAnUntiedGPT2HeadIsReadFromLmHead() throws {
        try write("gpt2_lm", config: { $0["tie_word_embeddings"] = false }) { saved in
            saved.map { ($0.name, $0.tensor) }
        }
        assertThrows("has no tensor \"lm_head.weight\"") { try Pretrained.loadModel(folder: self.dir) }
        let ids = try hfTensor(hfExpected("gpt2_lm"), "ids_0").unsqueeze(0)
        try write("gpt2_lm", config: { $0["tie_word_embeddings"] = false }) { saved in
            let wte = try XCTUnwrap(saved.first { $0.name == "transformer.wte.weight" }).tensor
            return saved.map { ($0.name, $0.tensor) } + [("lm_head.weight", wte.scaled(by: 2))]
        }
        let untied = try Pretrained.loadModel(folder: dir)
        XCTAssertEqual(untied.tiedValues, 0)
        let tied = try XCTUnwrap(Pretrained.loadModel(folder: hfFolder("gpt2_lm")).module as? TinyGPT)
        let doubled = try XCTUnwrap(untied.module as? TinyGPT).forward(ids: ids)
        assertClose(doubled, try tied.forward(ids: ids).scaled(by: 2), tol: 1e-4, "untied head = 2 × wte")
    }
}
