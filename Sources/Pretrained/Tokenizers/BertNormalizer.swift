import Foundation

/// BERT's normalizer: drops control characters, turns whitespace into spaces, puts spaces
/// around CJK ideographs, strips accents and lower-cases, one character at a time (so each
/// output character knows the input character it came from).
struct BertNormalizer: Equatable {
    var cleanText = true
    var handleChineseChars = true
    /// nil: strip accents exactly when lower-casing (BERT's rule).
    var stripAccents: Bool?
    var lowercase = true

    var stripsAccents: Bool { stripAccents ?? lowercase }

    /// Appends the normalized form of `text[range]` to `out`, and to `origins` the index in
    /// `text` of the character each output character came from.
    func normalize(_ text: [Unicode.Scalar], _ range: Range<Int>, into out: inout [Unicode.Scalar],
                   origins: inout [Int], decompositions: CanonicalDecompositions) {
        for i in range {
            var c = text[i]
            if cleanText {
                if c.value == 0 || c.value == 0xFFFD || BertCharacters.isControl(c) { continue }
                if BertCharacters.isWhitespace(c) { c = " " }
            }
            if handleChineseChars && BertCharacters.isChinese(c) {
                out.append(" ")
                origins.append(i)
                emit(c, i, &out, &origins, decompositions)
                out.append(" ")
                origins.append(i)
            } else {
                emit(c, i, &out, &origins, decompositions)
            }
        }
    }

    /// A whole string normalized (for added tokens that match normalized text).
    func normalize(_ text: String, decompositions: CanonicalDecompositions) -> String {
        let scalars = Array(text.unicodeScalars)
        var out: [Unicode.Scalar] = [], origins: [Int] = []
        normalize(scalars, 0..<scalars.count, into: &out, origins: &origins, decompositions: decompositions)
        var s = String.UnicodeScalarView()
        s.append(contentsOf: out)
        return String(s)
    }

    @inline(__always)
    private func emit(_ c: Unicode.Scalar, _ origin: Int, _ out: inout [Unicode.Scalar], _ origins: inout [Int],
                      _ decompositions: CanonicalDecompositions) {
        if c.value < 0x80 {
            let lower = lowercase && c.value >= 0x41 && c.value <= 0x5A
            out.append(lower ? Unicode.Scalar(UInt8(c.value + 0x20)) : c)
            origins.append(origin)
        } else if stripsAccents {
            for d in decompositions.of(c) where !BertCharacters.isNonspacingMark(d) {
                lowered(d, origin, &out, &origins)
            }
        } else {
            lowered(c, origin, &out, &origins)
        }
    }

    @inline(__always)
    private func lowered(_ c: Unicode.Scalar, _ origin: Int, _ out: inout [Unicode.Scalar], _ origins: inout [Int]) {
        if lowercase && c.properties.changesWhenLowercased {
            for l in c.properties.lowercaseMapping.unicodeScalars {
                out.append(l)
                origins.append(origin)
            }
        } else {
            out.append(c)
            origins.append(origin)
        }
    }
}

/// The canonical decompositions (NFD) of single characters, remembered as they are met:
/// computing one needs a string.
final class CanonicalDecompositions: @unchecked Sendable {
    private var cache: [UInt32: [Unicode.Scalar]] = [:]
    private let lock = NSLock()
    /// Enough for every accented letter and Hangul syllable; rarer ones are not remembered.
    private let capacity = 1 << 16

    func of(_ c: Unicode.Scalar) -> [Unicode.Scalar] {
        lock.lock()
        defer { lock.unlock() }
        if let d = cache[c.value] { return d }
        let d = Array(String(Character(c)).decomposedStringWithCanonicalMapping.unicodeScalars)
        if cache.count < capacity { cache[c.value] = d }
        return d
    }
}
