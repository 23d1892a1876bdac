/// Zip archives for tests, written from the PKWARE APPNOTE independently of the reader: local
/// headers, data, central directory, end record; optionally zip64 sizes and offsets (extra field 1
/// plus the zip64 end record and locator), as NumPy's `savez` writes for large arrays.
public enum ZipFixture {
    /// One entry: its name, its uncompressed bytes, and the stored bytes when they differ
    /// (deflated with method 8; nil = stored, method 0).
    public struct Entry {
        public var name: String
        public var data: [UInt8]
        public var deflated: [UInt8]?
        public init(name: String, data: [UInt8], deflated: [UInt8]? = nil) { (self.name, self.data, self.deflated) = (name, data, deflated) }
    }

    /// CRC-32 (IEEE 802.3, reflected, as zip and PNG use it), bit by bit.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func le(_ v: UInt64, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8((v >> (8 * UInt64($0))) & 0xFF) } }

    /// The archive of `entries`; `zip64` writes every size and offset as 0xFFFFFFFF plus zip64 records.
    public static func archive(_ entries: [Entry], zip64: Bool = false) -> [UInt8] {
        var file: [UInt8] = [], directory: [UInt8] = []
        for entry in entries {
            let stored = entry.deflated ?? entry.data
            let method: UInt64 = entry.deflated == nil ? 0 : 8
            let name = Array(entry.name.utf8), crc = UInt64(crc32(entry.data))
            let offset = UInt64(file.count)
            let extra = zip64 ? le(1, 2) + le(24, 2) + le(UInt64(entry.data.count), 8) + le(UInt64(stored.count), 8) + le(offset, 8) : []
            let small = { (v: Int) -> [UInt8] in zip64 ? le(0xFFFF_FFFF, 4) : le(UInt64(v), 4) }
            let localExtra = zip64 ? le(1, 2) + le(16, 2) + le(UInt64(entry.data.count), 8) + le(UInt64(stored.count), 8) : []
            file += le(0x0403_4b50, 4) + le(45, 2) + le(0, 2) + le(method, 2) + le(0, 4) + le(crc, 4)
                + small(stored.count) + small(entry.data.count) + le(UInt64(name.count), 2) + le(UInt64(localExtra.count), 2) + name + localExtra + stored
            directory += le(0x0201_4b50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(method, 2) + le(0, 4) + le(crc, 4)
                + small(stored.count) + small(entry.data.count) + le(UInt64(name.count), 2) + le(UInt64(extra.count), 2)
                + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + (zip64 ? le(0xFFFF_FFFF, 4) : le(offset, 4)) + name + extra
        }
        let directoryOffset = UInt64(file.count)
        file += directory
        if zip64 {
            let record = UInt64(file.count)
            file += le(0x0606_4b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
                + le(UInt64(entries.count), 8) + le(UInt64(entries.count), 8) + le(UInt64(directory.count), 8) + le(directoryOffset, 8)
            file += le(0x0706_4b50, 4) + le(0, 4) + le(record, 8) + le(1, 4)
            return file + le(0x0605_4b50, 4) + le(0, 4) + le(0xFFFF, 2) + le(0xFFFF, 2) + le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(0, 2)
        }
        return file + le(0x0605_4b50, 4) + le(0, 4) + le(UInt64(entries.count), 2) + le(UInt64(entries.count), 2)
            + le(UInt64(directory.count), 4) + le(directoryOffset, 4) + le(0, 2)
    }
}
