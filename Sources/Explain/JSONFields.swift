import Foundation
import Tensors

/// A JSON object built field by field, keys in the order they are added, numbers with 9
/// significant digits (non-finite numbers as null): the stable JSON every result exports.
public struct JSONFields {
    var fields: [String] = []
    public init() {}

    public mutating func add(_ key: String, _ v: Double) { raw(key, Export.jsonNumber(v)) }
    public mutating func add(_ key: String, _ v: Double?) { raw(key, v.map(Export.jsonNumber) ?? "null") }
    public mutating func add(_ key: String, _ v: Int) { raw(key, String(v)) }
    public mutating func add(_ key: String, _ v: Int?) { raw(key, v.map(String.init) ?? "null") }
    public mutating func add(_ key: String, _ v: Bool) { raw(key, v ? "true" : "false") }
    public mutating func add(_ key: String, _ v: String) { raw(key, Export.jsonString(v)) }
    public mutating func add(_ key: String, _ v: [Double]) {
        raw(key, "[" + v.map(Export.jsonNumber).joined(separator: ", ") + "]")
    }
    public mutating func add(_ key: String, _ v: [Int]) {
        raw(key, "[" + v.map(String.init).joined(separator: ", ") + "]")
    }
    public mutating func add(_ key: String, _ v: [String]) {
        raw(key, "[" + v.map(Export.jsonString).joined(separator: ", ") + "]")
    }
    /// A nested object.
    public mutating func add(_ key: String, _ v: JSONFields) { raw(key, v.text(oneLine: true)) }
    /// A list of nested objects.
    public mutating func add(_ key: String, _ v: [JSONFields]) {
        raw(key, "[" + v.map { $0.text(oneLine: true) }.joined(separator: ", ") + "]")
    }
    /// A value already written as JSON.
    public mutating func raw(_ key: String, _ json: String) { fields.append(Export.jsonString(key) + ": " + json) }

    /// The object: one field per line, or on one line (nested values, JSON Lines).
    public func text(oneLine: Bool = false) -> String {
        oneLine ? "{" + fields.joined(separator: ", ") + "}" : "{\n  " + fields.joined(separator: ",\n  ") + "\n}\n"
    }
}
