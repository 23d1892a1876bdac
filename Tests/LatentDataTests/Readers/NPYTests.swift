import XCTest
import LatentTensor
@testable import LatentData

final class NPYTests: XCTestCase {
    /// `numpy.save` of `np.array([[1.5, -2, 3.25], [0, 1e-3, 7]], dtype=np.float32)`, header included.
    private func numpyHeader(_ dict: String) -> [UInt8] {
        let padded = dict + String(repeating: " ", count: 118 - dict.utf8.count - 1) + "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0] + Array(padded.utf8)
    }

    func testEncodingMatchesNumpyByteForByte() throws {
        let x = Tensor([[1.5, -2, 3.25], [0, 1e-3, 7]])
        let numpy = numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") + [
            0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x50, 0x40,
            0x00, 0x00, 0x00, 0x00, 0x6f, 0x12, 0x83, 0x3a, 0x00, 0x00, 0xe0, 0x40,
        ]
        XCTAssertEqual(try NPY.encode(x), numpy)
        XCTAssertEqual(try NPY.decode(numpy, path: "np").scalars, x.scalars)
    }

    func testReadsNumpyInt64FortranAndBigEndian() throws {
        let int64 = numpyHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }")
            + [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x2c, 1, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(try NPY.decode(int64, path: "np").scalars, [1, 2, 300])

        // np.asfortranarray(np.arange(6.0).reshape(2, 3)): stored column by column.
        let fortranValues: [Double] = [0, 3, 1, 4, 2, 5]
        let fortran = numpyHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }")
            + fortranValues.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
        let f = try NPY.decode(fortran, path: "np")
        XCTAssertEqual(f.shape, [2, 3])
        XCTAssertEqual(f.scalars, [0, 1, 2, 3, 4, 5])

        let big = numpyHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }") + [0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]
        XCTAssertEqual(try NPY.decode(big, path: "np").scalars, [1, 2])
    }

    func testRoundTripThroughFilesForEachType() throws {
        let dir = try temporaryDirectory(self)
        let cases: [(ScalarType, Tensor)] = [
            (.float32, Tensor.uniform([3, 4, 5], low: -10, high: 10, generator: RandomGenerator(seed: 1))),
            (.float64, Tensor([[0.1, -0.2], [1e-30, 3e30]])),
            (.uint8, Tensor([0, 1, 128, 255])),
            (.int64, Tensor([-16_777_216, -1, 0, 16_777_216])),
            (.float32, Tensor(2.5)),
            (.float32, Tensor.zeros([0, 3])),
        ]
        for (i, (type, x)) in cases.enumerated() {
            let url = dir.appendingPathComponent("x\(i).npy")
            try NPY.write(x, to: url, as: type)
            let bytes = try Data(contentsOf: url)
            XCTAssertEqual((bytes.count - x.count * type.byteCount) % 64, 0, "header of \(type) is 64-byte aligned")
            let back = try NPY.read(url)
            XCTAssertEqual(back.shape, x.shape, "\(type)")
            XCTAssertEqual(back.scalars, x.scalars, "\(type)")
        }
    }

    func testBadFiles() throws {
        let good = try NPY.encode(Tensor([1, 2, 3]))
        assertDataError("a.npy", "not a .npy file") { try NPY.decode(Array("hello world".utf8), path: "a.npy") }
        assertDataError("a.npy", "truncated", "12", "8") { try NPY.decode(Array(good.dropLast(4)), path: "a.npy") }
        assertDataError("a.npy", "too long") { try NPY.decode(good + [0], path: "a.npy") }
        let complex = numpyHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }") + [UInt8](repeating: 0, count: 8)
        assertDataError("a.npy", "unsupported dtype <c8") { try NPY.decode(complex, path: "a.npy") }
        let noShape = numpyHeader("{'descr': '<f4', 'fortran_order': False, }")
        assertDataError("a.npy", "no 'shape' entry") { try NPY.decode(noShape, path: "a.npy") }
        assertDataError("/nonexistent/x.npy", "file not found") { try NPY.read(URL(fileURLWithPath: "/nonexistent/x.npy")) }
        assertDataError("out.npy", "element 0 is -1.0", "uint8") { try NPY.encode(Tensor([-1]), as: .uint8, path: "out.npy") }
    }
}
