/// The element types that IDX and NPY files store, and their conversion to and from Float32.
///
/// Shared by both readers so that every file format converts numbers the same way: integers
/// become exact floats up to 2²⁴, float64 rounds to the nearest float32.
public enum ScalarType: String, CaseIterable, Sendable {
    /// Unsigned 8-bit integers (pixels, labels).
    case uint8
    /// Signed 8-bit integers.
    case int8
    /// Signed 16-bit integers.
    case int16
    /// Signed 32-bit integers.
    case int32
    /// Signed 64-bit integers (NumPy's default integer; exact in Float32 only up to 2²⁴).
    case int64
    /// IEEE single precision, Latent's own element type.
    case float32
    /// IEEE double precision (NumPy's default float), rounded to Float32 when read.
    case float64

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16: return 2
        case .int32, .float32: return 4
        case .int64, .float64: return 8
        }
    }

    /// True for the integer types, whose encoders accept only whole numbers in range.
    var isInteger: Bool { self != .float32 && self != .float64 }

    /// The representable range of an integer type, as doubles.
    var integerRange: ClosedRange<Double> {
        switch self {
        case .uint8: return 0...255
        case .int8: return -128...127
        case .int16: return -32768...32767
        case .int32: return -2_147_483_648...2_147_483_647
        default: return Double(Int64.min)...Double(Int64.max).nextDown
        }
    }
}

/// Converts `count` stored elements at `source` to Float32, multiplied by `scale`.
///
/// The uint8 case (every image file) is a plain loop over raw pointers, quick even at -Onone.
func decodeScalars(_ source: UnsafeRawPointer, count: Int, type: ScalarType, bigEndian: Bool,
                   scale: Float, into out: UnsafeMutablePointer<Float>) {
    switch type {
    case .uint8:
        let p = source.assumingMemoryBound(to: UInt8.self)
        if scale == 1 {
            for i in 0..<count { out[i] = Float(p[i]) }
        } else {
            for i in 0..<count { out[i] = Float(p[i]) * scale }
        }
    case .int8:
        for i in 0..<count { out[i] = Float(source.load(fromByteOffset: i, as: Int8.self)) * scale }
    case .int16:
        for i in 0..<count {
            let raw = source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
            out[i] = Float(Int16(bitPattern: bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw))) * scale
        }
    case .int32:
        for i in 0..<count {
            let raw = source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
            out[i] = Float(Int32(bitPattern: bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw))) * scale
        }
    case .int64:
        for i in 0..<count {
            let raw = source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
            out[i] = Float(Int64(bitPattern: bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw))) * scale
        }
    case .float32:
        for i in 0..<count {
            let raw = source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
            out[i] = Float(bitPattern: bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)) * scale
        }
    case .float64:
        for i in 0..<count {
            let raw = source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
            out[i] = Float(Double(bitPattern: bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw))) * scale
        }
    }
}

/// Appends `values` to `bytes` encoded as `type`. Integer types take only whole numbers within
/// their range; anything else is a `DataError` naming `path` and the first offending element.
func encodeScalars(_ values: UnsafeBufferPointer<Float>, type: ScalarType, bigEndian: Bool,
                   path: String, into bytes: inout [UInt8]) throws {
    if type.isInteger {
        let range = type.integerRange
        for (i, v) in values.enumerated() where !(v.rounded() == v && range.contains(Double(v))) {
            throw DataError(path: path, "element \(i) is \(v); \(type.rawValue) holds only whole numbers in \(range)")
        }
    }
    bytes.reserveCapacity(bytes.count + values.count * type.byteCount)
    func append<T: FixedWidthInteger>(_ x: T) {
        withUnsafeBytes(of: bigEndian ? x.bigEndian : x.littleEndian) { bytes.append(contentsOf: $0) }
    }
    switch type {
    case .uint8: bytes.append(contentsOf: values.lazy.map { UInt8($0) })
    case .int8: bytes.append(contentsOf: values.lazy.map { UInt8(bitPattern: Int8($0)) })
    case .int16: for v in values { append(Int16(v)) }
    case .int32: for v in values { append(Int32(v)) }
    case .int64: for v in values { append(Int64(v)) }
    case .float32: for v in values { append(v.bitPattern) }
    case .float64: for v in values { append(Double(v).bitPattern) }
    }
}

/// Reads a big-endian UInt32 at `offset` (IDX headers).
func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> Int {
    Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
}

/// The product of `shape`, or nil when it overflows (a corrupt header).
func elementCount(_ shape: [Int]) -> Int? {
    var n = 1
    for d in shape {
        let (product, overflow) = n.multipliedReportingOverflow(by: d)
        if overflow || d < 0 { return nil }
        n = product
    }
    return n
}
