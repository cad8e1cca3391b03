import Explain
import Foundation
import Lang
import Tensors

/// Explaining at scale: JSON Lines in, one explanation per line out, in the same order, so that
/// any engine that pipes lines through a program (Spark's RDD.pipe, Hadoop Streaming, GNU
/// parallel, array jobs) can fan the work out over machines. A malformed line gets an error
/// record and the stream goes on.
///
/// An input line is a JSON string (a text), or an object with one of "text", "row" (numbers) or
/// "image" (nested lists), and optionally "id" (copied to the output), "target" (a class number),
/// "similar_to" (a text: explain the similarity to it) and "pair" (a second text read with it).
public final class ExplainBatch {
    let interp: Interpreter
    let call: String
    /// Longer lines are refused (a record per line is read whole).
    public static let maxLineBytes = 16 << 20

    /// `model` is a checkpoint folder (load_pretrained) or a .xai script that defines `name`;
    /// `options` are explain()'s named arguments as the language writes them ("steps: 20").
    public init(model: String, name: String, method: String, options: String?) throws {
        interp = Interpreter()
        interp.output = { line, _ in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let url = URL(fileURLWithPath: model)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw RuntimeError("\(model): no such checkpoint folder or script")
        }
        if isFolder.boolValue {
            interp.setGlobal("__path", .string(url.path))
            try interp.run("\(name) = load_pretrained(__path)", file: "<explain-batch>")
        } else {
            interp.baseDirectory = url.deletingLastPathComponent()
            try interp.run(try String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
        }
        guard case .object(let o as ModuleObject)? = interp.global(name) else {
            throw RuntimeError("\(model) defines no model named \(name) (set --name)")
        }
        o.module.eval()
        interp.setGlobal("__method", .string(method))
        let extra = options.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : ", " + $0 }
        call = "__result = explain(\(name), __input, method: __method, target: __target, similar_to: __similar, "
            + "pair: __pair"
            + (extra ?? "") + ")"
    }

    /// Reads lines until the end of input, writing one record per line.
    public func run(input: FileHandle = .standardInput, write: (String) -> Void) {
        var number = 0
        var reader = JSONLinesReader(input)
        while let line = reader.next() {
            number += 1
            write(record(line, number: number))
        }
    }

    /// The output record of one input line.
    public func record(_ line: Data, number: Int) -> String {
        var id = "null"
        do {
            guard line.count <= ExplainBatch.maxLineBytes else {
                throw RuntimeError("the line has \(line.count) bytes; at most \(ExplainBatch.maxLineBytes) are read")
            }
            let json: Any
            do {
                json = try JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed])
            } catch {
                throw RuntimeError("the line is not JSON")
            }
            id = BatchItem.idJSON(json)
            let item = try BatchItem(json)
            interp.setGlobal("__input", item.input)
            interp.setGlobal("__target", item.target.map { .int($0) } ?? .none)
            interp.setGlobal("__similar", item.similarTo.map { .string($0) } ?? .none)
            interp.setGlobal("__pair", item.pair.map { .string($0) } ?? .none)
            try interp.run(call, file: "<line \(number)>")
            guard case .object(let e as ExplanationObject)? = interp.global("__result") else {
                throw RuntimeError("explain gave no explanation")
            }
            return "{\"line\": \(number), \"id\": \(id), \"explanation\": \(Export.json(e.explanation, oneLine: true))}"
        } catch {
            let message = (error as? RuntimeError)?.message ?? "\(error)"
            return "{\"line\": \(number), \"id\": \(id), \"error\": \(SafeTensors.jsonString(message))}"
        }
    }
}

/// One input line, read.
struct BatchItem {
    var input: Value
    var target: Int?
    var similarTo: String?
    var pair: String?

    /// The line's "id" as JSON, to copy into its record ("null" when there is none).
    static func idJSON(_ json: Any) -> String {
        guard let o = json as? [String: Any], let id = o["id"],
              let data = try? JSONSerialization.data(withJSONObject: id, options: [.fragmentsAllowed, .sortedKeys]),
              let s = String(data: data, encoding: .utf8) else { return "null" }
        return s
    }

    init(_ json: Any) throws {
        if let text = json as? String {
            input = .string(text)
            return
        }
        guard let o = json as? [String: Any] else {
            throw RuntimeError("a line must be a JSON string or an object with \"text\", \"row\" or \"image\"")
        }
        if let t = o["target"] {
            guard let n = BatchItem.number(t), let i = Int(exactly: n),
                  abs(i) < 1 << 31 else {
                throw RuntimeError("\"target\" must be a class number, found \(t)")
            }
            target = i
        }
        if let s = o["similar_to"] {
            guard let s = s as? String else { throw RuntimeError("\"similar_to\" must be a text") }
            similarTo = s
        }
        if let p = o["pair"] {
            guard let p = p as? String else { throw RuntimeError("\"pair\" must be a text") }
            pair = p
        }
        if let text = o["text"] as? String {
            input = .string(text)
        } else if let row = o["row"] ?? o["image"] {
            input = try BatchItem.tensor(row)
        } else {
            throw RuntimeError("the object has no \"text\" (a string), \"row\" or \"image\" (numbers)")
        }
    }

    /// A JSON number (not a boolean, which Foundation also gives as an NSNumber).
    static func number(_ x: Any) -> Double? {
        guard let n = x as? NSNumber, String(cString: n.objCType) != "c" else { return nil }
        return n.doubleValue
    }

    /// Nested lists of numbers as a tensor (rectangular, at most 3 levels).
    static func tensor(_ v: Any) throws -> Value {
        var shape: [Int] = []
        var probe: Any = v
        while let a = probe as? [Any] {
            shape.append(a.count)
            guard shape.count <= 3 else { throw RuntimeError("a row or image has at most 3 dimensions") }
            guard let first = a.first else { break }
            probe = first
        }
        var flat: [Float] = []
        func walk(_ x: Any, _ depth: Int) throws {
            if depth == shape.count {
                guard let n = BatchItem.number(x), n.isFinite else {
                    throw RuntimeError("a row or image holds numbers only, found \(x)")
                }
                flat.append(Float(n))
                return
            }
            guard let a = x as? [Any], a.count == shape[depth] else {
                throw RuntimeError("a row or image must be rectangular, of shape \(shape)")
            }
            for e in a { try walk(e, depth + 1) }
        }
        try walk(v, 0)
        guard !shape.isEmpty, !flat.isEmpty else { throw RuntimeError("a row or image needs numbers") }
        return .tensor(try Tensor(shape: shape, floats: flat))
    }
}

/// JSON Lines of a file handle as bytes (without the line break), read in blocks. A line longer
/// than `limit` is skipped to its end and stands as `limit + 1` bytes, so memory stays bounded.
struct JSONLinesReader {
    let handle: FileHandle
    let limit: Int
    var buffer = Data()
    var start = 0
    var done = false
    var skipping = false
    init(_ handle: FileHandle, limit: Int = ExplainBatch.maxLineBytes) {
        self.handle = handle
        self.limit = limit
    }

    mutating func next() -> Data? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                var line = buffer[start..<nl]
                start = nl + 1
                if skipping || line.count > limit {
                    skipping = false
                    return Data(count: limit + 1)
                }
                if line.last == 0x0D { line = line.dropLast() }
                return Data(line)
            }
            if buffer.count - start > limit {
                skipping = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            if done {
                guard start < buffer.count || skipping else { return nil }
                defer { buffer = Data(); start = 0 }
                if skipping || buffer.count - start > limit { skipping = false; return Data(count: limit + 1) }
                return Data(buffer[start...])
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { done = true } else { buffer.append(chunk) }
        }
    }
}
