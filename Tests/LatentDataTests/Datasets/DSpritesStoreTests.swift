import XCTest
import LatentTestSupport
import LatentTensor
@testable import LatentData

/// `DSprites.Store` on small archives laid out like the original file (imgs uint8 [N, 64, 64],
/// latents_classes int64 [N, 6]), deflated as `numpy.savez_compressed` writes them.
final class DSpritesStoreTests: XCTestCase {
    /// An archive of the sprites with the given factor rows, drawn by `Sprites.render` (pixels 0/1).
    private func archive(_ rows: [[Int]], pixel: (Int) -> UInt8? = { _ in nil }, in dir: URL) throws -> URL {
        let set = Sprites.render(rows)
        var imgs = set.images.reshaped([rows.count, 64, 64])
        if let override = pixel(0) { var s = imgs.scalars; s[5] = Float(override); imgs = Tensor(shape: imgs.shape, scalars: s) }
        let classes = Tensor(shape: [rows.count, 6], scalars: rows.flatMap { [0] + $0.map(Float.init) })
        let imgBytes = try NPY.encode(imgs, as: .uint8), classBytes = try NPY.encode(classes, as: .int64)
        return try writeFile(ZipFixture.archive([
            .init(name: "imgs.npy", data: imgBytes, deflated: rawDeflate(imgBytes)),
            .init(name: "latents_classes.npy", data: classBytes, deflated: rawDeflate(classBytes)),
        ], zip64: true), named: DSprites.fileName, in: dir)
    }

    func testRendersTheArchivesPixelsForAnyFactorRow() throws {
        let dir = try temporaryDirectory(self)
        let rows = [[0, 0, 0, 0, 0], [2, 5, 39, 31, 31], [1, 3, 7, 16, 4]]
        let store = try DSprites.Store(contentsOf: archive(rows, in: dir))
        XCTAssertEqual(store.count, 3)
        let asked = [rows[2], rows[0], rows[2]]
        let got = try store.render(asked)
        XCTAssertEqual(got.images.scalars, Sprites.render(asked).images.scalars, "bit-packing keeps every pixel")
        XCTAssertEqual(got.factorIndices.scalars, asked.flatMap { $0.map(Float.init) })
        XCTAssertGreaterThan(got.images.scalars.reduce(0, +), 100)
        assertDataError("no image for the factor indices [1, 1, 1, 1, 1]") { try store.render([[1, 1, 1, 1, 1]]) }
    }

    func testRefusesFilesThatAreNotDSprites() throws {
        let dir = try temporaryDirectory(self)
        let badPixel = try archive([[0, 0, 0, 0, 0]], pixel: { _ in 7 }, in: dir)
        assertDataError("imgs", "pixel value 7", "0 or 1") { try DSprites.Store(contentsOf: badPixel) }
        let other = try writeFile(ZipFixture.archive([.init(name: "x.npy", data: try NPY.encode(Tensor.zeros([1, 2])))]), named: "o.npz", in: dir)
        assertDataError("o.npz", "no imgs array") { try DSprites.Store(contentsOf: other) }
    }
}
