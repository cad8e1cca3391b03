import Foundation

/// The few protocol-buffer wire encodings an Event needs: a key (field number and wire type),
/// then a varint (0), a little-endian 64-bit (1) or 32-bit (5) value, or length-prefixed bytes (2).
enum Proto {
    static func key(_ field: Int, _ wire: Int, into d: inout Data) { rawVarint(UInt64(field << 3 | wire), into: &d) }

    static func rawVarint(_ v: UInt64, into d: inout Data) {
        var v = v
        while v >= 0x80 { d.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        d.append(UInt8(v))
    }

    static func varint(_ field: Int, _ v: UInt64, into d: inout Data) {
        key(field, 0, into: &d); rawVarint(v, into: &d)
    }

    static func double(_ field: Int, _ v: Double, into d: inout Data) {
        key(field, 1, into: &d); d += v.bitPattern.littleEndianData
    }

    static func float(_ field: Int, _ v: Float, into d: inout Data) {
        key(field, 5, into: &d); d += v.bitPattern.littleEndianData
    }

    static func bytes(_ field: Int, _ v: Data, into d: inout Data) {
        key(field, 2, into: &d); rawVarint(UInt64(v.count), into: &d); d += v
    }
}

extension FixedWidthInteger {
    var littleEndianData: Data { withUnsafeBytes(of: self.littleEndian) { Data($0) } }
}
