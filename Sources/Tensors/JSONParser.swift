/// A small strict JSON parser for safetensors headers: unlike JSONSerialization it keeps key
/// order, reports duplicate keys (the reference implementation rejects them) and positions.
struct JSONParser {
    indirect enum Value {
        case object([(String, Value)]), array([Value]), string(String), number(String), bool(Bool), null
        var summary: String {
            switch self {
            case .object: return "an object"
            case .array: return "an array"
            case .string(let s): return "string \"\(s)\""
            case .number(let n): return n
            case .bool(let b): return String(b)
            case .null: return "null"
            }
        }
    }
    struct Failure: Error { let message: String; let offset: Int }

    let b: [UInt8]
    var i = 0
    var depth = 0
    init(_ bytes: [UInt8]) { b = bytes }

    func fail(_ m: String) -> Failure { Failure(message: m, offset: i) }

    mutating func skipSpace() { while i < b.count, [0x20, 0x09, 0x0A, 0x0D].contains(b[i]) { i += 1 } }

    mutating func parseDocument() throws -> Value {
        let v = try parseValue()
        skipSpace()
        guard i == b.count else { throw fail("unexpected characters after the JSON value") }
        return v
    }

    mutating func parseValue() throws -> Value {
        skipSpace()
        guard i < b.count else { throw fail("unexpected end of header") }
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw fail("nested too deep") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var items: [(String, Value)] = []
            var keys = Set<String>()
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(items) }
            while true {
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let k = try parseString()
                guard keys.insert(k).inserted else { throw fail("duplicate key \"\(k)\"") }
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                i += 1
                items.append((k, try parseValue()))
                skipSpace()
                guard i < b.count else { throw fail("unexpected end of header inside an object") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(items) }
                throw fail("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try parseValue())
                skipSpace()
                guard i < b.count else { throw fail("unexpected end of header inside an array") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw fail("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    mutating func literal(_ s: String) throws {
        let u = Array(s.utf8)
        guard i + u.count <= b.count, Array(b[i..<(i + u.count)]) == u else { throw fail("invalid literal") }
        i += u.count
    }

    /// A number as RFC 8259 writes it: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
    /// (no leading +, no leading zeros, no bare dot).
    mutating func parseNumber() throws -> String {
        let start = i
        func digit(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
        func digits() -> Bool {
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
            return true
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "0") { i += 1 } else if !digits() { throw fail("expected a value") }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() else { throw fail("a number needs digits after its '.'") }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() else { throw fail("a number needs digits in its exponent") }
        }
        if digit(i) { throw fail("a number has a leading zero") }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    /// Exactly four hexadecimal digits at `k` (UInt32(_:radix:) would also take a sign).
    func hex4(at k: Int) -> UInt32? {
        guard k + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for c in b[k..<(k + 4)] {
            switch c {
            case 0x30...0x39: v = v << 4 | UInt32(c - 0x30)
            case 0x41...0x46: v = v << 4 | UInt32(c - 0x41 + 10)
            case 0x61...0x66: v = v << 4 | UInt32(c - 0x61 + 10)
            default: return nil
            }
        }
        return v
    }

    mutating func parseString() throws -> String {
        i += 1
        var out = [UInt8]()
        while true {
            guard i < b.count else { throw fail("unterminated string") }
            let c = b[i]
            i += 1
            if c == UInt8(ascii: "\"") { break }
            guard c >= 0x20 else { throw fail("control character in a string") }
            guard c == UInt8(ascii: "\\") else { out.append(c); continue }
            guard i < b.count else { throw fail("unterminated escape") }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard let v = hex4(at: i) else { throw fail("invalid \\u escape (four hexadecimal digits expected)") }
                i += 4
                var scalarValue = v
                if (0xD800...0xDBFF).contains(v) {
                    guard i + 6 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u"),
                          let lo = hex4(at: i + 2), (0xDC00...0xDFFF).contains(lo) else {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    i += 6
                    scalarValue = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                }
                guard let sc = Unicode.Scalar(scalarValue) else { throw fail("invalid code point in \\u escape") }
                out += Array(String(sc).utf8)
            default: throw fail("invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
