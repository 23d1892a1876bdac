/// The five PNG row filters (PNG spec §9): each row is stored as the difference between its bytes
/// and a prediction from already-decoded neighbours, which deflate then compresses better.
///
/// For a byte `x`, `a` is the byte one pixel to the left, `b` the byte above and `c` the byte
/// above-left (0 outside the image). The stored byte is `x − prediction (mod 256)`.
public enum PNGFilter: UInt8, CaseIterable {
    /// Prediction 0: the row as it is.
    case none = 0
    /// Prediction `a`: good for horizontal gradients.
    case sub = 1
    /// Prediction `b`: good for rows that repeat the one above (flat backgrounds, vertical edges).
    case up = 2
    /// Prediction `⌊(a + b) / 2⌋`.
    case average = 3
    /// Prediction: whichever of `a`, `b`, `c` is closest to `a + b − c` (Paeth's predictor).
    case paeth = 4

    /// Paeth's predictor: the neighbour closest to the planar estimate `a + b − c`, ties going to `a`, then `b`.
    @inline(__always)
    static func paethPredictor(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Writes the filtered form of `row` into `out` (same length) given the unfiltered row above
    /// (`previous`, all zeros for the first row) and the bytes per pixel.
    func apply(row: UnsafeBufferPointer<UInt8>, previous: UnsafeBufferPointer<UInt8>,
               bytesPerPixel bpp: Int, into out: UnsafeMutableBufferPointer<UInt8>) {
        for i in 0..<row.count {
            let x = row[i]
            let a: UInt8 = i >= bpp ? row[i - bpp] : 0
            let b = previous[i]
            let c: UInt8 = i >= bpp ? previous[i - bpp] : 0
            let prediction: UInt8
            switch self {
            case .none: prediction = 0
            case .sub: prediction = a
            case .up: prediction = b
            case .average: prediction = UInt8((Int(a) + Int(b)) / 2)
            case .paeth: prediction = PNGFilter.paethPredictor(a, b, c)
            }
            out[i] = x &- prediction
        }
    }
}

/// How the encoder picks each row's filter.
public enum PNGFilterChoice {
    /// One filter for every row (useful to test decoders, or for speed with `.none`).
    case fixed(PNGFilter)
    /// Per row, the filter whose output has the smallest sum of |byte| read as signed values —
    /// the heuristic the PNG spec recommends (§12.8); usually the smallest files.
    case adaptive
}
