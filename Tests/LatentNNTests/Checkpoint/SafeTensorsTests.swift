import XCTest
import Foundation
import LatentTensor
import LatentNN

final class SafeTensorsTests: XCTestCase {
    /// Parses a Latent-written file with nothing but the format description and JSONSerialization.
    func testWrittenFileIsByteValidSafetensors() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("t.safetensors")
        let tensors: [String: Tensor] = [
            "b.weight": Tensor([[1, -2, 3], [4.5, 0, -0.25]]),
            "a": Tensor(7),
            "c.empty": Tensor(shape: [0, 3], scalars: []),
        ]
        try SafeTensors.write(tensors, metadata: ["step": "12", "note": "quote \" and \\ and\nnewline"], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))

        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(n % 8, 0, "header padded to a multiple of 8")
        let headerBytes = Array(bytes[8..<(8 + n)])
        XCTAssertEqual(headerBytes.first, UInt8(ascii: "{"))
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
        XCTAssertEqual(header["__metadata__"] as? [String: String], ["step": "12", "note": "quote \" and \\ and\nnewline"])

        let data = Array(bytes[(8 + n)...])
        var expectedBegin = 0
        for name in ["a", "b.weight", "c.empty"] {  // laid out in name order
            let entry = try XCTUnwrap(header[name] as? [String: Any], name)
            XCTAssertEqual(entry["dtype"] as? String, "F32")
            XCTAssertEqual(entry["shape"] as? [Int], tensors[name]!.shape)
            let offsets = try XCTUnwrap(entry["data_offsets"] as? [Int])
            XCTAssertEqual(offsets, [expectedBegin, expectedBegin + 4 * tensors[name]!.count], name)
            XCTAssertEqual(Array(data[offsets[0]..<offsets[1]]), float32Bytes(tensors[name]!.scalars), name)
            expectedBegin = offsets[1]
        }
        XCTAssertEqual(header.count, 4)
        XCTAssertEqual(data.count, expectedBegin, "no bytes after the last tensor")
    }

    func testRoundTripIsBitExactAndKeepsMetadata() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("r.safetensors")
        let special: [Float] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.0 / 3.0]
        let tensors = ["x": Tensor(shape: [7, 1], scalars: special), "ünïcode.名前": Tensor([1, 2])]
        try SafeTensors.write(tensors, metadata: ["config": "{\"latent\": 32}"], to: url)
        let (read, metadata) = try SafeTensors.read(from: url)
        XCTAssertEqual(metadata, ["config": "{\"latent\": 32}"])
        XCTAssertEqual(read["x"]?.shape, [7, 1])
        XCTAssertEqual(read["x"]?.scalars.map(\.bitPattern), special.map(\.bitPattern))
        XCTAssertEqual(read["ünïcode.名前"]?.scalars, [1, 2])
        XCTAssertEqual(try SafeTensors.encode(tensors), try SafeTensors.encode(tensors), "deterministic bytes")
    }

    /// `python_reference.safetensors` was written by the reference Python library
    /// (Fixtures/make_fixtures.py); the expected values are the script's inputs.
    func testFileFromThePythonLibraryLoadsWithExactValues() throws {
        let file = try SafeTensorsFile(contentsOf: fixturesDirectory().appendingPathComponent("python_reference.safetensors"))
        XCTAssertEqual(file.metadata, ["format": "pt", "model": "tiny", "step": "7"])
        XCTAssertEqual(file.names, ["counter", "dense.bias", "dense.weight", "embedding", "scale", "step"])

        let weight = try file.tensor(named: "dense.weight")
        XCTAssertEqual(weight.shape, [2, 3])
        XCTAssertEqual(weight.scalars, [0.5, -1.25, 2.0, 3.5, -0.125, 1024.0])
        let bias = try file.tensor(named: "dense.bias")
        XCTAssertEqual(file.entries["dense.bias"]?.dtype, .float16)
        XCTAssertEqual(bias.scalars, [1.5, -2.0, 65504.0, 0x1p-24])
        let scale = try file.tensor(named: "scale")
        XCTAssertEqual(file.entries["scale"]?.dtype, .float64)
        XCTAssertEqual(scale.shape, [])
        XCTAssertEqual(scale.scalars, [Float(3.141592653589793 as Double)])
        XCTAssertEqual(try file.tensor(named: "step").scalars, [7])
        let embedding = try file.tensor(named: "embedding")
        XCTAssertEqual(file.entries["embedding"]?.dtype, .bfloat16)
        XCTAssertEqual(embedding.shape, [2, 2])
        XCTAssertEqual(embedding.scalars, [1.0, -2.5, 0.15625, 384.0])

        assertCheckpointError(.unsupportedDType, containing: ["python_reference.safetensors", "'counter'", "I64", "F32"]) {
            _ = try file.tensor(named: "counter")
        }
        assertCheckpointError(.mismatch, containing: ["'nope'"]) { _ = try file.tensor(named: "nope") }
    }

    func testHalfPrecisionConversionCoversSpecialValues() throws {
        // F16 bits: 1, -0, +inf, NaN, largest subnormal, smallest normal, 0.333 (0x3555).
        let halves: [UInt16] = [0x3c00, 0x8000, 0x7c00, 0x7e00, 0x03ff, 0x0400, 0x3555]
        // BF16 bits: -1, +inf, the upper half of Float32's 1/3.
        let bf16: [UInt16] = [0xbf80, 0x7f80, 0x3eaa]
        let f64: [Double] = [1e300, -1.5, 0.1]
        var data = halves.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
        data += bf16.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
        data += f64.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
        let header = #"{"h":{"dtype":"F16","shape":[7],"data_offsets":[0,14]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[14,20]},"d":{"dtype":"F64","shape":[3],"data_offsets":[20,44]}}"#
        let file = try SafeTensorsFile(data: handMadeFile(header: header, data: data), path: "mem")
        let h = try file.tensor(named: "h").scalars
        XCTAssertEqual(h[0], 1)
        XCTAssertEqual(h[1].bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(h[2], .infinity)
        XCTAssertTrue(h[3].isNaN)
        XCTAssertEqual(h[4], 1023 * 0x1p-24)
        XCTAssertEqual(h[5], 0x1p-14)
        XCTAssertEqual(h[6], 0x1.554p-2)
        XCTAssertEqual(try file.tensor(named: "b").scalars, [-1, .infinity, Float(bitPattern: 0x3eaa_0000)])
        XCTAssertEqual(try file.tensor(named: "d").scalars, [.infinity, -1.5, Float(0.1 as Double)])
    }

    func testTruncatedFileIsReported() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("cut.safetensors")
        let full = try SafeTensors.encode(["w": Tensor([1, 2, 3, 4])])
        try full.prefix(full.count - 3).write(to: url)
        assertCheckpointError(.truncated, containing: [url.path, "'w'", "ends at byte 16", "only 13 bytes"]) {
            _ = try SafeTensorsFile(contentsOf: url)
        }
        try full.prefix(20).write(to: url)  // cut inside the header
        assertCheckpointError(.truncated, containing: [url.path, "header length says"]) { _ = try SafeTensorsFile(contentsOf: url) }
        try full.prefix(5).write(to: url)
        assertCheckpointError(.truncated, containing: ["5 bytes", "8-byte header length"]) { _ = try SafeTensorsFile(contentsOf: url) }
        assertCheckpointError(.io, containing: ["missing.safetensors", "cannot read"]) {
            _ = try SafeTensorsFile(contentsOf: url.deletingLastPathComponent().appendingPathComponent("missing.safetensors"))
        }
    }

    func testCorruptedHeadersAreReported() {
        let absurd = Data(withUnsafeBytes(of: UInt64(1) << 40) { Array($0) } + [UInt8](repeating: 0, count: 64))
        assertCheckpointError(.invalidHeader, containing: ["exceeds the limit"]) { _ = try SafeTensorsFile(data: absurd, path: "big") }
        assertCheckpointError(.invalidHeader, containing: ["bad", "not valid UTF-8 JSON"]) {
            _ = try SafeTensorsFile(data: handMadeFile(header: #"{"w": {"dtype": "F32""#, data: []), path: "bad")
        }
        assertCheckpointError(.invalidHeader, containing: ["JSON array, expected an object"]) {
            _ = try SafeTensorsFile(data: handMadeFile(header: "[1, 2]", data: []), path: "arr")
        }
        // Every malformed entry is reported, not just the first.
        let header = #"{"a":{"shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]},"# +
            #""c":{"dtype":"F32","shape":[1],"data_offsets":[4]},"d":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]},"# +
            #""e":{"dtype":"F32","shape":[2],"data_offsets":[0,4]},"f":7,"__metadata__":{"step":3}}"#
        let message = assertCheckpointError(.invalidHeader, containing: [
            "tensor 'a': 'dtype' is missing", "tensor 'b': 'shape' is [1.5]", "tensor 'c': 'data_offsets' is [4]",
            "unknown dtype 'Q7'", "tensor 'e': data_offsets [0, 4] span 4 bytes, but shape [2] of F32 needs 2 × 4 bytes",
            "tensor 'f': is a JSON number", "metadata 'step' is a JSON number, expected a string",
        ]) { _ = try SafeTensorsFile(data: handMadeFile(header: header, data: [UInt8](repeating: 0, count: 4)), path: "many") }
        XCTAssertEqual(message.components(separatedBy: "\n  - ").count, 8, message)
    }

    func testGapsOverlapsAndTrailingBytesAreReported() {
        let eight = [UInt8](repeating: 0, count: 8), twelve = [UInt8](repeating: 0, count: 12)
        assertCheckpointError(.invalidLayout, containing: ["gap of 4 bytes between tensor 'a' and tensor 'b'"]) {
            _ = try SafeTensorsFile(data: handMadeFile(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, data: twelve), path: "gap")
        }
        assertCheckpointError(.invalidLayout, containing: ["tensor 'b' (bytes 4..<12) overlaps tensor 'a', which ends at 8"]) {
            _ = try SafeTensorsFile(data: handMadeFile(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: twelve), path: "overlap")
        }
        assertCheckpointError(.invalidLayout, containing: ["4 bytes after the last tensor"]) {
            _ = try SafeTensorsFile(data: handMadeFile(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: eight), path: "tail")
        }
    }

    func testReservedNameIsRejectedByTheWriter() throws {
        assertCheckpointError(.invalidInput, containing: ["'__metadata__'", "reserved"]) {
            _ = try SafeTensors.encode(["__metadata__": Tensor([1])])
        }
    }
}
