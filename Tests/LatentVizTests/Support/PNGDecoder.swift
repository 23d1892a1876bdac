import CZlib
import LatentViz

/// A small, strict PNG decoder for the tests: it reads back what `PNG.encode` writes (8-bit gray or
/// RGB, non-interlaced), checking the signature, chunk order and every CRC, inflating the IDAT stream
/// with zlib and undoing all five row filters. Independent of the encoder's code on purpose.
struct DecodedPNG {
    let width: Int, height: Int
    /// 0 (gray) or 2 (RGB).
    let colorType: UInt8
    /// Unfiltered samples, rows top to bottom.
    let samples: [UInt8]
    /// The filter type byte of each row, as stored.
    let rowFilters: [UInt8]

    /// The picture as an RGB image (gray samples repeated in all three channels).
    var rgb: RGBImage {
        var image = RGBImage(width: width, height: height)
        image.pixels = colorType == 0 ? samples.flatMap { [$0, $0, $0] } : samples
        return image
    }
}

struct PNGDecodeError: Error, CustomStringConvertible {
    let description: String
}

func decodePNG(_ bytes: [UInt8]) throws -> DecodedPNG {
    func fail(_ message: String) -> PNGDecodeError { PNGDecodeError(description: message) }
    func readUInt32(_ at: Int) -> Int {
        (Int(bytes[at]) << 24) | (Int(bytes[at + 1]) << 16) | (Int(bytes[at + 2]) << 8) | Int(bytes[at + 3])
    }
    guard bytes.count >= 8, Array(bytes[0..<8]) == [137, 80, 78, 71, 13, 10, 26, 10] else { throw fail("bad signature") }
    var offset = 8
    var chunks = [(type: String, data: [UInt8])]()
    while offset < bytes.count {
        guard offset + 12 <= bytes.count else { throw fail("truncated chunk header at \(offset)") }
        let length = readUInt32(offset)
        guard offset + 12 + length <= bytes.count else { throw fail("chunk at \(offset) runs past the end") }
        let typeAndData = Array(bytes[(offset + 4)..<(offset + 8 + length)])
        let stored = readUInt32(offset + 8 + length)
        let computed = typeAndData.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, uInt($0.count))) }
        let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
        guard stored == computed else { throw fail("CRC mismatch in \(type)") }
        chunks.append((type, Array(typeAndData[4...])))
        offset += 12 + length
    }
    guard chunks.first?.type == "IHDR", chunks.last?.type == "IEND", chunks.last?.data.isEmpty == true else {
        throw fail("chunks must start with IHDR and end with an empty IEND, got \(chunks.map(\.type))")
    }
    let header = chunks[0].data
    guard header.count == 13 else { throw fail("IHDR has \(header.count) bytes") }
    let width = (Int(header[0]) << 24) | (Int(header[1]) << 16) | (Int(header[2]) << 8) | Int(header[3])
    let height = (Int(header[4]) << 24) | (Int(header[5]) << 16) | (Int(header[6]) << 8) | Int(header[7])
    let (depth, colorType) = (header[8], header[9])
    guard depth == 8, colorType == 0 || colorType == 2, header[10] == 0, header[11] == 0, header[12] == 0 else {
        throw fail("unsupported IHDR \(header)")
    }
    let channels = colorType == 0 ? 1 : 3
    let stride = width * channels
    let compressed = chunks.filter { $0.type == "IDAT" }.flatMap(\.data)
    let expected = height * (stride + 1)
    var raw = [UInt8](repeating: 0, count: expected + 64)
    var rawLength = uLongf(raw.count)
    let status = uncompress(&raw, &rawLength, compressed, uLong(compressed.count))
    guard status == Z_OK, Int(rawLength) == expected else {
        throw fail("inflate gave status \(status) and \(rawLength) bytes, expected \(expected)")
    }
    var samples = [UInt8](repeating: 0, count: height * stride)
    var filters = [UInt8]()
    for y in 0..<height {
        let filter = raw[y * (stride + 1)]
        filters.append(filter)
        for i in 0..<stride {
            let x = raw[y * (stride + 1) + 1 + i]
            let a = i >= channels ? Int(samples[y * stride + i - channels]) : 0
            let b = y > 0 ? Int(samples[(y - 1) * stride + i]) : 0
            let c = (y > 0 && i >= channels) ? Int(samples[(y - 1) * stride + i - channels]) : 0
            let prediction: Int
            switch filter {
            case 0: prediction = 0
            case 1: prediction = a
            case 2: prediction = b
            case 3: prediction = (a + b) / 2
            case 4:
                let p = a + b - c
                let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                prediction = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
            default: throw fail("row \(y) has unknown filter type \(filter)")
            }
            samples[y * stride + i] = x &+ UInt8(prediction)
        }
    }
    return DecodedPNG(width: width, height: height, colorType: colorType, samples: samples, rowFilters: filters)
}
