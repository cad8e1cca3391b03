import Foundation
import XCTest
import TestSupport
@testable import Tensors

/// safetensors: round trips, files written by PyTorch, dtype conversions, and malformed
/// files — each rejected with its own error, none crashing.
final class SafeTensorsTests: XCTestCase {
    /// Builds a file from a header text and a data buffer.
    func file(_ header: String, _ body: [UInt8] = [], length: UInt64? = nil) -> Data {
        let h = Array(header.utf8)
        let n = length ?? UInt64(h.count)
        var out: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) }
        out += h + body
        return Data(out)
    }

    func f32(_ v: [Float]) -> [UInt8] { v.flatMap { f in (0..<4).map { UInt8(truncatingIfNeeded: f.bitPattern >> (8 * UInt32($0))) } } }

    func testRoundTripKeepsNamesShapesValuesAndMetadata() throws {
        let tensors: [(String, Tensor)] = [
            ("w", try Tensor(shape: [2, 3], floats: [1, -2, 3.5, 0, .infinity, -0.25])),
            ("ids", try Tensor(shape: [3], ints: [0, -5, Int64.max])),
            ("mask", try Tensor(shape: [2, 1], bools: [true, false])),
            ("scalar", Tensor(scalar: 7)),
            ("empty", try Tensor.zeros([0, 4])),
        ]
        let data = try SafeTensors.encode(tensors, metadata: ["format": "pt"])
        let (back, meta) = try SafeTensors.decode(data)
        XCTAssertEqual(meta, ["format": "pt"])
        XCTAssertEqual(back.map(\.name), ["empty", "ids", "mask", "scalar", "w"])
        let byName = Dictionary(uniqueKeysWithValues: back.map { ($0.name, $0.tensor) })
        for (name, t) in tensors { XCTAssertEqual(byName[name], t, name) }
        XCTAssertEqual((data.count - 8 - Int(data[0])) >= 0, true)
        XCTAssertEqual(Int(data[0]) % 8, 0, "header padded to a multiple of 8")
    }

    func testWriteIsAtomicAndReadable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.safetensors")
        try SafeTensors.write([("a", Tensor([1, 2]))], to: url)
        try SafeTensors.write([("a", Tensor([3, 4]))], to: url)
        XCTAssertEqual(try SafeTensors.read(contentsOf: url)["a"], Tensor([3, 4]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["m.safetensors"])
    }

    func testReadsFilesWrittenByPyTorch() throws {
        let linear = try SafeTensors.read(contentsOf: referenceDir.appendingPathComponent("linear/model.safetensors"))
        XCTAssertEqual(linear["weight"]?.shape, [6, 10])
        XCTAssertEqual(linear["bias"]?.shape, [6])
        let io = try SafeTensors.read(contentsOf: referenceDir.appendingPathComponent("sentiment/io.safetensors"))
        XCTAssertEqual(io["input.ids"]?.dtype, .int64)
        XCTAssertEqual(io["input.lengths"]?.ints, [7, 4, 6])
        let mha = try SafeTensors.read(contentsOf: referenceDir.appendingPathComponent("mha/io.safetensors"))
        XCTAssertEqual(mha["input.key_padding_mask"]?.dtype, .bool)
        XCTAssertEqual(mha["input.key_padding_mask"]?.ints, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    }

    func testConvertsOtherDtypesExactly() throws {
        // F16: 1.0, -2.0, smallest subnormal 2^-24, inf, NaN; BF16: 1.0; F64: 0.5; I32: -3; U8: 200.
        let f16: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x7C00, 0x7E00]
        let bytes16 = f16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let bf16: [UInt8] = [0x80, 0x3F]
        let f64: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: (0.5 as Double).bitPattern >> (8 * UInt64($0))) }
        let i32: [UInt8] = (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: -3) >> (8 * UInt32($0))) }
        let header = #"{"a":{"dtype":"F16","shape":[5],"data_offsets":[0,10]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[10,12]},"c":{"dtype":"F64","shape":[],"data_offsets":[12,20]},"d":{"dtype":"I32","shape":[1],"data_offsets":[20,24]},"e":{"dtype":"U8","shape":[1],"data_offsets":[24,25]}}"#
        let r = try SafeTensors.decode(file(header, bytes16 + bf16 + f64 + i32 + [200])).tensors
        let t = Dictionary(uniqueKeysWithValues: r.map { ($0.name, $0.tensor) })
        let a = try XCTUnwrap(t["a"]).floats
        XCTAssertEqual(Array(a[0..<4]), [1, -2, 0x1p-24, .infinity])
        XCTAssertTrue(a[4].isNaN)
        XCTAssertEqual(t["b"]?.floats, [1])
        XCTAssertEqual(t["c"]?.floats, [0.5])
        XCTAssertEqual(t["d"]?.ints, [-3])
        XCTAssertEqual(t["e"]?.ints, [200])
    }

    /// Each malformed file, the fragment its error must contain.
    func testMalformedFilesAreRejectedWithTheirOwnError() {
        let ok = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let two = f32([1, 2])
        let cases: [(String, Data, String)] = [
            ("empty file", Data(), "too short for the 8-byte header length"),
            ("truncated length", Data([1, 0, 0]), "too short"),
            ("header length past end", file(ok, two, length: 500), "runs past the end of the file"),
            ("huge header length", file(ok, two, length: UInt64.max), "exceeds the format's limit"),
            ("bad UTF-8", file("{\u{0}", []).replacingByte(at: 9, with: 0xFF), "not valid UTF-8"),
            ("not starting with {", file(" [1]"), "must start with '{'"),
            ("bad JSON", file(#"{"a":}"#), "not valid JSON"),
            ("JSON array", file(#"{"a":[1]}"#), "must be an object with dtype"),
            ("missing dtype", file(#"{"a":{"shape":[2],"data_offsets":[0,8]}}"#, two), "has no dtype"),
            ("unknown dtype", file(#"{"a":{"dtype":"F8_E9","shape":[2],"data_offsets":[0,8]}}"#, two), "dtype F8_E9"),
            ("negative shape", file(#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, two), "non-negative integers"),
            ("non-integer shape", file(#"{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, two), "non-negative integers"),
            ("overflowing shape", file(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904],"data_offsets":[0,8]}}"#, two), "too many elements"),
            ("empty but huge", file(#"{"a":{"dtype":"F32","shape":[0,9223372036854775807],"data_offsets":[0,0]}}"#), "too many elements"),
            ("offsets backwards", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, two), "run backwards"),
            ("three offsets", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}"#, two), "two non-negative integers"),
            ("gap", file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, two), "gap in the data"),
            ("overlap", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, two), "overlapping data"),
            ("size mismatch", file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, two), "expected 12 bytes"),
            ("past the buffer", file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, two), "past the end of the 8-byte data buffer"),
            ("trailing bytes", file(ok, two + [0, 0, 0, 0]), "trailing or missing bytes"),
            ("duplicate names", file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, two), "duplicate key"),
            ("metadata not strings", file(#"{"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, two), "must be a string"),
            ("bool byte 2", file(#"{"m":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}"#, [1, 2]), "expected 0 or 1"),
            ("signed \\u escape", file(#"{"__metadata__":{"k":"\u+fff"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, two), "invalid \\u escape"),
            ("plus sign", file(#"{"a":{"dtype":"F32","shape":[+2],"data_offsets":[0,8]}}"#, two), "expected a value"),
            ("leading zero", file(#"{"a":{"dtype":"F32","shape":[02],"data_offsets":[0,8]}}"#, two), "leading zero"),
            ("bare dot", file(#"{"a":{"dtype":"F32","shape":[2.],"data_offsets":[0,8]}}"#, two), "digits after its '.'"),
            ("unknown field", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}"#, two), "unknown field"),
        ]
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        for (what, data, fragment) in cases {
            XCTAssertThrowsError(try SafeTensors.decode(data), what) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(what): “\(error)” does not mention “\(fragment)”")
            }
        }
    }

    func testMutatedFilesNeverCrash() throws {
        let good = try SafeTensors.encode([("w", try Tensor(shape: [2, 2], floats: [1, 2, 3, 4])), ("i", try Tensor(shape: [2], ints: [1, 2]))])
        var g = RandomGenerator(seed: 99)
        var rejected = 0
        for _ in 0..<3000 {
            var bytes = [UInt8](good)
            for _ in 0..<(1 + Int(g.below(4))) where !bytes.isEmpty {
                switch g.below(3) {
                case 0: bytes[Int(g.below(UInt64(bytes.count)))] = UInt8(g.below(256))
                case 1: if bytes.count > 1 { bytes.removeSubrange(Int(g.below(UInt64(bytes.count)))..<bytes.count) }
                default: bytes.insert(UInt8(g.below(256)), at: Int(g.below(UInt64(bytes.count))))
                }
            }
            do { _ = try SafeTensors.decode(Data(bytes)) } catch { rejected += 1 }
        }
        XCTAssertGreaterThan(rejected, 1000)
    }
}

extension Data {
    func replacingByte(at i: Int, with b: UInt8) -> Data {
        var d = self
        if i < d.count { d[i] = b }
        return d
    }
}
