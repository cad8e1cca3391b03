import Foundation
import XCTest
import Layers
import Tensors
@testable import Training

/// A reader that follows TensorBoard's record format independently of the writer: every
/// record's length and data are checked against their masked CRC-32C, and Event messages
/// are decoded field by field.
struct EventFileReader {
    struct Event { var wallTime = 0.0; var step: Int64 = 0; var fileVersion: String?; var scalars: [(String, Float)] = [] }

    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0x82F6_3B78 : 0) }
        }
        return ~c
    }
    static func masked(_ bytes: [UInt8]) -> UInt32 { let c = crc32c(bytes); return ((c >> 15) | (c << 17)) &+ 0xA282_EAD8 }

    static func le<T: FixedWidthInteger>(_ b: ArraySlice<UInt8>, _ type: T.Type) -> T {
        b.reversed().reduce(T(0)) { ($0 << 8) | T($1) }
    }

    enum Failure: Error { case truncated, badLengthCRC(Int), badDataCRC(Int), badProto }

    static func records(_ data: [UInt8]) throws -> [[UInt8]] {
        var out: [[UInt8]] = [], i = 0
        while i < data.count {
            guard i + 12 <= data.count else { throw Failure.truncated }
            let lenBytes = Array(data[i..<i + 8])
            let len = Int(le(data[i..<i + 8], UInt64.self))
            guard le(data[i + 8..<i + 12], UInt32.self) == masked(lenBytes) else { throw Failure.badLengthCRC(out.count) }
            guard i + 12 + len + 4 <= data.count else { throw Failure.truncated }
            let body = Array(data[i + 12..<i + 12 + len])
            guard le(data[i + 12 + len..<i + 16 + len], UInt32.self) == masked(body) else { throw Failure.badDataCRC(out.count) }
            out.append(body)
            i += 16 + len
        }
        return out
    }

    /// (field, wire type, payload) triples of one message.
    static func fields(_ m: [UInt8]) throws -> [(Int, Int, [UInt8], UInt64)] {
        var out: [(Int, Int, [UInt8], UInt64)] = [], i = 0
        func varint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard i < m.count else { throw Failure.badProto }
                let b = m[i]; i += 1
                v |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
            }
        }
        while i < m.count {
            let key = try varint()
            let field = Int(key >> 3), wire = Int(key & 7)
            switch wire {
            case 0: out.append((field, 0, [], try varint()))
            case 1: guard i + 8 <= m.count else { throw Failure.badProto }; out.append((field, 1, Array(m[i..<i + 8]), 0)); i += 8
            case 2:
                let n = Int(try varint())
                guard i + n <= m.count else { throw Failure.badProto }
                out.append((field, 2, Array(m[i..<i + n]), 0)); i += n
            case 5: guard i + 4 <= m.count else { throw Failure.badProto }; out.append((field, 5, Array(m[i..<i + 4]), 0)); i += 4
            default: throw Failure.badProto
            }
        }
        return out
    }

    static func events(_ url: URL) throws -> [Event] {
        try records([UInt8](Data(contentsOf: url))).map { body in
            var e = Event()
            for (field, _, payload, v) in try fields(body) {
                switch field {
                case 1: e.wallTime = Double(bitPattern: le(payload[...], UInt64.self))
                case 2: e.step = Int64(bitPattern: v)
                case 3: e.fileVersion = String(decoding: payload, as: UTF8.self)
                case 5:
                    for (f, _, value, _) in try fields(payload) where f == 1 {
                        var tag = "", x: Float = .nan
                        for (vf, _, vp, _) in try fields(value) {
                            if vf == 1 { tag = String(decoding: vp, as: UTF8.self) }
                            if vf == 2 { x = Float(bitPattern: le(vp[...], UInt32.self)) }
                        }
                        e.scalars.append((tag, x))
                    }
                default: break
                }
            }
            return e
        }
    }
}

final class TensorBoardTests: XCTestCase {
    func testCRC32CMatchesTheStandardCheckValue() {
        XCTAssertEqual(CRC32C.checksum(Data("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(EventFileReader.crc32c(Array("123456789".utf8)), 0xE306_9283)
    }

    func testFitWritesEventsTensorBoardCanRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-tb-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        Random.seed(0)
        let data = try Datasets.load("iris").standardized()
        let (train, test) = try data.split(0.8, using: &Random.shared)
        let net = try Sequential([Linear(4, 8), Activation("relu"), Linear(8, 3)])
        let writer = try EventWriter(directory: dir)
        let history = try fit(Model(net), train, epochs: 3, batchSize: 32, optimizer: Adam(net.parameters, lr: 0.05), validation: test, log: writer)

        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("tfevents") }
        XCTAssertEqual(files.count, 1)
        let events = try EventFileReader.events(dir.appendingPathComponent(files[0]))
        XCTAssertEqual(events.first?.fileVersion, "brain.Event:2")
        let epochLoss = events.flatMap { e in e.scalars.filter { $0.0 == "epoch/loss" }.map { (e.step, $0.1) } }
        XCTAssertEqual(epochLoss.map(\.0), [1, 2, 3])
        XCTAssertEqual(epochLoss.map(\.1), history.epochs.map { Float($0.loss) })
        let valAcc = events.flatMap { $0.scalars.filter { $0.0 == "epoch/val_accuracy" } }
        XCTAssertEqual(valAcc.count, 3)
        let batchSteps = events.filter { $0.scalars.contains { $0.0 == "batch/loss" } }.map(\.step)
        XCTAssertEqual(batchSteps, Array(1...Int64(batchSteps.count)))
        XCTAssertEqual(batchSteps.count, 3 * 4, "120 rows in batches of 32: 4 steps per epoch")
    }

    func testACorruptedByteIsDetected() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-tb-bad-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try EventWriter(directory: dir)
        w.scalars([("a", 1)], step: 1)
        try w.flush()
        var bytes = [UInt8](try Data(contentsOf: w.file))
        bytes[bytes.count - 6] ^= 0x10
        XCTAssertThrowsError(try EventFileReader.records(bytes))
    }
}
