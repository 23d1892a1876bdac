import LatentTensor
import CZlib
import Foundation

/// A PNG encoder for 8-bit grayscale (color type 0) and 8-bit RGB (color type 2) images,
/// non-interlaced, compressed with zlib's deflate.
///
/// The file is the 8-byte signature, then `IHDR`, one `IDAT` holding the zlib stream of the filtered
/// rows, and `IEND`; every chunk carries a CRC-32 of its type and data (PNG spec §5).
public enum PNG {
    /// The 8 bytes every PNG file starts with.
    public static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    /// PNG bytes of an RGB image. When `grayWhenPossible` is true and all pixels have R = G = B
    /// (e.g. MNIST grids), the file stores one gray byte per pixel instead of three; decoders give
    /// back the same colors either way.
    public static func encode(_ image: RGBImage, grayWhenPossible: Bool = true,
                              filter: PNGFilterChoice = .adaptive, compressionLevel: Int = 6) -> [UInt8] {
        if grayWhenPossible && image.isGrayscale {
            return encode(GrayImage(luminanceOf: image), filter: filter, compressionLevel: compressionLevel)
        }
        return encodeRaw(image.pixels, width: image.width, height: image.height, channels: 3,
                         filter: filter, compressionLevel: compressionLevel)
    }

    /// PNG bytes of a grayscale image (color type 0, 8 bits).
    public static func encode(_ image: GrayImage, filter: PNGFilterChoice = .adaptive,
                              compressionLevel: Int = 6) -> [UInt8] {
        encodeRaw(image.pixels, width: image.width, height: image.height, channels: 1,
                  filter: filter, compressionLevel: compressionLevel)
    }

    /// Encodes `image` and writes it to `path` atomically (a temporary file in the same folder, then a
    /// rename), so a reader never sees half a picture. Returns the bytes written.
    @discardableResult
    public static func write(_ image: RGBImage, to path: String, grayWhenPossible: Bool = true) throws -> [UInt8] {
        let bytes = encode(image, grayWhenPossible: grayWhenPossible)
        try writeAtomically(bytes, to: path)
        return bytes
    }

    /// Encodes a grayscale `image` and writes it to `path` atomically. Returns the bytes written.
    @discardableResult
    public static func write(_ image: GrayImage, to path: String) throws -> [UInt8] {
        let bytes = encode(image)
        try writeAtomically(bytes, to: path)
        return bytes
    }

    /// Writes `bytes` to `path` through a temporary file and a rename.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw VizError("PNG.write: cannot write \(bytes.count) bytes to \(path): \(error.localizedDescription)")
        }
    }

    /// The whole file for `channels` interleaved 8-bit samples per pixel.
    static func encodeRaw(_ samples: [UInt8], width: Int, height: Int, channels: Int,
                          filter: PNGFilterChoice, compressionLevel: Int) -> [UInt8] {
        require(channels == 1 || channels == 3, "PNG.encode: channels must be 1 or 3, got \(channels)")
        require(samples.count == width * height * channels,
                "PNG.encode: \(width)×\(height)×\(channels) needs \(width * height * channels) bytes, got \(samples.count)")
        require((0...9).contains(compressionLevel), "PNG.encode: compressionLevel must be in 0...9, got \(compressionLevel)")
        var header = [UInt8]()
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, channels == 1 ? 0 : 2, 0, 0, 0]  // bit depth, color type, deflate, adaptive filtering, no interlace
        let filtered = filterRows(samples, width: width, height: height, bytesPerPixel: channels, choice: filter)
        var file = signature
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", deflate(filtered, level: compressionLevel), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// Each row prefixed by its filter-type byte and filtered (the bytes deflate compresses).
    static func filterRows(_ samples: [UInt8], width: Int, height: Int, bytesPerPixel bpp: Int,
                           choice: PNGFilterChoice) -> [UInt8] {
        let stride = width * bpp
        var out = [UInt8](repeating: 0, count: height * (stride + 1))
        var candidate = [UInt8](repeating: 0, count: stride)
        let zeros = [UInt8](repeating: 0, count: stride)
        samples.withUnsafeBufferPointer { src in
            zeros.withUnsafeBufferPointer { zeroRow in
                out.withUnsafeMutableBufferPointer { dst in
                    candidate.withUnsafeMutableBufferPointer { scratch in
                        for y in 0..<height {
                            let row = UnsafeBufferPointer(rebasing: src[(y * stride)..<((y + 1) * stride)])
                            let previous = y == 0 ? zeroRow : UnsafeBufferPointer(rebasing: src[((y - 1) * stride)..<(y * stride)])
                            let target = UnsafeMutableBufferPointer(rebasing: dst[(y * (stride + 1) + 1)..<((y + 1) * (stride + 1))])
                            let chosen: PNGFilter
                            switch choice {
                            case .fixed(let f):
                                chosen = f
                                f.apply(row: row, previous: previous, bytesPerPixel: bpp, into: target)
                            case .adaptive:
                                var best = PNGFilter.none, bestCost = Int.max
                                for f in PNGFilter.allCases {
                                    f.apply(row: row, previous: previous, bytesPerPixel: bpp, into: scratch)
                                    var cost = 0
                                    for v in scratch { cost += abs(Int(Int8(bitPattern: v))) }
                                    if cost < bestCost { (best, bestCost) = (f, cost) }
                                }
                                chosen = best
                                best.apply(row: row, previous: previous, bytesPerPixel: bpp, into: target)
                            }
                            dst[y * (stride + 1)] = chosen.rawValue
                        }
                    }
                }
            }
        }
        return out
    }

    /// A zlib stream (RFC 1950) of `bytes`, via zlib's `compress2`.
    static func deflate(_ bytes: [UInt8], level: Int) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let status = compress2(&out, &capacity, bytes, uLong(bytes.count), Int32(level))
        require(status == Z_OK, "PNG.encode: zlib compress2 failed with code \(status) on \(bytes.count) bytes")
        out.removeSubrange(Int(capacity)...)
        return out
    }

    /// Appends length, type, data and the CRC-32 of type + data.
    static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        appendBigEndian(UInt32(data.count), to: &file)
        let body = typeBytes + data
        file += body
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        appendBigEndian(UInt32(crc), to: &file)
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
