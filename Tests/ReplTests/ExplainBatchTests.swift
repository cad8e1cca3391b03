import Foundation
import XCTest
import TestSupport
@testable import Repl

/// `xai explain-batch`: JSON Lines in, one record per line out, in order; a bad line gets an
/// error record and the stream goes on; shards explained apart give the same records.
final class ExplainBatchTests: XCTestCase {
    /// A script that defines a seeded MLP on three features.
    func scriptModel() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("mlp.xai")
        try "seed(7)\nmodel = Sequential(Linear(3, 5), Tanh(), Linear(5, 2))\n".write(to: url, atomically: true,
                                                                                      encoding: .utf8)
        return url
    }

    func run(_ batch: ExplainBatch, _ lines: [String]) -> [String] {
        lines.enumerated().map { batch.record(Data($0.element.utf8), number: $0.offset + 1) }
    }

    func object(_ record: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
    }

    func testEachLineGetsOneRecordInOrderAndBadLinesGetErrors() throws {
        let batch = try ExplainBatch(model: scriptModel().path, name: "model", method: "saliency", options: nil)
        let lines = ["{\"id\": \"a\", \"row\": [1, 2, 3]}", "not json", "{\"row\": [1, 2]}", "{\"text\": 5}",
                     "{\"id\": 7, \"row\": [0.5, -1, 2], \"target\": 0}", "[1, 2, 3]", "{\"row\": [1, true, 3]}"]
        let out = try run(batch, lines).map(object)
        XCTAssertEqual(out.map { $0["line"] as? Int }, Array(1...7))
        XCTAssertEqual(out[0]["id"] as? String, "a")
        XCTAssertEqual(out[4]["id"] as? Int, 7)
        for bad in [1, 2, 3, 5, 6] { XCTAssertNotNil(out[bad]["error"], "line \(bad + 1) should be an error") }
        XCTAssertTrue((out[1]["error"] as? String ?? "").contains("not JSON"))
        XCTAssertTrue((out[6]["error"] as? String ?? "").contains("numbers only"))
        let e = try XCTUnwrap(out[4]["explanation"] as? [String: Any])
        XCTAssertEqual(e["target"] as? Int, 0)
        XCTAssertEqual((e["units"] as? [Any])?.count, 3)
        XCTAssertEqual(e["method"] as? String, "saliency")
    }

    func testShardsExplainedApartConcatenateToTheWholeRun() throws {
        let model = try scriptModel().path
        var g = SystemRandomNumberGenerator()
        let lines = (0..<40).map { i in
            "{\"id\": \(i), \"row\": [\((0..<3).map { _ in String(Double.random(in: -2...2, using: &g)) }.joined(separator: ", "))]}"
        }
        let whole = run(try ExplainBatch(model: model, name: "model", method: "integrated_gradients",
                                         options: "steps: 16"), lines)
        var sharded: [String] = []
        for shard in 0..<4 {
            let part = Array(lines[(shard * 10)..<((shard + 1) * 10)])
            let batch = try ExplainBatch(model: model, name: "model", method: "integrated_gradients", options: "steps: 16")
            sharded += run(batch, part).enumerated().map { i, r in
                r.replacingOccurrences(of: "{\"line\": \(i + 1),", with: "{\"line\": \(shard * 10 + i + 1),")
            }
        }
        XCTAssertEqual(whole, sharded)
    }

    func testPretrainedCheckpointLinesTakeTextsPairsAndSimilarities() throws {
        let folder = referenceDir.appendingPathComponent("hf/bert_classifier").path
        let batch = try ExplainBatch(model: folder, name: "model", method: "occlusion", options: nil)
        let out = try run(batch, ["\"The food was good.\"",
                                  "{\"text\": \"good food\", \"pair\": \"bad service\", \"target\": 1}",
                                  "{\"text\": \"good food\", \"similar_to\": \"tasty meal\"}",
                                  "{\"text\": \"good food\", \"pair\": 3}"]).map(object)
        let units = out.prefix(3).map { (($0["explanation"] as? [String: Any])?["units"] as? [Any])?.count }
        XCTAssertEqual(units, [5, 4, 2])
        XCTAssertTrue((out[3]["error"] as? String ?? "").contains("\"pair\" must be a text"))
    }

    func testLineReaderSplitsLinesAndBoundsLongOnes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xai-lines-\(UUID().uuidString)")
        let long = String(repeating: "x", count: 300)
        try "a\r\n\(long)\nb\n\nlast".write(to: url, atomically: true, encoding: .utf8)
        var reader = JSONLinesReader(try FileHandle(forReadingFrom: url), limit: 100)
        var lines: [Data] = []
        while let l = reader.next() { lines.append(l) }
        XCTAssertEqual(lines.count, 5)
        XCTAssertEqual(String(data: lines[0], encoding: .utf8), "a")
        XCTAssertEqual(lines[1].count, 101)           // over the limit: stands as limit + 1 bytes
        XCTAssertEqual(String(data: lines[2], encoding: .utf8), "b")
        XCTAssertEqual(lines[3].count, 0)
        XCTAssertEqual(String(data: lines[4], encoding: .utf8), "last")
    }

    func testAMissingModelOrNameIsAClearError() throws {
        XCTAssertThrowsError(try ExplainBatch(model: "/nonexistent/model", name: "model", method: "ig", options: nil)) {
            XCTAssertTrue("\($0)".contains("no such checkpoint folder or script"))
        }
        XCTAssertThrowsError(try ExplainBatch(model: scriptModel().path, name: "net", method: "ig", options: nil)) {
            XCTAssertTrue("\($0)".contains("defines no model named net"))
        }
    }
}
