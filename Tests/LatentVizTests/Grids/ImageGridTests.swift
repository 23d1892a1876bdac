import LatentTensor
import XCTest
import LatentTestSupport
@testable import LatentViz

final class ImageGridTests: XCTestCase {
    /// `n` gray 3×4 (H×W) images; image k is uniformly (k+1)/(n+1) except pixel (0, 0), which is 1.
    func images(_ n: Int, height: Int = 3, width: Int = 4) -> Tensor {
        var values = [Float]()
        for k in 0..<n {
            var tile = [Float](repeating: Float(k + 1) / Float(n + 1), count: height * width)
            tile[0] = 1
            values += tile
        }
        return Tensor(shape: [n, 1, height, width], scalars: values)
    }

    func testTilePlacementAndPadding() throws {
        let grid = ImageGrid(columns: 3, padding: 2, background: RGB(255, 0, 0))
        let image = try roundTrip(grid.render(images(5)), name: "grid_placement", width: 2 + 3 * (4 + 2), height: 2 + 2 * (3 + 2))
        for k in 0..<5 {
            let origin = grid.tileOrigin(row: k / 3, column: k % 3, tileWidth: 4, tileHeight: 3)
            XCTAssertEqual(origin.x, 2 + (k % 3) * 6)
            XCTAssertEqual(origin.y, 2 + (k / 3) * 5)
            let level = UInt8((Float(k + 1) / 6 * 255).rounded())
            XCTAssertEqual(image[origin.x, origin.y], RGB(255, 255, 255), "marker pixel of tile \(k)")
            XCTAssertEqual(image[origin.x + 3, origin.y + 2], RGB(level, level, level), "body of tile \(k)")
            XCTAssertEqual(image[origin.x - 1, origin.y], RGB(255, 0, 0), "padding left of tile \(k)")
            XCTAssertEqual(image[origin.x, origin.y - 1], RGB(255, 0, 0), "padding above tile \(k)")
        }
        XCTAssertEqual(image[2 + 2 * 6 + 1, 2 + 5 + 1], RGB(255, 0, 0), "the missing sixth tile is background")
        XCTAssertEqual(image.count(of: RGB(255, 0, 0)), image.width * image.height - 5 * 12, "everything but the five tiles")
    }

    func testFlatVectorsWithImageShapeRGBAndScale() throws {
        // Two 2×2 RGB images given as [N, 12] (planes R, G, B) with values outside [0, 1] and a NaN.
        let flat = Tensor(shape: [2, 12], scalars: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                                                    -1, 0, 0, .nan, 2, 2, 2, 2, 0.5, 0.5, 0.5, 0.5])
        var grid = ImageGrid(columns: 2, padding: 1, scale: 3)
        grid.background = .black
        let image = try roundTrip(grid.render(flat, imageShape: [3, 2, 2]), name: "grid_rgb", width: 1 + 2 * 7, height: 1 + 7)
        XCTAssertEqual(image[1, 1], RGB(255, 0, 0))
        XCTAssertEqual(image[6, 6], RGB(255, 0, 0), "3× blocks")
        XCTAssertEqual(image[8, 1], RGB(0, 255, 128), "clamped, 0.5 → 128")
        XCTAssertEqual(image[14, 7], .black, "bottom-right corner is padding")
    }

    func testReconstructionsPairInputRowsWithTheirReconstructions() throws {
        let inputs = images(5), outputs = images(5)
        let picture = ImageGrid.reconstructions(inputs: inputs, reconstructions: outputs, columns: 3)
        var grid = ImageGrid(columns: 3)
        grid.groupRows = 2
        grid.groupGap = 6
        // Rows: inputs 0–2, their reconstructions, gap, inputs 3–4, their reconstructions.
        XCTAssertEqual(picture.height, 2 + 4 * (3 + 2) + 6)
        let rowOrigins = (0..<4).map { grid.tileOrigin(row: $0, column: 0, tileWidth: 4, tileHeight: 3).y }
        XCTAssertEqual(rowOrigins, [2, 7, 18, 23])
        let level = { (k: Int) -> RGB in let v = UInt8((Float(k + 1) / 6 * 255).rounded()); return RGB(v, v, v) }
        XCTAssertEqual(picture[2 + 1, rowOrigins[0] + 1], level(0))
        XCTAssertEqual(picture[2 + 1, rowOrigins[1] + 1], level(0))
        XCTAssertEqual(picture[2 + 6 + 1, rowOrigins[3] + 1], level(4))
        XCTAssertEqual(picture[2 + 12 + 1, rowOrigins[3] + 1], .white, "no sixth image")
        try roundTrip(picture, name: "grid_reconstructions", width: picture.width, height: picture.height)
    }

    func testInterpolationsAndTraversalLayouts() throws {
        let rows = ImageGrid.interpolations(images(8, height: 6, width: 6), steps: 4, scale: 2)
        XCTAssertEqual(rows.width, 2 + 4 * (12 + 2))
        XCTAssertEqual(rows.height, 2 + 2 * (12 + 2))
        try roundTrip(rows, name: "grid_interpolations", width: rows.width, height: rows.height)

        let traversal = ImageGrid.traversal(images(6, height: 10, width: 10), dimensions: [0, 3], values: [-2, 0, 2], scale: 2)
        var grid = ImageGrid(columns: 3, scale: 2)
        grid.rowLabels = ["z0", "z3"]
        grid.columnLabels = ["-2", "0", "2"]
        let first = grid.tileOrigin(row: 0, column: 0, tileWidth: 20, tileHeight: 20)
        XCTAssertGreaterThan(first.x, 11, "room for the row labels")
        XCTAssertGreaterThan(first.y, 8, "room for the column labels")
        XCTAssertEqual(traversal.width, first.x + 3 * 22)
        let image = try roundTrip(traversal, name: "grid_traversal", width: traversal.width, height: traversal.height)
        XCTAssertGreaterThan(image.count(of: .ink, in: PixelRect(x: 0, y: first.y, width: first.x, height: 20)), 10, "'z0' label ink")
        XCTAssertGreaterThan(image.count(of: .ink, in: PixelRect(x: first.x, y: 0, width: 22, height: first.y)), 5, "'-2' label ink")
    }

    func testDigitGridsAtScale() throws {
        let digits = DigitImages.batch(16)
        let samples = ImageGrid.samples(digits, columns: 8, scale: 2)
        XCTAssertEqual(samples.width, 2 + 8 * (56 + 2))
        XCTAssertTrue(samples.isGrayscale)
        let decoded = try roundTrip(samples, name: "grid_samples", width: samples.width, height: samples.height)
        XCTAssertEqual(try decodePNG(PNG.encode(samples)).colorType, 0, "gray grids are stored as gray8")
        // Tile 1 shows a "1": its vertical stroke crosses the tile centre.
        XCTAssertEqual(decoded[2 + 58 + 28, 2 + 28], .white)

        let recon = ImageGrid.reconstructions(inputs: digits, reconstructions: DigitImages.blurred(digits), columns: 8, scale: 2)
        try roundTrip(recon, name: "grid_digit_reconstructions", width: recon.width, height: recon.height)

        // Interpolations: 2 rows of 8 steps blending digit a into digit b.
        var blend = [Float]()
        for (a, b) in [(1, 7), (3, 8)] {
            let x = DigitImages.digit(a), y = DigitImages.digit(b)
            for s in 0..<8 { let t = Float(s) / 7; blend += zip(x, y).map { (1 - t) * $0 + t * $1 } }
        }
        let rows = ImageGrid.interpolations(Tensor(shape: [16, 784], scalars: blend), steps: 8, imageShape: [28, 28], scale: 2)
        try roundTrip(rows, name: "grid_digit_interpolations", width: rows.width, height: rows.height)

        // Traversal: dimension 0 shifts the digit sideways, dimension 1 up and down.
        let values = [-6.0, -3, 0, 3, 6]
        let traversal = Tensor(shape: [10, 1, 28, 28], scalars: (0..<2).flatMap { dim in
            values.flatMap { v in DigitImages.digit(4, dx: dim == 0 ? Int(v) : 0, dy: dim == 1 ? Int(v) : 0) }
        })
        let grid = ImageGrid.traversal(traversal, dimensions: [0, 1], values: values, scale: 2)
        try roundTrip(grid, name: "grid_digit_traversal", width: grid.width, height: grid.height)
    }

    func testBadShapesStopWithAMessage() {
        assertStops(mentioning: "need 1 or 3 channels") { _ = ImageGrid(columns: 2).render(Tensor.zeros([2, 2, 3, 3])) }
        assertStops(mentioning: "imageShape [1, 5, 5] needs 25") { _ = ImageGrid(columns: 2).render(Tensor.zeros([2, 24]), imageShape: [5, 5]) }
        assertStops(mentioning: "do not split into rows of 3") { _ = ImageGrid.interpolations(self.images(4), steps: 3) }
        assertStops(mentioning: "must hold the same images") {
            _ = ImageGrid.reconstructions(inputs: self.images(4), reconstructions: self.images(3))
        }
    }
}
