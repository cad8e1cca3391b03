import Foundation
import Tensors

/// The fields of a config.json object, each read with its type and range checked: every
/// failure names the file, the field, what was expected and what was found.
struct ConfigReader {
    /// The largest size any one dimension may have (a million): anything larger is not a real model.
    static let maxDimension = 1 << 20

    let json: [String: Any]
    /// The file, for messages.
    let source: String

    func fail(_ message: String) -> TensorError { TensorError(.value, "\(source): \(message)") }

    func has(_ key: String) -> Bool { json[key] != nil && !(json[key] is NSNull) }

    /// A JSON value as a person would read it in a message.
    static func describe(_ v: Any) -> String {
        if let n = v as? NSNumber {
            if isBoolean(n) { return n.boolValue ? "true (a boolean)" : "false (a boolean)" }
            return "\(n)"
        }
        if let s = v as? String { return "\"\(s.prefix(40))\" (a string)" }
        if v is NSNull { return "null" }
        if v is [Any] { return "a list" }
        if v is [String: Any] { return "an object" }
        return "\(type(of: v))"
    }

    /// JSONSerialization gives booleans as NSNumbers of Objective-C type "c".
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    /// An integer between `min` and `max`; `fallback` when the field is absent or null.
    func int(_ key: String, _ fallback: Int? = nil, min: Int = 1, max: Int = ConfigReader.maxDimension) throws -> Int {
        let expected = "an integer between \(min) and \(max)"
        guard has(key), let v = json[key] else {
            if let fallback { return fallback }
            throw fail("has no \(key) (expected \(expected))")
        }
        guard let n = v as? NSNumber, !ConfigReader.isBoolean(n) else {
            throw fail("\(key) must be \(expected), found \(ConfigReader.describe(v))")
        }
        let d = n.doubleValue
        guard d.isFinite, d == d.rounded(), d >= Double(min), d <= Double(max) else {
            throw fail("\(key) must be \(expected), found \(ConfigReader.describe(v))")
        }
        return Int(d)
    }

    /// An optional integer in `range` (absent or null gives nil).
    func optionalInt(_ key: String, min: Int, max: Int) throws -> Int? {
        has(key) ? try int(key, min: min, max: max) : nil
    }

    /// A finite number in `range`; `fallback` when absent or null.
    func float(_ key: String, _ fallback: Float, in range: ClosedRange<Double>) throws -> Float {
        guard has(key), let v = json[key] else { return fallback }
        guard let n = v as? NSNumber, !ConfigReader.isBoolean(n), n.doubleValue.isFinite,
              range.contains(n.doubleValue) else {
            throw fail("\(key) must be a number between \(range.lowerBound) and \(range.upperBound), "
                       + "found \(ConfigReader.describe(v))")
        }
        return Float(n.doubleValue)
    }

    func string(_ key: String, _ fallback: String? = nil) throws -> String {
        guard has(key), let v = json[key] else {
            if let fallback { return fallback }
            throw fail("has no \(key) (expected a string)")
        }
        guard let s = v as? String else { throw fail("\(key) must be a string, found \(ConfigReader.describe(v))") }
        return s
    }

    func bool(_ key: String, _ fallback: Bool) throws -> Bool {
        guard has(key), let v = json[key] else { return fallback }
        guard let n = v as? NSNumber, ConfigReader.isBoolean(n) else {
            throw fail("\(key) must be true or false, found \(ConfigReader.describe(v))")
        }
        return n.boolValue
    }

    /// `architectures`: a list of class names (absent or null: none).
    func stringList(_ key: String) throws -> [String] {
        guard has(key), let v = json[key] else { return [] }
        guard let list = v as? [Any], let names = list as? [String] else {
            throw fail("\(key) must be a list of strings, found \(ConfigReader.describe(v))")
        }
        return names
    }

    /// The class labels in id order: from id2label ({"0": "NEGATIVE", …}, ids 0..<n each once)
    /// and num_labels, which must agree when both are given; "LABEL_i" when only the count is known,
    /// and two labels when neither is.
    func labels() throws -> [String] {
        let count = try optionalInt("num_labels", min: 1, max: ConfigReader.maxDimension)
        guard has("id2label"), let v = json["id2label"] else {
            return (0..<(count ?? 2)).map { "LABEL_\($0)" }
        }
        guard let map = v as? [String: Any] else {
            throw fail("id2label must be an object from ids to labels, found \(ConfigReader.describe(v))")
        }
        guard !map.isEmpty, map.count <= ConfigReader.maxDimension else {
            throw fail("id2label must hold between 1 and \(ConfigReader.maxDimension) labels, found \(map.count)")
        }
        var labels = [String?](repeating: nil, count: map.count)
        for (key, value) in map {
            guard let id = Int(key), id >= 0, id < map.count else {
                throw fail("id2label's ids must be 0..<\(map.count) (one per label), found \"\(key.prefix(40))\"")
            }
            guard let label = value as? String else {
                throw fail("id2label[\"\(key)\"] must be a string, found \(ConfigReader.describe(value))")
            }
            guard labels[id] == nil else { throw fail("id2label gives id \(id) twice") }
            labels[id] = label
        }
        if let count, count != map.count {
            throw fail("num_labels is \(count) but id2label has \(map.count) labels")
        }
        // Every slot is filled: map.count distinct ids, each in 0..<map.count.
        return labels.map { $0 ?? "" }
    }
}
