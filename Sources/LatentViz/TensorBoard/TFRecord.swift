/// TFRecord framing, the container of TensorBoard event files: each record is
///
///     uint64 length, little-endian
///     uint32 masked CRC-32C of those 8 length bytes
///     length bytes of data (here, one serialized `Event`)
///     uint32 masked CRC-32C of the data
///
/// so a reader can tell a record cut short by a crash from a complete one.
enum TFRecord {
    /// `data` framed as one record (16 bytes longer than `data`).
    static func frame(_ data: [UInt8]) -> [UInt8] {
        var record = [UInt8]()
        record.reserveCapacity(data.count + 16)
        let length = littleEndianBytes(UInt64(data.count))
        record += length
        record += littleEndianBytes(CRC32C.masked(length))
        record += data
        record += littleEndianBytes(CRC32C.masked(data))
        return record
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }
}
