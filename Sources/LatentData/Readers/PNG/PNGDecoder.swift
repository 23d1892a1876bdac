import CZlib
import Foundation

/// A PNG decoder (ISO/IEC 15948, the W3C PNG specification) for reading image folders as datasets.
///
/// It reads the signature, checks every chunk's CRC-32, parses `IHDR`, `PLTE` and `tRNS`, joins the
/// `IDAT` chunks, inflates them with zlib, undoes the five row filters, and expands every sample to
/// 8 bits: bit depths 1, 2, 4 and 8, and 16 (rounded to 8 bits); colour types 0 (gray), 2 (RGB),
/// 3 (palette, expanded to RGB), 4 (gray + alpha) and 6 (RGBA); Adam7-interlaced files too.
/// Ancillary chunks other than `tRNS` are skipped; an unknown critical chunk is refused. Images
/// larger than `maxSide` on a side are refused before anything is inflated.
/// Every error is a one-line `DataError` naming the file and what was wrong.
public enum PNGDecoder {
    /// The largest width or height accepted (8192 × 8192 × 16-bit RGBA is 512 MB of rows, the
    /// most a file may inflate to).
    public static let maxSide = 8192

    /// An image read from a PNG file, every sample scaled to 8 bits.
    public struct Image: Equatable {
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int
        /// Colour samples per pixel: 1 (gray) or 3 (RGB; palettes are expanded).
        public var colorChannels: Int
        /// Whether `samples` hold an alpha sample after the colour ones (colour types 4 and 6, or `tRNS`).
        public var hasAlpha: Bool
        /// The bit depth of the file (1, 2, 4, 8 or 16; 8 for palettes).
        public var sourceBitDepth: Int
        /// Row-major interleaved samples, `height × width × (colorChannels + alpha)`, in 0…255
        /// (a b-bit sample v becomes round(255·v / (2ᵇ − 1))).
        public var samples: [UInt8]

        /// Samples per pixel, alpha included.
        public var channels: Int { colorChannels + (hasAlpha ? 1 : 0) }
    }

    /// The file's header (`IHDR`).
    public struct Header: Equatable {
        public var width: Int, height: Int, bitDepth: Int, colorType: Int, interlaced: Bool

        /// Samples per pixel as stored (palette indices count as one).
        var storedChannels: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType] ?? 1 }
        /// Bytes per complete pixel for the filters (at least 1).
        var filterBytesPerPixel: Int { max(1, storedChannels * bitDepth / 8) }
        /// Bytes of one stored row of `width` pixels, without the filter byte.
        func rowBytes(_ width: Int) -> Int { (width * storedChannels * bitDepth + 7) / 8 }
    }

    /// Decodes the PNG file at `url`.
    public static func read(_ url: URL) throws -> Image {
        try decode(readFileBytes(url), path: url.path)
    }

    /// Decodes PNG bytes; `path` names them in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Image {
        var header: Header?
        var palette: [UInt8] = []
        var transparency: [UInt8]?
        var compressed: [UInt8] = []
        var ended = false
        try forEachChunk(bytes, path: path) { type, data in
            if header == nil && type != "IHDR" { throw DataError(path: path, "the first chunk is \(type), expected IHDR") }
            switch type {
            case "IHDR":
                guard header == nil else { throw DataError(path: path, "has a second IHDR chunk") }
                header = try parseHeader(data, path: path)
            case "PLTE":
                guard data.count % 3 == 0, (3...768).contains(data.count) else {
                    throw DataError(path: path, "PLTE chunk of \(data.count) bytes; expected 3 to 768, a multiple of 3")
                }
                palette = Array(data)
            case "tRNS": transparency = Array(data)
            case "IDAT": compressed.append(contentsOf: data)
            case "IEND": ended = true
            default:
                if let first = type.unicodeScalars.first, first.properties.isUppercase {
                    throw DataError(path: path, "unknown critical chunk \(type); expected IHDR, PLTE, IDAT, IEND or ancillary chunks")
                }
            }
            return !ended
        }
        guard let header else { throw DataError(path: path, "has no IHDR chunk") }
        guard ended else { throw DataError(path: path, "truncated: the file ends after \(bytes.count) bytes, before the IEND chunk") }
        guard !compressed.isEmpty else { throw DataError(path: path, "has no IDAT chunk (no image data)") }
        if header.colorType == 3 && palette.isEmpty { throw DataError(path: path, "colour type 3 (palette) without a PLTE chunk") }
        let raw = try Inflate.decompress(compressed[...], wrapper: .zlib, path: path, what: "the image data (IDAT)",
                                         expectedSize: PNGRows.filteredSize(header), maxSize: Int.max)
        let stored = try PNGRows.unfilter(raw, header: header, path: path)
        return try PNGRows.expand(stored, header: header, palette: palette, transparency: transparency, path: path)
    }

    /// Calls `body(type, data)` for each chunk after the signature, checking lengths and CRCs, until
    /// `body` returns false or the bytes end.
    static func forEachChunk(_ bytes: [UInt8], path: String, _ body: (String, ArraySlice<UInt8>) throws -> Bool) throws {
        let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw DataError(path: path, "not a PNG file: starts with \(hexPrefix(bytes, count: 8)), expected 89 50 4e 47 0d 0a 1a 0a")
        }
        var offset = 8
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else {
                throw DataError(path: path, "truncated: \(bytes.count - offset) bytes at offset \(offset) are too few for a chunk (12 at least)")
            }
            let length = Int(bigEndian32(bytes, offset))
            let typeBytes = bytes[(offset + 4)..<(offset + 8)]
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw DataError(path: path, "chunk at offset \(offset) has the type bytes \(typeBytes.map { String(format: "%02x", $0) }.joined(separator: " ")), expected four ASCII letters")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= bytes.count - offset - 12 else {
                throw DataError(path: path, "truncated: chunk \(type) at offset \(offset) declares \(length) bytes, the file has \(bytes.count - offset - 12) left")
            }
            let stored = bigEndian32(bytes, offset + 8 + length)
            let computed = bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress! + offset + 4, uInt(length + 4))) }
            guard stored == computed else {
                throw DataError(path: path, "chunk \(type) at offset \(offset) has CRC \(String(format: "%08x", stored)), its bytes give \(String(format: "%08x", computed)) (corrupt file)")
            }
            guard try body(type, bytes[(offset + 8)..<(offset + 8 + length)]) else { return }
            offset += 12 + length
        }
    }

    /// Reads and checks only the header of the PNG file at `url` (a cheap survey of an image folder).
    public static func readHeader(_ url: URL) throws -> Header {
        let bytes = try readFileBytes(url)
        var header: Header?
        try forEachChunk(bytes, path: url.path) { type, data in
            guard type == "IHDR" else { throw DataError(path: url.path, "the first chunk is \(type), expected IHDR") }
            header = try parseHeader(data, path: url.path)
            return false
        }
        guard let header else { throw DataError(path: url.path, "has no IHDR chunk") }
        return header
    }

    static func parseHeader(_ data: ArraySlice<UInt8>, path: String) throws -> Header {
        guard data.count == 13 else { throw DataError(path: path, "IHDR chunk of \(data.count) bytes, expected 13") }
        let d = Array(data)
        let width = Int(bigEndian32(d, 0)), height = Int(bigEndian32(d, 4))
        let (depth, color) = (Int(d[8]), Int(d[9]))
        guard width > 0, height > 0 else { throw DataError(path: path, "image size \(width)×\(height); width and height must be positive") }
        guard width <= maxSide, height <= maxSide else {
            throw DataError(path: path, "image size \(width)×\(height) is larger than the \(maxSide)×\(maxSide) accepted")
        }
        let depths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let allowed = depths[color] else {
            throw DataError(path: path, "colour type \(color); expected 0 (gray), 2 (RGB), 3 (palette), 4 (gray + alpha) or 6 (RGBA)")
        }
        guard allowed.contains(depth) else {
            throw DataError(path: path, "bit depth \(depth) with colour type \(color); that colour type allows \(allowed.map(String.init).joined(separator: ", "))")
        }
        guard d[10] == 0 else { throw DataError(path: path, "compression method \(d[10]); expected 0 (deflate)") }
        guard d[11] == 0 else { throw DataError(path: path, "filter method \(d[11]); expected 0 (adaptive)") }
        guard d[12] <= 1 else { throw DataError(path: path, "interlace method \(d[12]); expected 0 (none) or 1 (Adam7)") }
        return Header(width: width, height: height, bitDepth: depth, colorType: color, interlaced: d[12] == 1)
    }

    static func bigEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}
