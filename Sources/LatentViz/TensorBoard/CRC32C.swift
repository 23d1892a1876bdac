/// CRC-32C (Castagnoli): the checksum TFRecord files put around every record.
///
/// Reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF, one table lookup per
/// byte. Check value: `CRC32C.checksum("123456789".utf8) == 0xE3069283`.
enum CRC32C {
    /// The CRC of every byte value, so the loop does one lookup per byte instead of eight shifts.
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes`.
    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The "masked" CRC that TFRecord stores: rotated right by 15 bits plus a constant, so that a
    /// CRC of data that itself contains CRCs does not degenerate.
    static func masked<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
