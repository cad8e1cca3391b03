import Foundation

/// Reading and writing the safetensors format (8-byte little-endian header length N, N bytes
/// of JSON header, then the data buffer). Reading validates what the format's reference
/// implementation (huggingface/safetensors, `SafeTensors::deserialize` and `validate`)
/// validates; every violation is its own error naming what was expected and what was found.
public enum SafeTensors {
    /// The reference implementation's cap on the header size (MAX_HEADER_SIZE).
    public static let maxHeaderSize = 100_000_000

    public enum DType: String, CaseIterable {
        case F64, F32, F16, BF16, I64, I32, U8, BOOL
        var size: Int {
            switch self {
            case .F64, .I64: return 8
            case .F32, .I32: return 4
            case .F16, .BF16: return 2
            case .U8, .BOOL: return 1
            }
        }
    }

    static func fail(_ m: String) -> TensorError { TensorError(.file, "safetensors: " + m) }

    public static func read(contentsOf url: URL) throws -> [String: Tensor] {
        Dictionary(try readOrdered(contentsOf: url), uniquingKeysWith: { a, _ in a })
    }

    public static func readOrdered(contentsOf url: URL) throws -> [(name: String, tensor: Tensor)] {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw TensorError(.file, "cannot read \(url.path): \(error.localizedDescription)")
        }
        return try decode(data).tensors
    }

    /// Tensors in header order (by data offset), and the `__metadata__` map.
    public static func decode(_ data: Data) throws
        -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        let bytes = [UInt8](data)
        let (entries, headerEnd) = try header(bytes)
        var (infos, metadata) = try entryInfos(entries)
        infos.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        try validateLayout(infos, buffer: bytes.count - headerEnd)
        var out: [(name: String, tensor: Tensor)] = []
        for info in infos {
            let start = headerEnd + info.begin
            let t = try convert(bytes, start, count: (info.end - info.begin) / info.dtype.size, dtype: info.dtype,
                                shape: info.shape, name: info.name)
            out.append((info.name, t))
        }
        // Header order for users: the order the names appear in the JSON.
        let order = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($0.element.0, $0.offset) })
        out.sort { (order[$0.name] ?? 0) < (order[$1.name] ?? 0) }
        return (out, metadata)
    }

    /// The header's entries, in the order of the JSON, and where the data buffer starts.
    static func header(_ bytes: [UInt8]) throws -> (entries: [(String, JSONParser.Value)], end: Int) {
        // Rule: at least the 8-byte header length (HeaderTooSmall).
        guard bytes.count >= 8 else {
            throw fail("file is \(bytes.count) bytes, too short for the 8-byte header length")
        }
        var n: UInt64 = 0
        for k in 0..<8 { n |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        // Rules: header length within MAX_HEADER_SIZE (HeaderTooLarge) and within the file
        // (InvalidHeaderLength).
        guard n <= UInt64(maxHeaderSize) else {
            throw fail("header length \(n) exceeds the format's limit of \(maxHeaderSize) bytes")
        }
        guard n <= UInt64(bytes.count - 8) else {
            throw fail("header length \(n) runs past the end of the file (\(bytes.count - 8) bytes after the length)")
        }
        let headerEnd = 8 + Int(n)
        let headerBytes = Array(bytes[8..<headerEnd])
        // Rule: UTF-8 (InvalidHeader) and starting with '{' (InvalidHeaderStart).
        guard let headerText = String(validating: headerBytes, as: UTF8.self) else {
            throw fail("header is not valid UTF-8")
        }
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw fail(
                "header must start with '{', found \(headerBytes.first.map { "byte \($0)" } ?? "an empty header")")
        }
        var parser = JSONParser(Array(headerText.utf8))
        let json: JSONParser.Value
        do { json = try parser.parseDocument() } catch let e as JSONParser.Failure {
            throw fail("header is not valid JSON: \(e.message) at byte \(e.offset)")
        }
        guard case .object(let entries) = json else { throw fail("header must be a JSON object") }
        return (entries, headerEnd)
    }

    /// One tensor's entry in the header: its dtype, shape and byte range in the data buffer.
    struct EntryInfo { let name: String; let dtype: DType; let shape: [Int]; let begin: Int; let end: Int }

    /// The tensors' entries and the `__metadata__` map, each entry checked field by field.
    static func entryInfos(_ entries: [(String, JSONParser.Value)]) throws
        -> (infos: [EntryInfo], metadata: [String: String]) {
        var metadata: [String: String] = [:]
        var infos: [EntryInfo] = []
        for (name, value) in entries {
            if name == "__metadata__" {
                guard case .object(let m) = value else { throw fail("__metadata__ must be an object of strings") }
                for (k, v) in m {
                    guard case .string(let s) = v else { throw fail("__metadata__ value of '\(k)' must be a string") }
                    metadata[k] = s
                }
                continue
            }
            guard case .object(let fields) = value else {
                throw fail("entry '\(name)' must be an object with dtype, shape and data_offsets")
            }
            let f = Dictionary(fields, uniquingKeysWith: { a, _ in a })
            guard let dv = f["dtype"] else { throw fail("entry '\(name)' has no dtype") }
            guard case .string(let ds) = dv else { throw fail("dtype of '\(name)' must be a string") }
            guard let dtype = DType(rawValue: ds) else {
                throw fail("entry '\(name)' has dtype \(ds), which xai does not read (expected one of "
                           + "\(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let sv = f["shape"] else { throw fail("entry '\(name)' has no shape") }
            guard case .array(let sa) = sv else { throw fail("shape of '\(name)' must be an array of integers") }
            let shape = try sa.map { v -> Int in
                guard case .number(let text) = v, let i = Int(text), i >= 0 else {
                    throw fail("shape of '\(name)' must hold non-negative integers, found \(v.summary)")
                }
                return i
            }
            guard let ov = f["data_offsets"] else { throw fail("entry '\(name)' has no data_offsets") }
            guard case .array(let oa) = ov, oa.count == 2,
                  case .number(let b0) = oa[0], case .number(let e0) = oa[1],
                  let begin = Int(b0), let end = Int(e0), begin >= 0, end >= 0 else {
                throw fail("data_offsets of '\(name)' must be two non-negative integers [begin, end]")
            }
            guard begin <= end else {
                throw fail("data_offsets of '\(name)' run backwards: begin \(begin) > end \(end)")
            }
            for key in f.keys where !["dtype", "shape", "data_offsets"].contains(key) {
                throw fail("entry '\(name)' has an unknown field '\(key)'")
            }
            infos.append(EntryInfo(name: name, dtype: dtype, shape: shape, begin: begin, end: end))
        }
        return (infos, metadata)
    }

    /// Rules (validate): sorted by offset, the tensors tile the buffer from 0 with no gap or
    /// overlap (InvalidOffset); each byte length equals elements × dtype size, without
    /// overflow (TensorInvalidInfo / ValidationOverflow); the buffer is fully covered
    /// (MetadataIncompleteBuffer).
    static func validateLayout(_ infos: [EntryInfo], buffer: Int) throws {
        var at = 0
        for info in infos {
            guard info.begin == at else {
                throw fail(info.begin > at
                    ? "gap in the data: '\(info.name)' starts at byte \(info.begin), expected \(at)"
                    : "overlapping data: '\(info.name)' starts at byte \(info.begin), before the previous tensor "
                      + "ends at \(at)")
            }
            // The engine's own rule for shapes (an empty [0, 2⁶²] is refused too).
            let count: Int
            do { count = try Shape.count(info.shape) } catch let e as TensorError {
                throw fail("'\(info.name)': \(e.message)")
            }
            let (nbytes, o) = count.multipliedReportingOverflow(by: info.dtype.size)
            guard !o else { throw fail("shape \(info.shape) of '\(info.name)' overflows") }
            guard info.end - info.begin == nbytes else {
                throw fail("'\(info.name)' is \(info.dtype.rawValue) \(info.shape): expected \(nbytes) bytes, "
                           + "data_offsets give \(info.end - info.begin)")
            }
            guard info.end <= buffer else {
                throw fail("'\(info.name)' ends at byte \(info.end), past the end of the \(buffer)-byte data buffer")
            }
            at = info.end
        }
        guard at == buffer else {
            throw fail("the data buffer has \(buffer) bytes but the tensors cover \(at) (trailing or missing bytes)")
        }
    }

    static func convert(_ b: [UInt8], _ start: Int, count n: Int, dtype: DType, shape: [Int],
                        name: String) throws -> Tensor {
        func u16(_ i: Int) -> UInt16 { UInt16(b[start + 2 * i]) | UInt16(b[start + 2 * i + 1]) << 8 }
        func u32(_ i: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[start + 4 * i + $1]) << (8 * UInt32($1)) }
        }
        func u64(_ i: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[start + 8 * i + $1]) << (8 * UInt64($1)) }
        }
        switch dtype {
        case .F32: return Tensor(unchecked: shape, floats: (0..<n).map { Float(bitPattern: u32($0)) })
        case .F64: return Tensor(unchecked: shape, floats: (0..<n).map { Float(Double(bitPattern: u64($0))) })
        case .F16: return Tensor(unchecked: shape, floats: (0..<n).map { halfToFloat(u16($0)) })
        case .BF16: return Tensor(unchecked: shape, floats: (0..<n).map { Float(bitPattern: UInt32(u16($0)) << 16) })
        case .I64: return Tensor(unchecked: shape, ints: (0..<n).map { Int64(bitPattern: u64($0)) })
        case .I32: return Tensor(unchecked: shape, ints: (0..<n).map { Int64(Int32(bitPattern: u32($0))) })
        case .U8: return Tensor(unchecked: shape, ints: (0..<n).map { Int64(b[start + $0]) })
        case .BOOL:
            var v = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                let x = b[start + i]
                guard x <= 1 else {
                    throw fail("BOOL tensor '\(name)' holds byte \(x) at element \(i), expected 0 or 1")
                }
                v[i] = Int64(x)
            }
            return Tensor(unchecked: shape, ints: v, dtype: .bool)
        }
    }

    /// IEEE 754 binary16 → binary32, exactly (subnormals, infinities and NaN included).
    public static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            if mant == 0 { return Float(bitPattern: sign) }
            // Subnormal: mant · 2^-24.
            let v = Float(mant) * 0x1p-24
            return sign != 0 ? -v : v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
    }

    // MARK: writing

    /// Encodes float32 (F32), int64 (I64) and bool (BOOL) tensors; the header's keys are
    /// sorted and it is padded with spaces to a multiple of 8 bytes, as the reference writer does.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil) throws -> Data {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard seen.insert(name).inserted else { throw fail("tensor name '\(name)' appears twice") }
            guard name != "__metadata__" else { throw fail("'__metadata__' cannot be a tensor name") }
        }
        let ordered = tensors.sorted { $0.0 < $1.0 }
        var header = "{"
        var items: [String] = []
        if let metadata, !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            items.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        var body = [UInt8]()
        for (name, t) in ordered {
            let dtype: String
            let start = body.count
            switch t.dtype {
            case .float32:
                dtype = "F32"
                body.reserveCapacity(body.count + t.count * 4)
                for f in t.floats {
                    let b = f.bitPattern
                    for k in 0..<4 { body.append(UInt8(truncatingIfNeeded: b >> (8 * UInt32(k)))) }
                }
            case .int64:
                dtype = "I64"
                for v in t.ints {
                    let b = UInt64(bitPattern: v)
                    for k in 0..<8 { body.append(UInt8(truncatingIfNeeded: b >> (8 * UInt64(k)))) }
                }
            case .bool:
                dtype = "BOOL"
                for v in t.ints { body.append(v != 0 ? 1 : 0) }
            }
            offset = body.count
            let shape = t.shape.map(String.init).joined(separator: ",")
            items.append("\(jsonString(name)):{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],"
                         + "\"data_offsets\":[\(start),\(offset)]}")
        }
        header += items.joined(separator: ",") + "}"
        var hb = Array(header.utf8)
        while hb.count % 8 != 0 { hb.append(UInt8(ascii: " ")) }
        var out = [UInt8]()
        let n = UInt64(hb.count)
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(k)))) }
        out += hb
        out += body
        return Data(out)
    }

    /// Writes atomically: a temporary file in the same folder, then a rename.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil, to url: URL) throws {
        let data = try encode(tensors, metadata: metadata)
        do { try SafeFile.write(data, to: url) } catch let failure as SafeFile.Failure {
            throw TensorError(.file, failure.description)
        } catch {
            throw TensorError(.file, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// A JSON string literal (also used by explanation exports).
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
