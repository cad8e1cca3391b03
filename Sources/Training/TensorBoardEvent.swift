import Foundation

/// The `Event` protocol buffers TensorBoard reads, as EventWriter writes them. The fields, as
/// tensorflow/core/util/event.proto and framework/summary.proto number them:
///   Event { double wall_time = 1; int64 step = 2; oneof { string file_version = 3; Summary summary = 5 } }
///   Summary { repeated Value value = 1 }, Value { string tag = 1; oneof { float simple_value = 2 } }
/// Encoded by hand: two small messages do not justify a protobuf dependency (swift-protobuf's
/// runtime adds about 30 s of CPU to every clean build). Every field is written, defaults
/// included, as an encoder with explicit presence (proto2) writes them; the tests hold these
/// bytes to such a reference encoder's on edge cases.
enum TensorBoardEvent {
    /// The first event of a file: its format version.
    static func fileVersion(wallTime: Double) -> Data {
        var e = Data()
        Proto.double(1, wallTime, into: &e)
        Proto.bytes(3, Data("brain.Event:2".utf8), into: &e)
        return e
    }

    /// Scalar summaries at a step; each value is written as a 32-bit float (simple_value).
    static func scalars(_ values: [(String, Double)], step: Int, wallTime: Double) -> Data {
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
        return e
    }
}
