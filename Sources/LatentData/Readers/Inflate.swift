import CZlib

/// Deflate decompression (RFC 1951) through the system zlib, for the containers that wrap it
/// without gzip's header: PNG's `IDAT` stream (a zlib stream, RFC 1950) and zip entries (raw
/// deflate). Output is streamed in pieces, so a reader can keep only what it needs of an entry that
/// inflates to gigabytes (dSprites' 3 GB `imgs` array).
public enum Inflate {
    /// The wrapper around the deflate data.
    public enum Wrapper: Sendable {
        /// A zlib stream: 2-byte header, deflate data, Adler-32 checksum (PNG).
        case zlib
        /// Bare deflate data (zip entries with method 8).
        case raw

        var windowBits: Int32 { self == .zlib ? 15 : -15 }
    }

    /// Inflates `input`, handing each piece of output (at most `pieceSize` bytes) to `consume` in
    /// order. Throws a `DataError` naming `path` and `what` when the data are corrupt, end early, or
    /// produce more than `maxSize` bytes (refused as soon as the excess appears). Returns the
    /// number of bytes produced.
    @discardableResult
    public static func stream(_ input: ArraySlice<UInt8>, wrapper: Wrapper, path: String, what: String,
                              maxSize: Int, pieceSize: Int = 1 << 20,
                              consume: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Int {
        var stream = z_stream()
        guard inflateInit2_(&stream, wrapper.windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(path: path, "zlib could not start inflating \(what) (inflateInit2 failed)")
        }
        defer { inflateEnd(&stream) }
        var piece = [UInt8](repeating: 0, count: max(1, pieceSize))
        var produced = 0
        try input.withUnsafeBufferPointer { source in
            // zlib takes at most 4 GB of input per call; feed larger inputs in slices.
            var offset = 0
            func refill() {
                let take = min(source.count - offset, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress.map { $0 + offset })
                stream.avail_in = UInt32(take)
                offset += take
            }
            refill()
            while true {
                let (status, count): (Int32, Int) = piece.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, out.count - Int(stream.avail_out))
                }
                produced += count
                if produced > maxSize {
                    throw DataError(path: path, "\(what) inflates to more than \(maxSize) bytes, the most expected")
                }
                if count > 0 { try piece.withUnsafeBufferPointer { try consume(UnsafeBufferPointer(rebasing: $0[0..<count])) } }
                switch status {
                case Z_STREAM_END:
                    return
                case Z_OK:
                    if stream.avail_in == 0 && offset < source.count { refill() }
                case Z_BUF_ERROR where stream.avail_in == 0 && offset < source.count:
                    refill()
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DataError(path: path, "\(what) is truncated: its compressed data end after \(input.count) bytes, before the end of the stream")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DataError(path: path, "\(what) is corrupt after \(Int(stream.total_in)) compressed bytes: \(reason)")
                }
            }
        }
        return produced
    }

    /// The whole output of `input` as one array; it must be exactly `expectedSize` bytes when that is
    /// given, and at most `maxSize` bytes in any case.
    public static func decompress(_ input: ArraySlice<UInt8>, wrapper: Wrapper, path: String, what: String,
                                  expectedSize: Int? = nil, maxSize: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(expectedSize ?? input.count * 4, maxSize))
        try stream(input, wrapper: wrapper, path: path, what: what, maxSize: expectedSize.map { min($0, maxSize) } ?? maxSize) {
            output.append(contentsOf: $0)
        }
        if let expectedSize, output.count != expectedSize {
            throw DataError(path: path, "\(what) inflates to \(output.count) bytes, expected \(expectedSize)")
        }
        return output
    }
}
