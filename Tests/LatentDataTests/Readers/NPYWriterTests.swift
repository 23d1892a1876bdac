import Foundation
import XCTest
import LatentTensor
@testable import LatentData

/// The writing half of `NPY`: headers exactly as `numpy.save` writes them for the shapes whose
/// Python spelling is special (`()` and the 1-tuple `(3,)`), and files that read back unchanged.
final class NPYWriterTests: XCTestCase {
    /// magic, version 1.0, header length 118, then the dict padded with spaces and a newline:
    /// 10 + 118 = 128 bytes of preamble, a multiple of 64.
    private func preamble(_ dict: String) -> [UInt8] {
        [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0] + Array((dict + String(repeating: " ", count: 117 - dict.utf8.count) + "\n").utf8)
    }

    func testVectorFileMatchesNumpySaveByteForByte() throws {
        // numpy.save(f, numpy.array([1, -2.5, 3e-3], dtype=numpy.float32)), 140 bytes.
        let numpy = preamble("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }")
            + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0, 0xA6, 0x9B, 0x44, 0x3B]
        XCTAssertEqual(numpy.count, 140)
        XCTAssertEqual(try NPY.encode(Tensor([1, -2.5, 3e-3])), numpy)
    }

    func testScalarAndCubeHeaders() throws {
        XCTAssertEqual(Array(try NPY.encode(Tensor(2.5)).prefix(128)),
                       preamble("{'descr': '<f4', 'fortran_order': False, 'shape': (), }"))
        XCTAssertEqual(Array(try NPY.encode(Tensor.zeros([2, 3, 4])).prefix(128)),
                       preamble("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }"))
        // A dict longer than 118 bytes pads on to the next multiple of 64: 192 bytes of preamble.
        let long = try NPY.encode(Tensor.zeros(Array(repeating: 1, count: 40) + [2]))
        XCTAssertEqual(long.count, 192 + 8)
        XCTAssertEqual(Array(long[8..<10]), [182, 0])
        XCTAssertEqual(long[190..<192], [UInt8(ascii: " "), UInt8(ascii: "\n")])
        XCTAssertEqual(try NPY.decode(long, path: "long").shape, Array(repeating: 1, count: 40) + [2])
    }

    func testRoundTripThroughFiles() throws {
        let dir = try temporaryDirectory(self)
        let tensors = [
            Tensor(-7.25),
            Tensor([1, -2.5, 3e-3]),
            Tensor((0..<24).map { Float($0) / 4 - 3 }).reshaped([2, 3, 4]),
        ]
        for (i, x) in tensors.enumerated() {
            let url = dir.appendingPathComponent("x\(i).npy")
            try NPY.write(x, to: url)
            let back = try NPY.read(url)
            XCTAssertEqual(back.shape, x.shape)
            XCTAssertEqual(back.scalars, x.scalars)
            XCTAssertEqual(try Data(contentsOf: url).count, 128 + 4 * x.count)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["x0.npy", "x1.npy", "x2.npy"])
    }

    func testUnwritablePathIsNamedInTheError() {
        let url = URL(fileURLWithPath: "/nonexistent-latent-dir/x.npy")
        assertDataError("/nonexistent-latent-dir/x.npy", "could not be written") { try NPY.write(Tensor([1]), to: url) }
    }
}
