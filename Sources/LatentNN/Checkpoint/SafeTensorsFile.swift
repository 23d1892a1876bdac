import Foundation
import LatentTensor

/// One tensor described by a safetensors header.
public struct SafeTensorsEntry: Sendable, Equatable {
    /// The tensor's name (a dotted parameter path for Latent checkpoints).
    public let name: String
    /// The element type stored in the file.
    public let dtype: SafeTensorsDType
    /// The shape, outermost axis first; `[]` for a scalar.
    public let shape: [Int]
    /// The byte range of the data, relative to the start of the data section (after the header).
    public let dataRange: Range<Int>
}

/// A parsed and fully validated safetensors file.
///
/// Layout: an 8-byte little-endian UInt64 `N`, then `N` bytes of UTF-8 JSON
/// `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …,
/// "__metadata__": {"key": "value"}}`, then the data section. Offsets are in bytes from the start
/// of the data section, and the tensors tile it exactly: no gaps, no overlaps, nothing after the
/// last one. Element bytes are little-endian, row-major.
///
/// `init` checks all of that (header length within the file and at most
/// `SafeTensors.maxHeaderLength`, at most `SafeTensors.maxEntries` tensors, JSON object, field
/// types, byte length = element count × dtype size, tiling, truncation) and throws
/// `CheckpointError` listing every problem found. Parsing takes time linear in the header length
/// (see `HeaderJSON`).
/// Tensors are decoded on request, so a tensor of an unsupported dtype only fails when asked for.
public struct SafeTensorsFile {
    /// The file name used in error messages.
    public let path: String
    /// The free-form string metadata of the header (`__metadata__`), empty when absent.
    public let metadata: [String: String]
    /// Every tensor described by the header, by name.
    public let entries: [String: SafeTensorsEntry]
    /// The whole file.
    private let bytes: Data
    /// Where the data section starts in `bytes`: 8 + N.
    private let dataStart: Int

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Reads and validates the file at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CheckpointError(.io, path: url.path, "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(data: data, path: url.path)
    }

    /// Validates safetensors bytes already in memory; `path` names them in error messages.
    public init(data: Data, path: String) throws {
        let data = data.startIndex == 0 ? data : Data(data)  // indices from 0, even for a slice
        self.path = path
        self.bytes = data
        guard data.count >= 8 else {
            throw CheckpointError(.truncated, path: path,
                                  "the file holds \(data.count) bytes; a safetensors file starts with an 8-byte header length")
        }
        let claimed = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard claimed <= UInt64(SafeTensors.maxHeaderLength) else {
            throw CheckpointError(.invalidHeader, path: path,
                                  "header length \(claimed) bytes exceeds the limit of \(SafeTensors.maxHeaderLength) bytes (not a safetensors file?)")
        }
        let headerLength = Int(claimed)
        guard headerLength <= data.count - 8 else {
            throw CheckpointError(.truncated, path: path,
                                  "the header length says \(headerLength) bytes but only \(data.count - 8) bytes follow it")
        }
        dataStart = 8 + headerLength
        let header = try SafeTensorsFile.parseHeader(data.subdata(in: 8..<dataStart), path: path)
        metadata = header.metadata
        entries = Dictionary(uniqueKeysWithValues: header.entries.map { ($0.name, $0) })
        try SafeTensorsFile.checkLayout(header.entries, dataLength: data.count - dataStart, path: path)
    }

    /// The tensor called `name`, converted to Float32.
    ///
    /// Throws `.mismatch` if there is no such tensor and `.unsupportedDType` if its dtype is not
    /// one of F32, F16, BF16, F64.
    public func tensor(named name: String) throws -> Tensor {
        guard let entry = entries[name] else {
            throw CheckpointError(.mismatch, path: path, "no tensor named '\(CheckpointError.shortened(name))' (the file holds \(entries.count) tensors)")
        }
        guard entry.dtype.isConvertibleToFloat32 else {
            throw CheckpointError(.unsupportedDType, path: path,
                                  "tensor '\(CheckpointError.shortened(name))' has dtype \(entry.dtype.rawValue); Latent loads \(SafeTensorsDType.convertibleNames)")
        }
        var tensor = Tensor(shape: entry.shape, scalars: [Float](repeating: 0, count: entry.shape.reduce(1, *)))
        tensor.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBytes { entry.dtype.decode($0, offset: dataStart + entry.dataRange.lowerBound, into: out) }
        }
        return tensor
    }

    /// Every tensor in the file, converted to Float32; throws if any has an unsupported dtype.
    public func tensors() throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in names { out[name] = try tensor(named: name) }
        return out
    }

    // MARK: - Header

    /// The reserved header key holding the string metadata.
    static let metadataKey = "__metadata__"

    /// Parses the JSON header and checks every field, collecting all problems.
    private static func parseHeader(_ header: Data, path: String) throws -> (entries: [SafeTensorsEntry], metadata: [String: String]) {
        let root: JSONValue
        do {
            root = try header.withUnsafeBytes { try HeaderJSON.parse($0, maxKeys: SafeTensors.maxEntries, uncountedKey: metadataKey) }
        } catch HeaderJSON.Failure.tooManyKeys(let count) {
            throw CheckpointError(.invalidHeader, path: path,
                                  "the header describes \(count) tensors, more than the limit of \(SafeTensors.maxEntries) (SafeTensors.maxEntries)")
        } catch HeaderJSON.Failure.syntax(let offset, let reason) {
            throw CheckpointError(.invalidHeader, path: path, "the \(header.count)-byte header is not valid UTF-8 JSON (at byte \(offset): \(reason))")
        }
        guard case .object(let fields) = root else {
            throw CheckpointError(.invalidHeader, path: path, "the header is a JSON \(root.typeName), expected an object")
        }
        var problems: [String] = []
        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        entries.reserveCapacity(fields.count)
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if name == metadataKey {
                guard case .object(let pairs) = value else {
                    problems.append("'\(metadataKey)' is a JSON \(value.typeName), expected an object of strings")
                    continue
                }
                for (key, item) in pairs.sorted(by: { $0.key < $1.key }) {
                    if case .string(let s) = item { metadata[key] = s } else {
                        problems.append("metadata '\(CheckpointError.shortened(key))' is a JSON \(item.typeName), expected a string")
                    }
                }
            } else {
                switch entry(name: name, value) {
                case .success(let e): entries.append(e)
                case .failure(let p): problems.append(p.message)
                }
            }
        }
        guard problems.isEmpty else { throw CheckpointError(.invalidHeader, path: path, problems: problems) }
        return (entries, metadata)
    }

    /// A header problem, as a `Result` failure.
    private struct HeaderProblem: Error { let message: String }

    /// One tensor description: `{"dtype": String, "shape": [Int ≥ 0], "data_offsets": [begin, end]}`.
    private static func entry(name: String, _ value: JSONValue) -> Result<SafeTensorsEntry, HeaderProblem> {
        func fail(_ message: String) -> Result<SafeTensorsEntry, HeaderProblem> {
            .failure(HeaderProblem(message: "tensor '\(CheckpointError.shortened(name))': " + message))
        }
        guard case .object(let fields) = value else { return fail("is a JSON \(value.typeName), expected an object with dtype, shape and data_offsets") }
        guard case .string(let dtypeName)? = fields["dtype"] else { return fail("'dtype' is \(fields["dtype"]?.typeName ?? "missing"), expected a string such as \"F32\"") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            return fail("unknown dtype '\(CheckpointError.shortened(dtypeName))', expected one of \(SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let shape = fields["shape"]?.naturals else { return fail("'shape' is \(fields["shape"].map(\.description) ?? "missing"), expected an array of non-negative integers") }
        guard let offsets = fields["data_offsets"]?.naturals, offsets.count == 2, offsets[0] <= offsets[1] else {
            return fail("'data_offsets' is \(fields["data_offsets"].map(\.description) ?? "missing"), expected [begin, end] with 0 ≤ begin ≤ end")
        }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { return fail("shape \(shape) has more elements than fit in Int") }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, offsets[1] - offsets[0] == byteCount else {
            return fail("data_offsets \(offsets) span \(offsets[1] - offsets[0]) bytes, but shape \(shape) of \(dtypeName) needs \(count) × \(dtype.byteSize) bytes")
        }
        return .success(SafeTensorsEntry(name: name, dtype: dtype, shape: shape, dataRange: offsets[0]..<offsets[1]))
    }

    /// Checks that the byte ranges tile `0..<dataLength` exactly.
    private static func checkLayout(_ entries: [SafeTensorsEntry], dataLength: Int, path: String) throws {
        let ordered = entries.sorted { ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name) < ($1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name) }
        let last = entries.max { ($0.dataRange.upperBound, $1.name) < ($1.dataRange.upperBound, $0.name) }
        let end = last?.dataRange.upperBound ?? 0
        if let last, end > dataLength {
            throw CheckpointError(.truncated, path: path,
                                  "tensor '\(CheckpointError.shortened(last.name))' ends at byte \(end) of the data section, but only \(dataLength) bytes follow the header")
        }
        var problems: [String] = []
        var position = 0, previous = "the start of the data section"
        for e in ordered {
            if e.dataRange.lowerBound > position {
                problems.append("gap of \(e.dataRange.lowerBound - position) bytes between \(previous) and tensor '\(CheckpointError.shortened(e.name))' (begins at \(e.dataRange.lowerBound), expected \(position))")
            } else if e.dataRange.lowerBound < position {
                problems.append("tensor '\(CheckpointError.shortened(e.name))' (bytes \(e.dataRange.lowerBound)..<\(e.dataRange.upperBound)) overlaps \(previous), which ends at \(position)")
            }
            position = max(position, e.dataRange.upperBound)
            previous = "tensor '\(CheckpointError.shortened(e.name))'"
        }
        if end < dataLength {
            problems.append("\(dataLength - end) bytes after the last tensor are not described by the header")
        }
        guard problems.isEmpty else { throw CheckpointError(.invalidLayout, path: path, problems: problems) }
    }
}
