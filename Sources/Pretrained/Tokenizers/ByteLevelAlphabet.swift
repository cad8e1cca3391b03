/// GPT-2's printable spelling of bytes: the printable Latin-1 bytes stand for themselves and
/// the others (controls, space, 0x7F–0xA0, 0xAD) for the characters from U+0100 on, in byte
/// order, so that a space is "Ġ" (U+0120) and a newline "Ċ" (U+010A).
enum ByteLevelAlphabet {
    /// The character of each byte.
    static let characters: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = Unicode.Scalar(UInt8(b))
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte of each character below U+0144, or -1.
    static let bytes: [Int16] = {
        var inverse = [Int16](repeating: -1, count: 0x144)
        for (b, c) in characters.enumerated() { inverse[Int(c.value)] = Int16(b) }
        return inverse
    }()

    /// The byte a character stands for, if it is one of the 256.
    @inline(__always)
    static func byte(of c: Unicode.Scalar) -> UInt8? {
        guard c.value < 0x144 else { return nil }
        let b = bytes[Int(c.value)]
        return b >= 0 ? UInt8(b) : nil
    }

    /// A piece's spelling from its bytes.
    static func spell<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var view = String.UnicodeScalarView()
        for b in bytes { view.append(characters[Int(b)]) }
        return String(view)
    }
}
