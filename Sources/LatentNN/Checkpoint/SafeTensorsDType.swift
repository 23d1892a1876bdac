/// The element types a safetensors header may name, with their sizes in bytes.
///
/// Latent writes only `F32`. It reads `F32`, `F16`, `BF16` and `F64` and converts them to
/// Float32 (`F64` rounds to nearest; out-of-range values become ±infinity). The other types
/// are known so that a file holding them still validates, but decoding such a tensor throws
/// `CheckpointError` of kind `.unsupportedDType`: integer and boolean tensors are indices, counts
/// or masks rather than trainable state, and converting them silently (I64 loses exactness above
/// 2²⁴ in Float32) would hide a mismatch. A non-strict load simply skips them.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case uint8 = "U8"
    case int8 = "I8"
    case float8E5M2 = "F8_E5M2"
    case float8E4M3 = "F8_E4M3"
    case int16 = "I16"
    case uint16 = "U16"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int32 = "I32"
    case uint32 = "U32"
    case float32 = "F32"
    case int64 = "I64"
    case uint64 = "U64"
    case float64 = "F64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3: return 1
        case .int16, .uint16, .float16, .bfloat16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// Whether tensors of this type load into Latent (converted to Float32).
    public var isConvertibleToFloat32: Bool {
        switch self {
        case .float32, .float16, .bfloat16, .float64: return true
        default: return false
        }
    }

    /// The types that load, for error messages.
    static let convertibleNames = allCases.filter(\.isConvertibleToFloat32).map(\.rawValue).joined(separator: ", ")

    /// Decodes `count` little-endian elements starting at `offset` in `bytes` into `out`.
    /// Only valid for the convertible types; the caller has checked the byte range.
    func decode(_ bytes: UnsafeRawBufferPointer, offset: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let count = out.count
        switch self {
        case .float32:
            for i in 0..<count {
                out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
            }
        case .float64:
            for i in 0..<count {
                out[i] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8 * i, as: UInt64.self))))
            }
        case .bfloat16:
            // bfloat16 is the upper half of a Float32: same sign, exponent and top 7 mantissa bits.
            for i in 0..<count {
                let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 2 * i, as: UInt16.self))
                out[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        case .float16:
            for i in 0..<count {
                out[i] = SafeTensorsDType.floatFromHalf(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 2 * i, as: UInt16.self)))
            }
        default:
            preconditionFailure("SafeTensorsDType.decode: \(rawValue) is not convertible to Float32")
        }
    }

    /// IEEE 754 binary16 → binary32, exact for every input (done on bits because Swift's
    /// `Float16` is unavailable on Intel Macs).
    ///
    /// binary16 is 1 sign bit, 5 exponent bits (bias 15) and 10 mantissa bits; binary32 has
    /// 8 exponent bits (bias 127) and 23 mantissa bits, so normal numbers re-bias the exponent and
    /// shift the mantissa, subnormals are `mantissa · 2⁻²⁴`, and exponent 31 is inf/NaN.
    static func floatFromHalf(_ h: UInt16) -> Float {
        let sign: UInt32 = UInt32(h & 0x8000) << 16
        let exponent = UInt32((h >> 10) & 0x1f)
        let mantissa = UInt32(h & 0x3ff)
        switch exponent {
        case 0:
            let magnitude = Float(mantissa) * 0x1p-24
            return Float(bitPattern: sign | magnitude.bitPattern)
        case 31:
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
        }
    }
}
