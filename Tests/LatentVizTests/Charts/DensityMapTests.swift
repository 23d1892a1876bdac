import Foundation
import LatentTensor
import XCTest
import LatentTestSupport
@testable import LatentViz

final class DensityMapTests: XCTestCase {
    /// Two Gaussian bumps, the kind of target a flow is fitted to.
    static func twoMoons(_ x: Double, _ y: Double) -> Double {
        exp(-((x - 1.2) * (x - 1.2) + y * y) / 0.5) + 0.6 * exp(-((x + 1.5) * (x + 1.5) + (y - 1) * (y - 1)) / 0.3)
    }

    func testHeatMapWithSamplesAndColorBar() throws {
        var map = DensityMap(xRange: -4...4, yRange: -3...3, resolution: 64, title: "p(x)", density: DensityMapTests.twoMoons)
        map.valueTitle = "density"
        var points = [Float]()
        for i in 0..<300 {
            let angle = Double(i) * 0.7, radius = 0.6 * Double(i % 7) / 7
            points += [Float(-1.5 + radius * cos(angle)), Float(1 + radius * sin(angle))]
        }
        map.overlay(samples: Tensor(shape: [300, 2], scalars: points))
        let image = try roundTrip(map.render(), name: "density_map", width: 680, height: 560)
        let frame = map.layout().frame
        // The peak at (1.2, 0) is yellow (up to the interpolation between grid cells); a far corner the low color.
        let peak = image[Int(frame.pixelX(1.2)), Int(frame.pixelY(0))]
        XCTAssertTrue(peak.r > 220 && peak.g > 200 && peak.b < 80, "yellow at the peak: \(peak)")
        let side = image[Int(frame.pixelX(-1.5)), Int(frame.pixelY(0.2))]
        XCTAssertTrue(side.b > side.r && side.b > side.g, "blue on the flank of the smaller bump: \(side)")
        XCTAssertEqual(image[Int(frame.pixelX(-3.8)), Int(frame.pixelY(-2.8))], Colormap.viridis.color(at: 0))
        let red = image.colorCounts.filter { $0.key.r > 150 && $0.key.g < 100 && $0.key.b < 100 }.values.reduce(0, +)
        XCTAssertGreaterThan(red, 200, "red sample dots")
        XCTAssertGreaterThan(image.colorCounts.count, 200, "smooth color ramp")
        // The color bar: the bottom row of the bar is the low color, the top row the high one.
        let barX = frame.plot.maxX + ColorBar.gap + ColorBar.barWidth / 2
        XCTAssertEqual(image[barX, frame.plot.maxY - 1], Colormap.viridis.color(at: 0.5 / Double(frame.plot.height)))
        XCTAssertEqual(image[barX, frame.plot.y], Colormap.viridis.color(at: 1 - 0.5 / Double(frame.plot.height)))
    }

    func testGridRowZeroIsTheBottom() throws {
        // Rows 0…3 bottom to top hold 0, 1, 2, 3: the top of the picture is the high end of the colormap.
        let grid = Tensor(shape: [4, 2], scalars: [0, 0, 1, 1, 2, 2, 3, 3])
        var map = DensityMap(values: grid, xRange: 0...1, yRange: 0...1, title: "rows")
        map.colormap = .gray
        let image = try roundTrip(map.render(), name: "density_rows", width: 680, height: 560)
        let frame = map.layout().frame
        XCTAssertEqual(image[frame.plot.x + 5, frame.plot.y + 2], .white)
        XCTAssertEqual(image[frame.plot.x + 5, frame.plot.maxY - 2], .black)
    }

    func testBadInputStopsWithAMessage() {
        assertStops(mentioning: "values must have shape [rows, columns]") {
            _ = DensityMap(values: Tensor([1, 2, 3]), xRange: 0...1, yRange: 0...1)
        }
        assertStops(mentioning: "samples must have shape [N, 2]") {
            var map = DensityMap(xRange: 0...1, yRange: 0...1, resolution: 4) { x, _ in x }
            map.overlay(samples: Tensor([1, 2, 3]))
        }
    }
}
