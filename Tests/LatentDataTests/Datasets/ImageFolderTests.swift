import XCTest
import LatentViz
import LatentTensor
@testable import LatentData

final class ImageFolderTests: XCTestCase {
    /// Writes a w×h gray PNG whose pixel (x, y) is `value(x, y)`.
    private func gray(_ url: URL, _ w: Int = 4, _ h: Int = 3, _ value: (Int, Int) -> Int) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let pixels = (0..<(w * h)).map { UInt8(value($0 % w, $0 / w)) }
        try PNG.write(GrayImage(width: w, height: h, pixels: pixels), to: url.path)
    }

    func testClassSubFoldersGiveSortedLabelsAndGrayPixelsInUnitRange() throws {
        let dir = try temporaryDirectory(self)
        try gray(dir.appendingPathComponent("zebra/1.png")) { x, y in 10 * x + y }
        try gray(dir.appendingPathComponent("ant/b.png")) { _, _ in 255 }
        try gray(dir.appendingPathComponent("ant/a.png")) { _, _ in 0 }
        try Data("not an image".utf8).write(to: dir.appendingPathComponent("ant/notes.txt"))
        let (train, test) = try ImageFolder.load(dir)
        XCTAssertNil(test)
        XCTAssertEqual(train.classNames, ["ant", "zebra"])
        XCTAssertEqual(train.labels?.scalars, [0, 0, 1])
        XCTAssertEqual(train.images.shape, [3, 1, 3, 4])
        let pixels = train.images.scalars
        XCTAssertEqual(Array(pixels[0..<12]), Array(repeating: 0, count: 12), "ant/a.png first (sorted)")
        XCTAssertEqual(Array(pixels[12..<24]), Array(repeating: 1, count: 12))
        XCTAssertEqual(pixels[24 + 1 * 4 + 3], Float(31) / 255, accuracy: 1e-7, "pixel (3, 1) of zebra/1.png")
    }

    func testAnyColouredImageMakesTheSetRGBAndAlphaIsCompositedOverBlack() throws {
        let dir = try temporaryDirectory(self)
        try gray(dir.appendingPathComponent("g.png"), 2, 1) { x, _ in 100 + x }
        var rgb = RGBImage(width: 2, height: 1)
        rgb[0, 0] = RGB(255, 0, 0)
        rgb[1, 0] = RGB(0, 0, 51)
        try PNG.write(rgb, to: dir.appendingPathComponent("c.png").path)
        // A 2×1 RGBA file by hand: (255, 255, 255, alpha 51) and (0, 0, 0, 255).
        let rgba = PNGTestFiles.png(width: 2, height: 1, depth: 8, colorType: 6, samples: [255, 255, 255, 51, 0, 0, 0, 255])
        try Data(rgba).write(to: dir.appendingPathComponent("d.png"))
        let images = try ImageFolder.load(dir).train.images
        XCTAssertEqual(images.shape, [3, 3, 1, 2])
        let p = images.scalars  // files sorted: c, d, g; planes R, G, B of 2 pixels each
        XCTAssertEqual(Array(p[0..<6]), [1, 0, 0, 0, 0, 0.2])
        XCTAssertEqual(Array(p[6..<12]).map { ($0 * 255).rounded() }, [51, 0, 51, 0, 51, 0])
        XCTAssertEqual(Array(p[12..<18]).map { ($0 * 255).rounded() }, [100, 101, 100, 101, 100, 101], "gray replicated to RGB")
    }

    func testTrainAndTestFoldersAreTheSplitsWithSharedClassNumbers() throws {
        let dir = try temporaryDirectory(self)
        for (split, cls, n) in [("train", "cat", 2), ("train", "dog", 1), ("test", "dog", 2)] {
            for i in 0..<n { try gray(dir.appendingPathComponent("\(split)/\(cls)/\(i).png")) { _, _ in i } }
        }
        let (train, test) = try ImageFolder.load(dir)
        XCTAssertEqual(train.labels?.scalars, [0, 0, 1])
        XCTAssertEqual(test?.labels?.scalars, [1, 1], "test's dog is training class 1")
        try gray(dir.appendingPathComponent("test/bird/0.png")) { _, _ in 0 }
        assertDataError("bird", "no training images") { try ImageFolder.load(dir) }
    }

    func testBadFoldersGiveErrorsNamingTheFile() throws {
        let dir = try temporaryDirectory(self)
        try gray(dir.appendingPathComponent("a.png"), 4, 3) { _, _ in 0 }
        try gray(dir.appendingPathComponent("b.png"), 5, 3) { _, _ in 0 }
        assertDataError("b.png", "5×3", "a.png is 4×3") { try ImageFolder.load(dir) }
        try gray(dir.appendingPathComponent("sub/c.png")) { _, _ in 0 }
        assertDataError(dir.path, "both images") { try ImageFolder.load(dir) }
        let empty = try temporaryDirectory(self)
        assertDataError(empty.path, "no .png images") { try ImageFolder.load(empty) }
        assertDataError("nowhere", "no such folder") { try ImageFolder.load(empty.appendingPathComponent("nowhere")) }
        let broken = try temporaryDirectory(self)
        try Data([1, 2, 3]).write(to: broken.appendingPathComponent("x.png"))
        assertDataError("x.png", "not a PNG file") { try ImageFolder.load(broken) }
    }
}
