import Foundation
import Tensors

/// TensorBoard event files: TFRecord framing (length, masked CRC-32C of the length, data,
/// masked CRC-32C of the data) around `Event` protocol buffers holding scalar summaries
/// (TensorBoardEvent.swift encodes them).
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
        append(TensorBoardEvent.fileVersion(wallTime: wallTime))
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
        append(TensorBoardEvent.scalars(values, step: step, wallTime: wallTime))
    }

    /// Writes every record so far, atomically (the file is always a whole, readable log).
    public func flush() throws {
        do { try SafeFile.write(records, to: file) } catch {
            throw TensorError(.file, "\(error)")
        }
    }
}
