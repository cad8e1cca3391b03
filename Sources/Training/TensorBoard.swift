import Foundation
import Tensors

/// TensorBoard event files: TFRecord framing (length, masked CRC-32C of the length, data,
/// masked CRC-32C of the data) around `Event` protocol buffers holding scalar summaries.
/// Written by hand: two small messages do not justify a protobuf dependency.
public final class EventWriter {
    public let directory: URL
    public let file: URL
    private var records = Data()

    /// One writer per directory per process, so fit() and log_scalar() share a file.
    nonisolated(unsafe) static var open: [String: EventWriter] = [:]
    /// Steps for explanation metrics, counted per tag.
    var metricSteps: [String: Int] = [:]

    /// Logs explanation-quality scalars under "explain/…", each tag at its next step.
    public func metrics(_ values: [(String, Double)]) throws {
        for (tag, v) in values where v.isFinite {
            let t = "explain/" + tag
            let step = (metricSteps[t] ?? 0) + 1
            metricSteps[t] = step
            scalars([(t, v)], step: step)
        }
        try flush()
    }

    public static func shared(_ directory: URL) throws -> EventWriter {
        let key = directory.standardizedFileURL.path
        if let w = open[key] { return w }
        let w = try EventWriter(directory: directory)
        open[key] = w
        return w
    }

    public init(directory: URL, wallTime: Double = Date().timeIntervalSince1970) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw TensorError(.file, "cannot create the log folder \(directory.path): \(error.localizedDescription)")
        }
        self.directory = directory
        // TensorBoard finds files whose names contain "tfevents".
        var name = "events.out.tfevents.\(Int(wallTime)).xai"
        var n = 1
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            n += 1
            name = "events.out.tfevents.\(Int(wallTime)).xai.\(n)"
        }
        file = directory.appendingPathComponent(name)
        // The first event names the format version.
        var e = Data()
        Proto.double(1, wallTime, into: &e)
        Proto.bytes(3, Data("brain.Event:2".utf8), into: &e)
        append(e)
        try flush()
    }

    func append(_ event: Data) {
        var len = UInt64(event.count).littleEndian
        let lenBytes = withUnsafeBytes(of: &len) { Data($0) }
        records += lenBytes
        records += CRC32C.masked(lenBytes).littleEndianData
        records += event
        records += CRC32C.masked(event).littleEndianData
    }

    /// Adds scalar values at a step (tags like "epoch/loss"); call flush() to write.
    public func scalars(_ values: [(String, Double)], step: Int, wallTime: Double = Date().timeIntervalSince1970) {
        var summary = Data()
        for (tag, v) in values {
            var value = Data()
            Proto.bytes(1, Data(tag.utf8), into: &value)
            Proto.float(2, Float(v), into: &value)
            Proto.bytes(1, value, into: &summary)
        }
        var e = Data()
        Proto.double(1, wallTime, into: &e)
        Proto.varint(2, UInt64(bitPattern: Int64(step)), into: &e)
        Proto.bytes(5, summary, into: &e)
        append(e)
    }

    /// Writes every record so far, atomically (the file is always a whole, readable log).
    public func flush() throws {
        do { try SafeFile.write(records, to: file) } catch {
            throw TensorError(.file, "\(error)")
        }
    }
}

/// The few protocol-buffer encodings an Event needs.
enum Proto {
    static func key(_ field: Int, _ wire: Int, into d: inout Data) { rawVarint(UInt64(field << 3 | wire), into: &d) }
    static func rawVarint(_ v: UInt64, into d: inout Data) {
        var v = v
        while v >= 0x80 { d.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        d.append(UInt8(v))
    }
    static func varint(_ field: Int, _ v: UInt64, into d: inout Data) { key(field, 0, into: &d); rawVarint(v, into: &d) }
    static func double(_ field: Int, _ v: Double, into d: inout Data) { key(field, 1, into: &d); d += v.bitPattern.littleEndianData }
    static func float(_ field: Int, _ v: Float, into d: inout Data) { key(field, 5, into: &d); d += v.bitPattern.littleEndianData }
    static func bytes(_ field: Int, _ v: Data, into d: inout Data) { key(field, 2, into: &d); rawVarint(UInt64(v.count), into: &d); d += v }
}

/// CRC-32C (Castagnoli), as TFRecord uses, with TensorFlow's mask.
public enum CRC32C {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    public static func checksum(_ data: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// ((crc >> 15) | (crc << 17)) + 0xa282ead8, so data containing CRCs stays checkable.
    public static func masked(_ data: Data) -> UInt32 {
        let c = checksum(data)
        return ((c >> 15) | (c << 17)) &+ 0xA282_EAD8
    }
}

extension FixedWidthInteger {
    var littleEndianData: Data { withUnsafeBytes(of: self.littleEndian) { Data($0) } }
}
