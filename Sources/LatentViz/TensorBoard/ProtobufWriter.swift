/// A minimal Protocol Buffers encoder: just the wire types TensorBoard's `Event` needs.
///
/// Each call appends one field: its key (`field << 3 | wireType`) as a varint, then the value —
/// a varint (wire type 0), 8 little-endian bytes (1), a length-prefixed byte string or nested
/// message (2), or 4 little-endian bytes (5). Fields are written in the order called.
struct ProtobufWriter {
    /// The serialized message so far.
    private(set) var bytes: [UInt8] = []

    private enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// An `int64`/`int32` field; negative values take ten bytes (two's complement), as protobuf
    /// specifies for these types.
    mutating func int64(_ field: Int, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A `double` field.
    mutating func double(_ field: Int, _ value: Double) {
        key(field, .fixed64)
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }

    /// A `float` field.
    mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }

    /// A `bytes` field.
    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes += value
    }

    /// A `string` field, UTF-8 encoded.
    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A nested message field whose contents `build` writes (an empty message is still written,
    /// which marks it present).
    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        bytes(field, nested.bytes)
    }

    private mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    /// Seven bits per byte, least significant group first, high bit set on all but the last byte.
    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
