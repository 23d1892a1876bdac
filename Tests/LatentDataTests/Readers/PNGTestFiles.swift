import CZlib
import Foundation

/// Hand-built PNG files for the decoder's tests, written from the specification independently of
/// the decoder: rows of packed samples, filtered with a chosen filter, deflated by zlib's
/// `compress`, wrapped in chunks with their CRC-32.
enum PNGTestFiles {
    /// A chunk: length, type, data, CRC-32 of type + data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = UInt32(body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc)
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }

    /// zlib's `compress` of `bytes`.
    static func zlib(_ bytes: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        _ = compress(&out, &size, bytes, uLong(bytes.count))
        return Array(out.prefix(Int(size)))
    }

    /// The bytes of `row` filtered with `filter` given the unfiltered `previous` row (PNG spec §9).
    static func filtered(_ row: [UInt8], previous: [UInt8], filter: UInt8, bpp: Int) -> [UInt8] {
        (0..<row.count).map { i in
            let a = i >= bpp ? Int(row[i - bpp]) : 0, b = Int(previous[i]), c = i >= bpp ? Int(previous[i - bpp]) : 0
            let p = a + b - c
            let paeth = abs(p - a) <= abs(p - b) && abs(p - a) <= abs(p - c) ? a : (abs(p - b) <= abs(p - c) ? b : c)
            let predictor = [0, a, b, (a + b) / 2, paeth][Int(filter)]
            return row[i] &- UInt8(predictor & 255)
        }
    }

    /// Packs one row of samples at `depth` bits (MSB first; 16 bits big-endian).
    static func pack(_ samples: [Int], depth: Int) -> [UInt8] {
        switch depth {
        case 8: return samples.map { UInt8($0) }
        case 16: return samples.flatMap { [UInt8($0 >> 8), UInt8($0 & 255)] }
        default:
            var out = [UInt8](repeating: 0, count: (samples.count * depth + 7) / 8)
            for (i, s) in samples.enumerated() { out[i * depth / 8] |= UInt8(s << (8 - depth - (i * depth) % 8)) }
            return out
        }
    }

    /// A PNG of `height` rows of `samples` (row-major, `channels` per pixel, values < 2^depth).
    /// Row r uses `filters[r % filters.count]`; `interlace` writes Adam7 passes.
    static func png(width: Int, height: Int, depth: Int, colorType: UInt8, samples: [Int], filters: [UInt8] = [0],
                    interlace: Bool = false, extra: [(String, [UInt8])] = []) -> [UInt8] {
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(colorType)]!
        let bpp = max(1, channels * depth / 8)
        let passes: [(Int, Int, Int, Int)] = interlace
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        var raw: [UInt8] = []
        var rowIndex = 0
        for (x0, y0, dx, dy) in passes {
            let columns = Array(stride(from: x0, to: width, by: dx)), rows = Array(stride(from: y0, to: height, by: dy))
            guard !columns.isEmpty else { continue }
            var previous = [UInt8](repeating: 0, count: (columns.count * channels * depth + 7) / 8)
            for y in rows {
                let row = pack(columns.flatMap { x in (0..<channels).map { samples[(y * width + x) * channels + $0] } }, depth: depth)
                let filter = filters[rowIndex % filters.count]
                raw += [filter] + filtered(row, previous: previous, filter: filter, bpp: bpp)
                previous = row
                rowIndex += 1
            }
        }
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [UInt8(depth), colorType, 0, 0, interlace ? 1 : 0]
        var file: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10] + chunk("IHDR", header)
        for (type, data) in extra { file += chunk(type, data) }
        return file + chunk("IDAT", zlib(raw)) + chunk("IEND", [])
    }
}
