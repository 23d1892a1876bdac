import XCTest
@testable import LatentViz

final class ColorTests: XCTestCase {
    func testColormapEndsInterpolationAndClamping() {
        let map = Colormap([RGB(0, 0, 0), RGB(100, 200, 50), RGB(200, 0, 250)])
        XCTAssertEqual(map.color(at: 0), RGB(0, 0, 0))
        XCTAssertEqual(map.color(at: 0.25), RGB(50, 100, 25))
        XCTAssertEqual(map.color(at: 0.5), RGB(100, 200, 50))
        XCTAssertEqual(map.color(at: 1), RGB(200, 0, 250))
        XCTAssertEqual(map.color(at: 7), RGB(200, 0, 250))
        XCTAssertEqual(map.color(at: -1), RGB(0, 0, 0))
        XCTAssertEqual(map.color(at: .nan), RGB(0, 0, 0))
    }

    func testViridisRunsDarkPurpleToYellowWithRisingLightness() {
        XCTAssertEqual(Colormap.viridis.color(at: 0), RGB(68, 1, 84))
        XCTAssertEqual(Colormap.viridis.color(at: 1), RGB(253, 231, 37))
        let lightness = (0...20).map { i -> Int in
            let c = Colormap.viridis.color(at: Double(i) / 20)
            return 299 * Int(c.r) + 587 * Int(c.g) + 114 * Int(c.b)
        }
        XCTAssertEqual(lightness, lightness.sorted(), "viridis gets lighter monotonically")
        XCTAssertEqual(Colormap.viridis.lookupTable().count, 256)
    }

    func testPaletteColorsAreDistinctAndCycle() {
        XCTAssertEqual(Set(Palette.tableau10).count, 10)
        XCTAssertEqual(Palette.color(12), Palette.color(2))
        XCTAssertEqual(Palette.color(-1), Palette.color(9))
    }
}
