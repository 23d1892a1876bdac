import Foundation
import LatentTensor
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reading and writing named Float32 tensors in the safetensors format, the weights format of
/// the Python ecosystem (Hugging Face `safetensors`, PyTorch, JAX, MLX).
///
/// A file is an 8-byte little-endian UInt64 header length `N`, `N` bytes of UTF-8 JSON
/// (`{"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {String: String}}`, padded with
/// spaces so the data section starts at a multiple of 8 bytes), then the raw little-endian tensor
/// data. See `SafeTensorsFile` for the reader and its checks.
///
/// The writer stores every tensor as `F32`, laid out contiguously in ascending order of name (the
/// reference library orders by dtype alignment, then name; with a single dtype the two agree), so
/// the same tensors always give the same bytes. The header lists `__metadata__` first (when not
/// empty, keys sorted), then the tensors in data order, with no whitespace before the padding.
public enum SafeTensors {
    /// The largest header a reader accepts, in bytes (the reference library's limit): a larger
    /// length means the file is not safetensors, and refusing it avoids a huge allocation.
    public static let maxHeaderLength = 100_000_000

    /// The most tensors a reader accepts in one file. The largest models Latent builds have a few
    /// hundred tensors and large public checkpoints a few thousand; the cap keeps a hostile header
    /// of millions of tiny entries from costing seconds of parsing and an error message of megabytes.
    /// The writer refuses to produce a file over it.
    public static let maxEntries = 100_000

    /// The safetensors bytes of `tensors` (stored as F32) and `metadata`.
    ///
    /// Throws `.invalidInput` if a tensor is named `__metadata__`, which the format reserves.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        try encode(tensors, metadata: metadata, path: "<in memory>")
    }

    /// Writes `tensors` and `metadata` to `url` atomically: the bytes go to a temporary file in the
    /// same directory, are flushed to disk, and the temporary file is renamed over `url`. A reader
    /// sees either the old file or the complete new one, and a failed write leaves the old file
    /// as it was (and no temporary file behind).
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let data = try encode(tensors, metadata: metadata, path: url.path)
        try writeAtomically(data, to: url)
    }

    /// All tensors (converted to Float32) and the metadata of the file at `url`.
    public static func read(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try SafeTensorsFile(contentsOf: url)
        return (try file.tensors(), file.metadata)
    }

    static func encode(_ tensors: [String: Tensor], metadata: [String: String], path: String) throws -> Data {
        guard tensors[SafeTensorsFile.metadataKey] == nil else {
            throw CheckpointError(.invalidInput, path: path, "the tensor name '\(SafeTensorsFile.metadataKey)' is reserved by the format for metadata")
        }
        guard tensors.count <= maxEntries else {
            throw CheckpointError(.invalidInput, path: path, "\(tensors.count) tensors are more than the \(maxEntries) readers accept (SafeTensors.maxEntries)")
        }
        let names = tensors.keys.sorted()
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { jsonString($0) + ":" + jsonString(metadata[$0]!) }
            fields.append(jsonString(SafeTensorsFile.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let end = offset + 4 * tensor.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append(jsonString(name) + ":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        guard header.count <= maxHeaderLength else {
            throw CheckpointError(.invalidInput, path: path, "the header would take \(header.count) bytes, over the limit of \(maxHeaderLength) readers accept")
        }

        var data = Data(count: 8 + header.count + offset)
        data.withUnsafeMutableBytes { out in
            out.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
            out.baseAddress!.advanced(by: 8).copyMemory(from: header, byteCount: header.count)
            var position = 8 + header.count
            for name in names {
                tensors[name]!.withUnsafeBufferPointer { values in
                    for v in values {
                        out.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: position, as: UInt32.self)
                        position += 4
                    }
                }
            }
        }
        return data
    }

    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped, the
    /// rest left as UTF-8.
    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Temp file in the target's directory, flush, `rename(2)` over the target.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CheckpointError(.io, path: url.path, "cannot create a temporary file in \(directory.path) (does the directory exist and is it writable?)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError(.io, path: url.path, "writing \(data.count) bytes to the temporary file \(temporary.path) failed (\(error.localizedDescription))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError(.io, path: url.path, "cannot move the temporary file into place (\(reason)); the previous file is unchanged")
        }
    }
}
