import CZlib
import Foundation

/// A reader of zip archives (PKWARE APPNOTE), enough for NumPy's `.npz` files: the central
/// directory (found through the end-of-central-directory record, zip64 records included), entries
/// stored (method 0) or deflated (method 8, inflated by zlib), each entry's CRC-32 checked.
/// Encrypted entries, other methods and multi-disk archives are refused with a `DataError` naming
/// the file and the entry.
public struct ZipArchive {
    /// One file in the archive, as the central directory describes it.
    public struct Entry: Equatable {
        /// The stored name (`imgs.npy`).
        public var name: String
        /// 0 (stored) or 8 (deflate).
        public var method: Int
        /// Bytes in the archive.
        public var compressedSize: Int
        /// Bytes once inflated.
        public var uncompressedSize: Int
        /// CRC-32 of the inflated bytes.
        public var crc32: UInt32
        /// Offset of the entry's local header.
        var localHeaderOffset: Int
        /// Whether bit 0 of the general-purpose flags (encryption) is set.
        var encrypted: Bool
    }

    /// The archive's path, for messages.
    public let path: String
    /// The entries in central-directory order.
    public let entries: [Entry]
    private let bytes: [UInt8]

    /// Reads the archive at `url` (all of it into memory; entries are inflated on demand).
    public init(contentsOf url: URL) throws {
        try self.init(bytes: readFileBytes(url), path: url.path)
    }

    /// An archive from bytes in memory; `path` names it in errors.
    public init(bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        self.entries = try ZipArchive.centralDirectory(bytes, path: path)
    }

    /// The entry called `name`, or nil.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The inflated bytes of `entry` (at most `maxSize` of them), CRC checked.
    public func contents(of entry: Entry, maxSize: Int = 1 << 34) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(entry.uncompressedSize, maxSize))
        try stream(entry, maxSize: maxSize) { out.append(contentsOf: $0) }
        return out
    }

    /// Hands the inflated bytes of `entry` to `consume` piece by piece, then checks the size and
    /// CRC-32 the directory promised (so the consumer must not trust the data before this returns).
    public func stream(_ entry: Entry, maxSize: Int = 1 << 34, consume: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let what = "entry \(entry.name)"
        guard !entry.encrypted else { throw DataError(path: path, "\(what) is encrypted; only unencrypted archives are read") }
        guard entry.uncompressedSize <= maxSize else {
            throw DataError(path: path, "\(what) is \(entry.uncompressedSize) bytes, more than the \(maxSize) accepted")
        }
        let start = try dataStart(entry)
        let data = bytes[start..<(start + entry.compressedSize)]
        var crc: uLong = 0
        var produced = 0
        func take(_ piece: UnsafeBufferPointer<UInt8>) throws {
            crc = CZlib.crc32(crc, piece.baseAddress, uInt(piece.count))
            produced += piece.count
            try consume(piece)
        }
        switch entry.method {
        case 0:
            try data.withUnsafeBufferPointer { try take($0) }
        case 8:
            try Inflate.stream(data, wrapper: .raw, path: path, what: what, maxSize: entry.uncompressedSize, consume: take)
        default:
            throw DataError(path: path, "\(what) uses compression method \(entry.method); only 0 (stored) and 8 (deflate) are read")
        }
        guard produced == entry.uncompressedSize else {
            throw DataError(path: path, "\(what) holds \(produced) bytes, the directory says \(entry.uncompressedSize) (truncated or corrupt archive)")
        }
        guard UInt32(crc) == entry.crc32 else {
            throw DataError(path: path, "\(what) has CRC \(String(format: "%08x", UInt32(crc))), the directory says \(String(format: "%08x", entry.crc32)) (corrupt archive)")
        }
    }

    /// Where `entry`'s data begin, after its local header.
    private func dataStart(_ entry: Entry) throws -> Int {
        let at = entry.localHeaderOffset
        guard at >= 0, at <= bytes.count - 30, le32(bytes, at) == 0x0403_4b50 else {
            throw DataError(path: path, "entry \(entry.name): no local header at offset \(at) (corrupt archive)")
        }
        let start = at + 30 + Int(le16(bytes, at + 26)) + Int(le16(bytes, at + 28))
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw DataError(path: path, "entry \(entry.name): its \(entry.compressedSize) bytes at offset \(start) run past the end of the \(bytes.count)-byte file (truncated archive)")
        }
        return start
    }

    /// Parses the end records and the central directory.
    private static func centralDirectory(_ b: [UInt8], path: String) throws -> [Entry] {
        guard b.count >= 22 else { throw DataError(path: path, "not a zip archive: \(b.count) bytes, fewer than an empty archive's 22") }
        // The end record is the last 22 bytes plus a comment of up to 65535 bytes.
        var end = -1
        for at in stride(from: b.count - 22, through: max(0, b.count - 22 - 65_535), by: -1) where le32(b, at) == 0x0605_4b50 {
            end = at
            break
        }
        guard end >= 0 else {
            throw DataError(path: path, "not a zip archive (.npz): no end-of-central-directory record; it starts with \(hexPrefix(b))")
        }
        guard le16(b, end + 4) == 0 || le16(b, end + 4) == 0xFFFF else { throw DataError(path: path, "multi-disk zip archives are not read") }
        var count = Int(le16(b, end + 10)), size = Int(le32(b, end + 12)), offset = Int(le32(b, end + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // zip64: a locator just before the end record points at the zip64 end record.
            guard end >= 20, le32(b, end - 20) == 0x0706_4b50 else {
                throw DataError(path: path, "the end record asks for zip64 but there is no zip64 locator before it (corrupt archive)")
            }
            let record = Int(clamping: le64(b, end - 12))
            guard record >= 0, record <= b.count - 56, le32(b, record) == 0x0606_4b50 else {
                throw DataError(path: path, "no zip64 end record at offset \(record) (corrupt archive)")
            }
            count = Int(clamping: le64(b, record + 32))
            size = Int(clamping: le64(b, record + 40))
            offset = Int(clamping: le64(b, record + 48))
        }
        guard offset >= 0, size >= 0, offset <= b.count, size <= b.count - offset else {
            throw DataError(path: path, "the central directory (\(size) bytes at offset \(offset)) lies outside the \(b.count)-byte file (truncated archive)")
        }
        var entries: [Entry] = []
        var at = offset
        for index in 0..<count {
            guard at <= offset + size - 46, le32(b, at) == 0x0201_4b50 else {
                throw DataError(path: path, "central directory entry \(index) of \(count) is missing at offset \(at) (corrupt archive)")
            }
            let (nameLength, extraLength, commentLength) = (Int(le16(b, at + 28)), Int(le16(b, at + 30)), Int(le16(b, at + 32)))
            guard at + 46 + nameLength + extraLength + commentLength <= offset + size else {
                throw DataError(path: path, "central directory entry \(index) runs past the directory's end (corrupt archive)")
            }
            let name = String(decoding: b[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            var entry = Entry(name: name, method: Int(le16(b, at + 10)), compressedSize: Int(le32(b, at + 20)),
                              uncompressedSize: Int(le32(b, at + 24)), crc32: le32(b, at + 16),
                              localHeaderOffset: Int(le32(b, at + 42)), encrypted: le16(b, at + 8) & 1 != 0)
            try readZip64Extra(b, from: at + 46 + nameLength, length: extraLength, into: &entry, path: path)
            entries.append(entry)
            at += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// Replaces the 0xFFFFFFFF sizes and offset of `entry` by the 64-bit values of its zip64 extra
    /// field (id 1), which lists only the fields that overflowed, in the order
    /// uncompressed size, compressed size, local header offset.
    private static func readZip64Extra(_ b: [UInt8], from start: Int, length: Int, into entry: inout Entry, path: String) throws {
        var at = start
        while at + 4 <= start + length {
            let (id, size) = (le16(b, at), Int(le16(b, at + 2)))
            guard at + 4 + size <= start + length else { break }
            if id == 1 {
                var field = at + 4
                func next() throws -> Int {
                    guard field + 8 <= at + 4 + size else {
                        throw DataError(path: path, "entry \(entry.name): its zip64 extra field is too short (corrupt archive)")
                    }
                    defer { field += 8 }
                    return Int(clamping: le64(b, field))
                }
                if entry.uncompressedSize == 0xFFFF_FFFF { entry.uncompressedSize = try next() }
                if entry.compressedSize == 0xFFFF_FFFF { entry.compressedSize = try next() }
                if entry.localHeaderOffset == 0xFFFF_FFFF { entry.localHeaderOffset = try next() }
            }
            at += 4 + size
        }
    }
}

func le16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
func le32(_ b: [UInt8], _ at: Int) -> UInt32 { UInt32(le16(b, at)) | UInt32(le16(b, at + 2)) << 16 }
func le64(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(le32(b, at)) | UInt64(le32(b, at + 4)) << 32 }
