import XCTest
@testable import LatentViz

final class DrawingTests: XCTestCase {
    func testFillStrokeAndClipping() {
        var image = RGBImage(width: 10, height: 8)
        image.fill(PixelRect(x: 8, y: 6, width: 5, height: 5), color: .black)
        XCTAssertEqual(image.count(of: .black), 4, "clipped to the 2×2 corner")
        image.stroke(PixelRect(x: 1, y: 1, width: 4, height: 3), color: RGB(9, 9, 9))
        XCTAssertEqual(image.count(of: RGB(9, 9, 9)), 10, "outline of a 4×3 rectangle")
        XCTAssertEqual(image[2, 2], .white)
    }

    func testBlendMixesLinearly() {
        var image = RGBImage(width: 1, height: 1, fill: RGB(0, 100, 200))
        image.blend(x: 0, y: 0, color: RGB(200, 100, 0), alpha: 0.25)
        XCTAssertEqual(image[0, 0], RGB(50, 100, 150))
    }

    func testHorizontalPolylineHasFullCoverageCoreAndSoftEdges() {
        var image = RGBImage(width: 40, height: 20)
        let red = RGB(255, 0, 0)
        image.strokePolyline([(x: 5, y: 10), (x: 35, y: 10)], color: red, width: 3)
        // The line covers y in [8.5, 11.5]: rows 9 and 10 fully, rows 8 and 11 half.
        for x in 6..<34 {
            XCTAssertEqual(image[x, 9], red)
            XCTAssertEqual(image[x, 10], red)
            XCTAssertEqual(image[x, 8], RGB(255, 128, 128))
            XCTAssertEqual(image[x, 12], .white)
        }
        XCTAssertEqual(image[20, 3], .white)
    }

    func testPolylineRespectsClipAndJoinsWithoutDarkening() {
        var image = RGBImage(width: 30, height: 30)
        let blue = RGB(0, 0, 255)
        image.strokePolyline([(x: 2, y: 2), (x: 28, y: 2), (x: 28, y: 28)], color: blue, width: 2,
                             clip: PixelRect(x: 0, y: 0, width: 15, height: 30))
        XCTAssertGreaterThan(image.count(of: blue), 20)
        for y in 0..<30 { for x in 15..<30 { XCTAssertEqual(image[x, y], .white) } }
        var joined = RGBImage(width: 30, height: 30)
        joined.strokePolyline([(x: 2, y: 15), (x: 15, y: 15), (x: 28, y: 15)], color: blue, width: 2, alpha: 0.5)
        XCTAssertEqual(joined[15, 14], joined[10, 14], "the join is blended once, like the rest of the line")
    }

    func testCircleCoverage() {
        var image = RGBImage(width: 20, height: 20)
        image.fillCircle(cx: 10, cy: 10, radius: 4, color: .black)
        XCTAssertEqual(image[10, 10], .black)
        XCTAssertEqual(image[10, 4], .white)
        let ink = image.colorCounts.filter { $0.key != .white }.values.reduce(0, +)
        XCTAssertEqual(Double(ink), Double.pi * 16, accuracy: 16, "about πr² pixels touched")
    }
}
