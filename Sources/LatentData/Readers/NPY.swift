import Foundation
import LatentTensor

/// NumPy's `.npy` format, the common currency for exchanging arrays with Python.
///
/// A file is the magic `\x93NUMPY`, a version (1.0 with a 2-byte header length, 2.0/3.0 with
/// 4 bytes), an ASCII Python dict `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`
/// padded with spaces to a multiple of 64 bytes, then the raw elements. Reading accepts
/// float32/float64, uint8/int8, int16/int32/int64 and bool, either byte order, C or Fortran
/// order; writing produces version 1.0 little-endian C order, as `numpy.save` does.
public enum NPY {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The array in an `.npy` file as a Float32 tensor of the stored shape (values are converted:
    /// integers are exact up to 2²⁴, float64 rounds to float32).
    public static func read(_ url: URL) throws -> Tensor {
        try decode(readFileBytes(url), path: url.path)
    }

    /// What an `.npy` header says: element type and byte order, memory order, shape, and where the
    /// data begin.
    struct Header {
        var type: ScalarType
        var bigEndian: Bool
        var fortranOrder: Bool
        var shape: [Int]
        var dataStart: Int
        /// Elements in the array.
        var count: Int
        /// Bytes of data the shape and type call for.
        var dataBytes: Int { count * type.byteCount }
    }

    /// Parses the header at the start of `bytes` (which may hold only the first part of a file).
    static func parseHeader(_ bytes: [UInt8], path: String) throws -> Header {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw DataError(path: path, "not a .npy file: starts with \(hexPrefix(bytes, count: 6)), expected 93 4e 55 4d 50 59 (\\x93NUMPY)")
        }
        let major = bytes[6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw DataError(path: path, "unsupported .npy version \(major).\(bytes[7]); expected 1.0, 2.0 or 3.0")
        }
        guard bytes.count >= 8 + lengthBytes else {
            throw DataError(path: path, "truncated: \(bytes.count) bytes end inside the header length")
        }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let dataStart = 8 + lengthBytes + headerLength
        guard bytes.count >= dataStart else {
            throw DataError(path: path, "truncated: the header declares \(headerLength) bytes but the file ends after \(bytes.count)")
        }
        let header = String(decoding: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self)
        let (type, bigEndian) = try parseDescriptor(dictValue("descr", in: header, path: path), path: path)
        let fortranOrder = try parseBool(dictValue("fortran_order", in: header, path: path), path: path)
        let shape = try parseShape(dictValue("shape", in: header, path: path), path: path)
        guard let count = elementCount(shape), count <= Int.max / 8 else {
            throw DataError(path: path, "header declares shape \(shape), too large to be a real array")
        }
        return Header(type: type, bigEndian: bigEndian, fortranOrder: fortranOrder, shape: shape, dataStart: dataStart, count: count)
    }

    /// `read` for bytes in memory; `path` names them in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Tensor {
        try decodeTyped(bytes, path: path).values
    }

    /// `decode`, also giving the element type the file stored (uint8 pixels read as 0…255 call
    /// for scaling, float pixels do not).
    public static func decodeTyped(_ bytes: [UInt8], path: String) throws -> StoredArray {
        let h = try parseHeader(bytes, path: path)
        let (shape, count, dataStart) = (h.shape, h.count, h.dataStart)
        let expectedBytes = h.dataBytes
        guard bytes.count - dataStart == expectedBytes else {
            let kind = bytes.count - dataStart < expectedBytes ? "truncated" : "too long"
            throw DataError(path: path, "\(kind): shape \(shape) of \(h.type.rawValue) needs \(expectedBytes) data bytes, the file has \(bytes.count - dataStart)")
        }
        var tensor = Tensor.zeros(h.fortranOrder ? shape.reversed() : shape)
        bytes.withUnsafeBytes { raw in
            tensor.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return }
                decodeScalars(raw.baseAddress! + dataStart, count: count, type: h.type, bigEndian: h.bigEndian, scale: 1, into: base)
            }
        }
        let values = h.fortranOrder && shape.count > 1 ? tensor.permuted(Array((0..<shape.count).reversed())) : tensor
        return StoredArray(values: values, type: h.type)
    }

    /// `tensor` encoded as a version 1.0 `.npy` file with element type `type` (C order,
    /// little-endian). Integer types take only whole numbers in range.
    public static func encode(_ tensor: Tensor, as type: ScalarType = .float32, path: String = "NPY data") throws -> [UInt8] {
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descriptor(type))', 'fortran_order': False, 'shape': \(shape), }"
        // Pad with spaces so that magic + version + length + dict + newline is a multiple of 64.
        let unpadded = magic.count + 2 + 2 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        guard dict.utf8.count <= Int(UInt16.max) else {
            throw DataError(path: path, "shape \(tensor.shape) makes a header longer than .npy version 1.0 allows")
        }
        var bytes = magic + [1, 0, UInt8(dict.utf8.count & 0xff), UInt8(dict.utf8.count >> 8)] + Array(dict.utf8)
        try tensor.withUnsafeBufferPointer { try encodeScalars($0, type: type, bigEndian: false, path: path, into: &bytes) }
        return bytes
    }

    /// Writes `tensor` to an `.npy` file that `numpy.load` reads back exactly, atomically (temporary
    /// file, then rename), so a crash never leaves half an array.
    public static func write(_ tensor: Tensor, to url: URL, as type: ScalarType = .float32) throws {
        let bytes = try encode(tensor, as: type, path: url.path)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw DataError(path: url.path, "could not be written: \(error.localizedDescription)")
        }
    }

    /// NumPy's type string for `type`, little-endian (`<f4`, `|u1`, …).
    private static func descriptor(_ type: ScalarType) -> String {
        let kind: String
        switch type {
        case .uint8: return "|u1"
        case .int8: return "|i1"
        case .int16, .int32, .int64: kind = "i"
        case .float32, .float64: kind = "f"
        }
        return "<\(kind)\(type.byteCount)"
    }

    /// The element type and byte order of a NumPy type string such as `<f4`, `>i8` or `|u1`.
    private static func parseDescriptor(_ text: String, path: String) throws -> (ScalarType, bigEndian: Bool) {
        let unquoted = text.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        var chars = Array(unquoted)
        var bigEndian = false
        if let first = chars.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            chars.removeFirst()
        }
        let table: [String: ScalarType] = ["f4": .float32, "f8": .float64, "u1": .uint8, "b1": .uint8, "i1": .int8,
                                           "i2": .int16, "i4": .int32, "i8": .int64]
        guard let type = table[String(chars)] else {
            throw DataError(path: path, "unsupported dtype \(unquoted); expected one of float32 (<f4), float64 (<f8), uint8 (|u1), int8, int16, int32, int64 (<i8) or bool")
        }
        return (type, bigEndian)
    }

    private static func parseBool(_ text: String, path: String) throws -> Bool {
        switch text {
        case "True": return true
        case "False": return false
        default: throw DataError(path: path, "fortran_order is \(text); expected True or False")
        }
    }

    /// The sizes in a Python tuple such as `(60000, 784)`, `(5,)` or `()`.
    private static func parseShape(_ text: String, path: String) throws -> [Int] {
        guard text.hasPrefix("("), text.hasSuffix(")") else {
            throw DataError(path: path, "shape is \(text); expected a tuple like (3, 4)")
        }
        let parts = text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return try parts.map { part in
            guard let d = Int(part.hasSuffix("L") ? String(part.dropLast()) : part), d >= 0 else {
                throw DataError(path: path, "shape \(text) has a size \(part) that is not a non-negative integer")
            }
            return d
        }
    }

    /// The source text of the value stored under `key` in the header's Python dict literal:
    /// a quoted string, a bare word, or a parenthesized tuple.
    private static func dictValue(_ key: String, in header: String, path: String) throws -> String {
        let pattern = ["'\(key)'", "\"\(key)\""].lazy.compactMap { header.range(of: $0) }.first
        guard let keyRange = pattern,
              let colon = header[keyRange.upperBound...].firstIndex(of: ":") else {
            throw DataError(path: path, "header \(header.trimmingCharacters(in: .whitespacesAndNewlines)) has no '\(key)' entry")
        }
        let rest = header[header.index(after: colon)...].drop { $0 == " " }
        let end: String.Index?
        switch rest.first {
        case "(": end = rest.firstIndex(of: ")").map { rest.index(after: $0) }
        case "'", "\"": end = rest.dropFirst().firstIndex(of: rest.first!).map { rest.index(after: $0) }
        default: end = rest.firstIndex { $0 == "," || $0 == "}" }
        }
        guard let stop = end else {
            throw DataError(path: path, "header entry '\(key)' is not terminated: \(header)")
        }
        return String(rest[..<stop]).trimmingCharacters(in: .whitespaces)
    }
}
