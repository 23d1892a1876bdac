import Foundation
import LatentTensor

/// The IDX format of MNIST, Fashion-MNIST, KMNIST and EMNIST: a 4-byte magic number
/// (0, 0, element type, rank), `rank` big-endian UInt32 sizes, then the elements big-endian in
/// row-major order. Files may be gzip-compressed (detected by content, not by name).
///
/// MNIST images are magic 0x00000803 (uint8, rank 3: count × 28 × 28), labels 0x00000801
/// (uint8, rank 1).
public enum IDX {
    /// What the header of an IDX file declares.
    public struct Header: Equatable, Sendable {
        /// The element type (third magic byte).
        public var scalarType: ScalarType
        /// The size of each axis (rank = the fourth magic byte).
        public var shape: [Int]

        /// The 32-bit magic number, e.g. 0x00000803 for a rank-3 uint8 array.
        public var magic: Int { Int(IDX.typeCode(scalarType)) << 8 | shape.count }
    }

    /// The array in an IDX file as a Float32 tensor of the shape in its header, each element
    /// multiplied by `scale` (e.g. 1/255 maps pixels to [0, 1] in the same pass).
    ///
    /// With `expecting`, the header's element type and rank must match (the magic-number check
    /// of MNIST loaders). Missing files, wrong magic numbers and truncated or over-long data
    /// are `DataError`s naming the file.
    public static func read(_ url: URL, scale: Float = 1,
                            expecting: (type: ScalarType, rank: Int)? = nil) throws -> Tensor {
        try decode(readPossiblyGzipped(url), path: url.path, scale: scale, expecting: expecting)
    }

    /// `read` for bytes already in memory (uncompressed IDX); `path` names them in errors.
    public static func decode(_ bytes: [UInt8], path: String, scale: Float = 1,
                              expecting: (type: ScalarType, rank: Int)? = nil) throws -> Tensor {
        let header = try readHeader(bytes, path: path)
        if let expected = expecting, expected.type != header.scalarType || expected.rank != header.shape.count {
            let want = Int(typeCode(expected.type)) << 8 | expected.rank
            throw DataError(path: path, "wrong magic number \(hex(header.magic)) (\(header.scalarType.rawValue), rank \(header.shape.count)); expected \(hex(want)) (\(expected.type.rawValue), rank \(expected.rank))")
        }
        let headerSize = 4 + 4 * header.shape.count
        guard let count = elementCount(header.shape), count <= Int.max / 8 else {
            throw DataError(path: path, "header declares shape \(header.shape), too large to be a real array (corrupt header?)")
        }
        let dataBytes = count * header.scalarType.byteCount
        guard bytes.count - headerSize == dataBytes else {
            let kind = bytes.count - headerSize < dataBytes ? "truncated" : "too long"
            throw DataError(path: path, "\(kind): header declares shape \(header.shape) of \(header.scalarType.rawValue) = \(dataBytes) data bytes after the \(headerSize)-byte header, but the file has \(bytes.count - headerSize)")
        }
        var tensor = Tensor.zeros(header.shape)
        bytes.withUnsafeBytes { raw in
            tensor.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return }
                decodeScalars(raw.baseAddress! + headerSize, count: count, type: header.scalarType,
                              bigEndian: true, scale: scale, into: base)
            }
        }
        return tensor
    }

    /// Parses and checks the magic number and sizes at the start of `bytes`.
    public static func readHeader(_ bytes: [UInt8], path: String) throws -> Header {
        guard bytes.count >= 4 else {
            throw DataError(path: path, "truncated: \(bytes.count) bytes, shorter than the 4-byte IDX magic number")
        }
        guard bytes[0] == 0, bytes[1] == 0, let type = scalarType(code: bytes[2]) else {
            throw DataError(path: path, "wrong magic number: starts with \(hexPrefix(bytes)), expected 00 00 <type 08/09/0b/0c/0d/0e> <rank> (an IDX file)")
        }
        let rank = Int(bytes[3])
        guard bytes.count >= 4 + 4 * rank else {
            throw DataError(path: path, "truncated: the header declares \(rank) sizes (\(4 + 4 * rank) bytes) but the file has \(bytes.count) bytes")
        }
        return Header(scalarType: type, shape: (0..<rank).map { bigEndianUInt32(bytes, at: 4 + 4 * $0) })
    }

    /// `tensor` encoded as an IDX file of element type `type` (integers must be whole and in range).
    public static func encode(_ tensor: Tensor, as type: ScalarType = .uint8, path: String = "IDX data") throws -> [UInt8] {
        guard tensor.rank <= 255, tensor.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw DataError(path: path, "shape \(tensor.shape) does not fit IDX (at most 255 axes of < 2³² elements)")
        }
        guard type != .int64 else {
            throw DataError(path: path, "IDX has no int64 element type; use int32, float32 or float64")
        }
        var bytes: [UInt8] = [0, 0, typeCode(type), UInt8(tensor.rank)]
        for d in tensor.shape { withUnsafeBytes(of: UInt32(d).bigEndian) { bytes.append(contentsOf: $0) } }
        try tensor.withUnsafeBufferPointer { try encodeScalars($0, type: type, bigEndian: true, path: path, into: &bytes) }
        return bytes
    }

    /// Writes `tensor` as an IDX file, gzip-compressed when `compressed` (name it `….gz` then).
    public static func write(_ tensor: Tensor, to url: URL, as type: ScalarType = .uint8, compressed: Bool = false) throws {
        let bytes = try encode(tensor, as: type, path: url.path)
        do {
            try Data(compressed ? Gzip.compress(bytes) : bytes).write(to: url)
        } catch {
            throw DataError(path: url.path, "could not be written: \(error.localizedDescription)")
        }
    }

    /// The third magic byte for each element type (int64 has none; `encode` rejects it first).
    static func typeCode(_ type: ScalarType) -> UInt8 {
        switch type {
        case .uint8: return 0x08
        case .int8: return 0x09
        case .int16: return 0x0B
        case .int32: return 0x0C
        case .float32: return 0x0D
        case .float64: return 0x0E
        case .int64: return 0x00
        }
    }

    private static func scalarType(code: UInt8) -> ScalarType? {
        ScalarType.allCases.first { $0 != .int64 && typeCode($0) == code }
    }

    private static func hex(_ magic: Int) -> String { String(format: "0x%08x", magic) }
}
