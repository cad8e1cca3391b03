import Foundation
import XCTest
import Layers
import Tensors
import Pretrained
import TestSupport

/// Broken, hostile or unsupported checkpoint folders give an error that names the problem,
/// never a crash.
final class PretrainedModelErrorTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A copy of a reference folder's config.json and model.safetensors in the temporary folder.
    func copyCheckpoint(_ name: String = "bert_classifier") throws {
        for f in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: hfFolder(name).appendingPathComponent(f),
                                             to: dir.appendingPathComponent(f))
        }
    }

    /// Rewrites config.json with `change` applied to its JSON object.
    func editConfig(_ change: (inout [String: Any]) -> Void) throws {
        let url = dir.appendingPathComponent("config.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    func loadError(_ fragments: String..., file: StaticString = #filePath, line: UInt = #line) {
        for f in fragments {
            assertThrows(f, file: file, line: line) { try Pretrained.loadModel(folder: self.dir) }
        }
    }

    func testAMissingConfigIsNamed() throws {
        try copyCheckpoint()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("config.json"))
        loadError("has no config.json")
    }

    func testAMissingSafetensorsFileIsNamed() throws {
        try copyCheckpoint()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
        loadError("has no model.safetensors")
    }

    func testPickledWeightsAreNeverLoaded() throws {
        try copyCheckpoint()
        try FileManager.default.moveItem(at: dir.appendingPathComponent("model.safetensors"),
                                         to: dir.appendingPathComponent("pytorch_model.bin"))
        loadError("pytorch_model.bin", "never loaded", "safe_serialization=True")
    }

    func testAMissingFolderIsNamed() {
        dir = dir.appendingPathComponent("nowhere")
        loadError("no checkpoint folder")
    }

    func testAnUnknownArchitectureListsTheSupportedOnes() throws {
        try copyCheckpoint()
        try editConfig { $0["architectures"] = ["RobertaForSequenceClassification"]; $0["model_type"] = "roberta" }
        loadError("RobertaForSequenceClassification is not supported", "BertForSequenceClassification",
                  "GPT2LMHeadModel")
        try editConfig { $0["architectures"] = nil; $0["model_type"] = "t5" }
        loadError("model_type \"t5\" is not supported")
        try editConfig { $0["architectures"] = ["BertModel"]; $0["model_type"] = "gpt2" }
        loadError("does not match BertModel")
    }

    func testAConfigThatDisagreesWithATensorNamesTheTensorAndBothShapes() throws {
        try copyCheckpoint()
        try editConfig { $0["hidden_size"] = 48 }
        loadError("bert.embeddings.word_embeddings.weight", "[3000, 32]", "[3000, 48]", "hidden_size")
        try editConfig { $0["hidden_size"] = 32; $0["intermediate_size"] = 65 }
        loadError("bert.encoder.layer.0.intermediate.dense.weight", "[64, 32]", "[65, 32]")
        try editConfig { $0["intermediate_size"] = 64; $0["id2label"] = ["0": "a", "1": "b", "2": "c"] }
        loadError("classifier.weight", "[2, 32]", "[3, 32]")
    }

    func testAMissingTensorIsNamed() throws {
        try copyCheckpoint()
        let url = dir.appendingPathComponent("model.safetensors")
        let kept = try SafeTensors.readOrdered(contentsOf: url).filter {
            $0.name != "bert.encoder.layer.1.output.dense.weight"
        }
        try SafeTensors.write(kept.map { ($0.name, $0.tensor) }, to: url)
        loadError("has no tensor \"bert.encoder.layer.1.output.dense.weight\"", "[32, 64]")
    }

    func testATruncatedSafetensorsFileIsReportedWithItsName() throws {
        try copyCheckpoint()
        let url = dir.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 100).write(to: url)
        loadError("model.safetensors: safetensors:")
        try data.prefix(5).write(to: url)
        loadError("model.safetensors: safetensors:", "too short")
    }

    func testNonNumericNegativeAndAbsurdSizesAreRefused() throws {
        try copyCheckpoint()
        let cases: [(String, Any, String)] = [
            ("hidden_size", "big", "hidden_size must be an integer between 1 and 1048576, found \"big\""),
            ("num_hidden_layers", -1, "num_hidden_layers must be an integer between 1 and 1048576, found -1"),
            ("num_attention_heads", 0, "num_attention_heads must be an integer"),
            ("vocab_size", 1 << 40, "vocab_size must be an integer between 1 and 1048576"),
            ("intermediate_size", 2.5, "intermediate_size must be an integer"),
            ("max_position_embeddings", true, "max_position_embeddings must be an integer between 1 and 1048576, "
                + "found true (a boolean)"),
            ("layer_norm_eps", "tiny", "layer_norm_eps must be a number"),
            ("num_attention_heads", 5, "hidden_size (32) must be a multiple of num_attention_heads (5)"),
            ("hidden_act", "swish", "hidden_act \"swish\" is not supported"),
            ("pad_token_id", 5000, "pad_token_id must be an integer between 0 and 2999"),
            ("id2label", ["0": "a", "5": "b"], "id2label's ids must be 0..<2"),
            ("architectures", "BertModel", "architectures must be a list of strings"),
            ("position_embedding_type", "relative_key", "position_embedding_type \"relative_key\""),
        ]
        let original = try Data(contentsOf: dir.appendingPathComponent("config.json"))
        for (key, value, message) in cases {
            try original.write(to: dir.appendingPathComponent("config.json"))
            try editConfig { $0[key] = value }
            loadError("config.json: " + message)
        }
        try Data("[1, 2]".utf8).write(to: dir.appendingPathComponent("config.json"))
        loadError("must hold a JSON object")
        try Data("{\"hidden_size\": ".utf8).write(to: dir.appendingPathComponent("config.json"))
        loadError("is not valid JSON")
    }

    func testGPT2SizesAndOptionsAreCheckedUnderTheirOwnNames() throws {
        try copyCheckpoint("gpt2_lm")
        try editConfig { $0["n_embd"] = 34 }
        loadError("n_embd (34) must be a multiple of n_head (4)")
        try editConfig { $0["n_embd"] = 32; $0["n_inner"] = 100 }
        loadError("transformer.h.0.mlp.c_fc.weight", "[32, 128]", "[32, 100]")
        try editConfig { $0["n_inner"] = nil; $0["activation_function"] = "silu" }
        loadError("activation_function \"silu\" is not supported")
        try editConfig { $0["activation_function"] = "gelu_new"; $0["scale_attn_weights"] = false }
        loadError("scale_attn_weights must be true")
    }

    /// BF16 and F16 weights are widened to float32 exactly: a BF16 file gives the same logits as
    /// a float32 file of the same (BF16-rounded) values.
    func testBFloat16WeightsLoadAsTheirFloat32Values() throws {
        try copyCheckpoint()
        let tensors = try SafeTensors.readOrdered(contentsOf: dir.appendingPathComponent("model.safetensors"))
        func truncated(_ f: Float) -> Float { Float(bitPattern: f.bitPattern & 0xFFFF_0000) }
        let rounded = try tensors.map { ($0.name, try Tensor(shape: $0.tensor.shape,
                                                              floats: $0.tensor.floats.map(truncated))) }
        try SafeTensors.write(rounded, to: dir.appendingPathComponent("model.safetensors"))
        let f32 = try XCTUnwrap(Pretrained.loadModel(folder: dir).module as? PretrainedBert)
        try bfloat16File(tensors).write(to: dir.appendingPathComponent("model.safetensors"))
        let bf16 = try XCTUnwrap(Pretrained.loadModel(folder: dir).module as? PretrainedBert)
        let ids = try Tensor(shape: [1, 4], ints: [2, 10, 11, 3])
        XCTAssertEqual(try bf16.logits(ids: ids, lengths: [4]).floats, try f32.logits(ids: ids, lengths: [4]).floats)
    }

    /// A safetensors file with every tensor stored as BF16 (the high half of each float32).
    func bfloat16File(_ tensors: [(name: String, tensor: Tensor)]) throws -> Data {
        var body = [UInt8](), entries: [String] = []
        for (name, t) in tensors {
            let start = body.count
            for f in t.floats {
                let b = f.bitPattern >> 16
                body.append(UInt8(b & 0xFF))
                body.append(UInt8(b >> 8))
            }
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append("\"\(name)\":{\"dtype\":\"BF16\",\"shape\":[\(shape)],"
                           + "\"data_offsets\":[\(start),\(body.count)]}")
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var out = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64($0))) }
        out += header
        out += body
        return Data(out)
    }
}
