import XCTest
import LatentTestSupport
import LatentTensor
@testable import LatentData

final class ArrayFilesTests: XCTestCase {
    func testNPYShapesBecomePointsOrImages() throws {
        let dir = try temporaryDirectory(self)
        let points = Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) - 5.5 })
        try NPY.write(points, to: dir.appendingPathComponent("p.npy"))
        XCTAssertEqual(try ArrayFiles.loadNPY(dir.appendingPathComponent("p.npy")).train.inputs.scalars, points.scalars)
        // uint8 [N, H, W] → [N, 1, H, W] / 255.
        try NPY.write(Tensor(shape: [2, 2, 3], scalars: [0, 51, 102, 153, 204, 255, 0, 0, 0, 0, 0, 255]), to: dir.appendingPathComponent("g.npy"), as: .uint8)
        let gray = try ArrayFiles.loadNPY(dir.appendingPathComponent("g.npy")).train.inputs
        XCTAssertEqual(gray.shape, [2, 1, 2, 3])
        for (value, expected) in zip(gray.scalars.prefix(6), [0, 0.2, 0.4, 0.6, 0.8, 1] as [Float]) { XCTAssertEqual(value, expected, accuracy: 1e-6) }
        // [N, H, W, C] with C = 3 → channels first.
        let nhwc = Tensor(shape: [1, 2, 1, 3], scalars: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
        try NPY.write(nhwc, to: dir.appendingPathComponent("c.npy"))
        let chw = try ArrayFiles.loadNPY(dir.appendingPathComponent("c.npy")).train.inputs
        XCTAssertEqual(chw.shape, [1, 3, 2, 1])
        XCTAssertEqual(chw.scalars, [0.1, 0.4, 0.2, 0.5, 0.3, 0.6])
    }

    func testNPYFolderWithTrainAndTest() throws {
        let dir = try temporaryDirectory(self)
        try NPY.write(Tensor(shape: [4, 2], scalars: Array(repeating: 1, count: 8)), to: dir.appendingPathComponent("train.npy"))
        try NPY.write(Tensor(shape: [2, 2], scalars: Array(repeating: 2, count: 4)), to: dir.appendingPathComponent("test.npy"))
        try NPY.write(Tensor(shape: [1, 2], scalars: [3, 3]), to: dir.appendingPathComponent("validation.npy"))
        let parts = try ArrayFiles.loadNPY(dir)
        XCTAssertEqual(parts.train.inputs.shape, [4, 2])
        XCTAssertEqual(parts.test?.inputs.scalars, [2, 2, 2, 2])
        try NPY.write(Tensor(shape: [2, 3], scalars: Array(repeating: 2, count: 6)), to: dir.appendingPathComponent("test.npy"))
        assertDataError("test.npy", "[3]", "[2]") { try ArrayFiles.loadNPY(dir) }
    }

    func testBadArraysNameTheFileAndWhere() throws {
        let dir = try temporaryDirectory(self)
        func npy(_ t: Tensor, _ name: String, as type: ScalarType = .float32) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try NPY.write(t, to: url, as: type)
            return url
        }
        let nan = try npy(Tensor(shape: [2, 2], scalars: [0, 1, .nan, 3]), "nan.npy")
        assertDataError("nan.npy", "row 1, column 1", "finite") { try ArrayFiles.loadNPY(nan) }
        let flat = try npy(Tensor([1, 2, 3]), "flat.npy")
        assertDataError("flat.npy", "shape [3]", "not understood") { try ArrayFiles.loadNPY(flat) }
        let empty = try npy(Tensor.zeros([0, 3]), "empty.npy")
        assertDataError("empty.npy", "empty array") { try ArrayFiles.loadNPY(empty) }
        let bright = try npy(Tensor(shape: [2, 1, 2], scalars: [0, 0.5, 0.2, 3]), "bright.npy")
        assertDataError("bright.npy", "image 1", "value 3.0", "[0, 1]") { try ArrayFiles.loadNPY(bright) }
        let channels = try npy(Tensor.zeros([1, 5, 6, 7]), "five.npy")
        assertDataError("five.npy", "channels") { try ArrayFiles.loadNPY(channels) }
        // A complex64 header: the dtype is named.
        var complex = try NPY.encode(Tensor.zeros([1, 2]))
        complex.replaceSubrange(complex.firstRange(of: Array("<f4".utf8))!, with: Array("<c8".utf8))
        let c8 = try writeFile(complex, named: "c8.npy", in: dir)
        assertDataError("c8.npy", "unsupported dtype <c8") { try ArrayFiles.loadNPY(c8) }
    }

    func testNPZKeysAndLabels() throws {
        let dir = try temporaryDirectory(self)
        func entry(_ name: String, _ t: Tensor, _ type: ScalarType = .float32) throws -> ZipFixture.Entry {
            .init(name: name + ".npy", data: try NPY.encode(t, as: type))
        }
        let url = try writeFile(ZipFixture.archive([
            try entry("x_train", Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])), try entry("y_train", Tensor([0, 2, 1]), .int64),
            try entry("x_test", Tensor(shape: [1, 2], scalars: [7, 8])), try entry("y_test", Tensor([1]), .int64),
        ]), named: "d.npz", in: dir)
        let parts = try ArrayFiles.loadNPZ(url)
        XCTAssertEqual(parts.train.labels?.scalars, [0, 2, 1])
        XCTAssertEqual(parts.test?.inputs.scalars, [7, 8])
        let badLabels = try writeFile(ZipFixture.archive([try entry("x", Tensor.zeros([2, 2])), try entry("y", Tensor([0, 0.5]))]), named: "l.npz", in: dir)
        assertDataError("l.npz:y", "label 1 is 0.5", "class indices") { try ArrayFiles.loadNPZ(badLabels) }
        let unknown = try writeFile(ZipFixture.archive([try entry("features", Tensor.zeros([2, 2]))]), named: "u.npz", in: dir)
        assertDataError("u.npz", "features", "expected inputs under train") { try ArrayFiles.loadNPZ(unknown) }
    }

    func testCSVHeaderDetectionAndLabelColumn() throws {
        let dir = try temporaryDirectory(self)
        let labelled = try writeFile(Array("a,label,b\n1,0,2\n3,1,4.5\n".utf8), named: "l.csv", in: dir)
        let parts = try ArrayFiles.loadCSV(labelled)
        XCTAssertEqual(parts.train.inputs.scalars, [1, 2, 3, 4.5])
        XCTAssertEqual(parts.train.labels?.scalars, [0, 1])
        let plain = try writeFile(Array("1,2\n3,4\n".utf8), named: "p.csv", in: dir)
        XCTAssertEqual(try ArrayFiles.loadCSV(plain).train.inputs.shape, [2, 2])
        XCTAssertNil(try ArrayFiles.loadCSV(plain).train.labels)
        let ragged = try writeFile(Array("1,2\n3\n".utf8), named: "r.csv", in: dir)
        assertDataError("r.csv", "line 2 has 1 cells, expected 2") { try ArrayFiles.loadCSV(ragged) }
        let infinite = try writeFile(Array("x,y\n1,2\n3,inf\n".utf8), named: "i.csv", in: dir)
        assertDataError("i.csv", "data row 2, column 2 is inf") { try ArrayFiles.loadCSV(infinite) }
    }
}
