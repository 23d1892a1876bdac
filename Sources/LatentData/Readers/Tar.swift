import Foundation

/// Reads the members of a tar archive (POSIX ustar, and the GNU and pax variants' long-name
/// records), as `cifar-10-binary.tar.gz` holds its batch files.
///
/// A tar file is a sequence of 512-byte headers, each followed by its member's bytes padded to a
/// multiple of 512, ending with two zero blocks. A header holds the name (100 bytes, plus a
/// 155-byte `prefix` in ustar), the size in octal ASCII at offset 124, a checksum at offset 148
/// (the sum of the header's bytes with the checksum field read as spaces) and a type flag at
/// offset 156 (`0` or NUL: a regular file; `L`: the next member's long name; `x`/`g`: pax
/// attributes, skipped; others: directories and links, skipped).
public enum Tar {
    /// One regular file in an archive: its path and where its bytes lie in the archive.
    public struct Member: Equatable, Sendable {
        /// The member's path (`cifar-10-batches-bin/data_batch_1.bin`).
        public let name: String
        /// The byte range of its contents within the archive.
        public let range: Range<Int>
    }

    /// The regular files of the archive `bytes`, in order. Truncated archives, bad checksums and
    /// sizes that are not octal numbers are `DataError`s naming `path` and the header's offset.
    public static func members(_ bytes: [UInt8], path: String) throws -> [Member] {
        var members: [Member] = []
        var offset = 0
        var longName: String? = nil
        while offset + 512 <= bytes.count {
            let header = bytes[offset..<offset + 512]
            if header.allSatisfy({ $0 == 0 }) { return members }
            let stored = octal(header, from: 148, length: 8)
            let sum = header.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 32 : Int($1.element)) }
            guard let stored, stored == sum else {
                throw DataError(path: path, "tar header at byte \(offset) has checksum \(stored.map(String.init) ?? "unreadable"), computed \(sum): not a tar archive, or a corrupt one")
            }
            guard let size = octal(header, from: 124, length: 12) else {
                throw DataError(path: path, "tar header at byte \(offset) has an unreadable size field; expected octal digits")
            }
            let start = offset + 512
            guard size <= bytes.count - start else {
                throw DataError(path: path, "truncated: tar member at byte \(offset) declares \(size) bytes, but the archive ends \(bytes.count - start) bytes later")
            }
            let type = header[header.startIndex + 156]
            switch type {
            case UInt8(ascii: "0"), 0:
                let prefix = text(header, from: 345, length: 155), name = text(header, from: 0, length: 100)
                let isUstar = text(header, from: 257, length: 5) == "ustar"
                members.append(Member(name: longName ?? (isUstar && !prefix.isEmpty ? prefix + "/" + name : name), range: start..<start + size))
                longName = nil
            case UInt8(ascii: "L"):
                longName = text(bytes[start..<start + size], from: 0, length: size)
            default:
                longName = nil
            }
            offset = start + (size + 511) / 512 * 512
        }
        throw DataError(path: path, "truncated: the tar archive ends at byte \(bytes.count) without its end-of-archive blocks")
    }

    /// The NUL-terminated text at `from` of `block` (relative to its start).
    private static func text(_ block: ArraySlice<UInt8>, from: Int, length: Int) -> String {
        let field = block[(block.startIndex + from)..<(block.startIndex + from + length)]
        return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The octal number at `from` (spaces and NULs around it allowed), nil when not octal.
    private static func octal(_ block: ArraySlice<UInt8>, from: Int, length: Int) -> Int? {
        let digits = text(block, from: from, length: length).trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.count <= 11, digits.allSatisfy({ ("0"..."7").contains($0) }) else { return nil }
        return Int(digits, radix: 8)
    }
}
