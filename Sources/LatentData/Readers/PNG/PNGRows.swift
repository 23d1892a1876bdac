/// The pixel-data half of PNG decoding: the size of the filtered rows, undoing the five filters
/// (PNG spec §9: None, Sub, Up, Average, Paeth) for plain and Adam7-interlaced images, and turning
/// stored samples of any bit depth and colour type into 8-bit gray or RGB with optional alpha.
enum PNGRows {
    /// Adam7's seven passes: (first column, first row, column step, row step).
    static let adam7: [(x: Int, y: Int, dx: Int, dy: Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]

    /// The sub-images a file's data hold: one for a plain image, Adam7's non-empty passes otherwise,
    /// each with its placement in the full image.
    static func passes(_ h: PNGDecoder.Header) -> [(width: Int, height: Int, x: Int, y: Int, dx: Int, dy: Int)] {
        guard h.interlaced else { return [(h.width, h.height, 0, 0, 1, 1)] }
        return adam7.compactMap { p in
            let w = (h.width - p.x + p.dx - 1) / p.dx, ht = (h.height - p.y + p.dy - 1) / p.dy
            return w > 0 && ht > 0 ? (w, ht, p.x, p.y, p.dx, p.dy) : nil
        }
    }

    /// Bytes the inflated `IDAT` data must have: every row of every pass plus its filter byte.
    static func filteredSize(_ h: PNGDecoder.Header) -> Int {
        passes(h).reduce(0) { $0 + $1.height * (1 + h.rowBytes($1.width)) }
    }

    /// The stored samples (palette indices or channel values at the file's bit depth), row-major
    /// over the full image, `storedChannels` per pixel, from the filtered rows `raw`.
    static func unfilter(_ raw: [UInt8], header h: PNGDecoder.Header, path: String) throws -> [UInt16] {
        let channels = h.storedChannels, bpp = h.filterBytesPerPixel
        var samples = [UInt16](repeating: 0, count: h.width * h.height * channels)
        var offset = 0
        for pass in passes(h) {
            let stride = h.rowBytes(pass.width)
            var previous = [UInt8](repeating: 0, count: stride)
            var row = [UInt8](repeating: 0, count: stride)
            for r in 0..<pass.height {
                let filter = raw[offset]
                guard filter <= 4 else {
                    throw DataError(path: path, "row \(r)\(h.interlaced ? " of an Adam7 pass" : "") has filter type \(filter); expected 0…4 (None, Sub, Up, Average, Paeth)")
                }
                for i in 0..<stride {
                    let a = i >= bpp ? Int(row[i - bpp]) : 0, b = Int(previous[i]), c = i >= bpp ? Int(previous[i - bpp]) : 0
                    let predictor: Int
                    switch filter {
                    case 0: predictor = 0
                    case 1: predictor = a
                    case 2: predictor = b
                    case 3: predictor = (a + b) / 2
                    default: predictor = paeth(a, b, c)
                    }
                    row[i] = raw[offset + 1 + i] &+ UInt8(truncatingIfNeeded: predictor)
                }
                let y = pass.y + r * pass.dy
                for column in 0..<pass.width {
                    let x = pass.x + column * pass.dx
                    for ch in 0..<channels {
                        samples[(y * h.width + x) * channels + ch] = sample(row, index: column * channels + ch, depth: h.bitDepth)
                    }
                }
                swap(&row, &previous)
                offset += 1 + stride
            }
        }
        return samples
    }

    /// The Paeth predictor: whichever of left, above and upper-left is closest to left + above − upper-left.
    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// The `index`-th sample of an unfiltered row at `depth` bits (sub-byte samples are packed
    /// most significant bits first; 16-bit samples are big-endian).
    static func sample(_ row: [UInt8], index: Int, depth: Int) -> UInt16 {
        switch depth {
        case 8: return UInt16(row[index])
        case 16: return UInt16(row[2 * index]) << 8 | UInt16(row[2 * index + 1])
        default:
            let bit = index * depth
            let shift = 8 - depth - bit % 8
            return UInt16((row[bit / 8] >> UInt8(shift)) & UInt8((1 << depth) - 1))
        }
    }

    /// 8-bit gray or RGB samples with alpha where the file has it (colour types 4 and 6, or a `tRNS`
    /// chunk), palettes expanded.
    static func expand(_ stored: [UInt16], header h: PNGDecoder.Header, palette: [UInt8], transparency: [UInt8]?,
                       path: String) throws -> PNGDecoder.Image {
        let pixels = h.width * h.height
        let maxValue = (1 << h.bitDepth) - 1
        func scaled(_ v: UInt16) -> UInt8 { UInt8((Int(v) * 255 + maxValue / 2) / maxValue) }
        switch h.colorType {
        case 3:
            let entries = palette.count / 3
            if let t = transparency, t.count > entries {
                throw DataError(path: path, "tRNS chunk has \(t.count) alpha values for a palette of \(entries) entries")
            }
            let alpha = transparency
            var out = [UInt8](repeating: 0, count: pixels * (alpha == nil ? 3 : 4))
            let step = alpha == nil ? 3 : 4
            for p in 0..<pixels {
                let index = Int(stored[p])
                guard index < entries else {
                    throw DataError(path: path, "pixel \(p % h.width),\(p / h.width) uses palette index \(index); the PLTE chunk has \(entries) entries")
                }
                for ch in 0..<3 { out[p * step + ch] = palette[3 * index + ch] }
                if let alpha { out[p * step + 3] = index < alpha.count ? alpha[index] : 255 }
            }
            return .init(width: h.width, height: h.height, colorChannels: 3, hasAlpha: alpha != nil, sourceBitDepth: 8, samples: out)
        case 0, 2:
            let color = h.colorType == 0 ? 1 : 3
            var key: [UInt16]?
            if let t = transparency {
                guard t.count == 2 * color else {
                    throw DataError(path: path, "tRNS chunk of \(t.count) bytes for colour type \(h.colorType); expected \(2 * color)")
                }
                key = (0..<color).map { UInt16(t[2 * $0]) << 8 | UInt16(t[2 * $0 + 1]) }
            }
            let step = color + (key == nil ? 0 : 1)
            var out = [UInt8](repeating: 0, count: pixels * step)
            for p in 0..<pixels {
                var matches = key != nil
                for ch in 0..<color {
                    let v = stored[p * color + ch]
                    out[p * step + ch] = scaled(v)
                    if let key, key[ch] != v { matches = false }
                }
                if key != nil { out[p * step + color] = matches ? 0 : 255 }
            }
            return .init(width: h.width, height: h.height, colorChannels: color, hasAlpha: key != nil,
                         sourceBitDepth: h.bitDepth, samples: out)
        default:
            return .init(width: h.width, height: h.height, colorChannels: h.colorType == 4 ? 1 : 3, hasAlpha: true,
                         sourceBitDepth: h.bitDepth, samples: stored.map(scaled))
        }
    }
}
