import Foundation
import LatentTensor
import XCTest
import LatentTestSupport
@testable import LatentViz

/// What a diverged model hands the picture code — NaN, ±∞, values near Double's limits — is drawn
/// (marked or clamped) or left out, never a stop: every picture here renders and survives PNG.
final class NonFiniteInputTests: XCTestCase {
    func testDensityMapOfOnlyNaNIsAnEmptyPlotWithANote() throws {
        let map = DensityMap(xRange: -4...4, yRange: -4...4, resolution: 8, title: "all NaN") { _, _ in .nan }
        XCTAssertTrue(map.isEmpty)
        let image = try roundTrip(map.render(), name: "density_all_nan", width: 680, height: 560)
        let frame = map.layout().frame
        XCTAssertEqual(image[frame.plot.x + 3, frame.plot.y + 3], map.missingColor, "NaN cells in the missing color")
        XCTAssertGreaterThan(image.count(of: map.style.ink, in: frame.plot), 50, "the note is written in the plot")
    }

    func testDensityMapMarksNaNAndClampsInfinities() throws {
        // Columns: NaN | −∞ | +∞ | finite ramp — every kind of bad value beside good ones.
        let values: [Float] = [.nan, -.infinity, .infinity, 1, .nan, -.infinity, .infinity, 2]
        let map = DensityMap(values: Tensor(shape: [2, 4], scalars: values), xRange: 0...4, yRange: 0...2, title: "mixed")
        XCTAssertFalse(map.isEmpty)
        XCTAssertEqual(map.colorRange, 1...2)
        let image = try roundTrip(map.render(), name: "density_mixed", width: 680, height: 560)
        let frame = map.layout().frame
        let y = Int(frame.pixelY(1))
        XCTAssertEqual(image[Int(frame.pixelX(0.2)), y], map.missingColor)
        XCTAssertEqual(image[Int(frame.pixelX(1.5)), y], Colormap.viridis.color(at: 0), "−∞ is the low color")
        XCTAssertEqual(image[Int(frame.pixelX(2.5)), y], Colormap.viridis.color(at: 1), "+∞ is the high color")
    }

    func testDensityMapOfHugeValuesAndFarSamples() throws {
        var map = DensityMap(xRange: -1...1, yRange: -1...1, resolution: 4) { x, _ in x < 0 ? -Double.greatestFiniteMagnitude : .greatestFiniteMagnitude }
        map.overlay(samples: Tensor(shape: [4, 2], scalars: [1e30, -1e30, .nan, 0, 0.5, .infinity, -3e38, 3e38]))
        try roundTrip(map.render(), name: "density_huge", width: 680, height: 560)
    }

    func testLineChartWithoutFiniteValuesIsEmptyWithANote() throws {
        var chart = LineChart(title: "diverged", xTitle: "epoch", yTitle: "loss")
        chart.add(LineSeries(name: "train", y: [Double.nan, .infinity, -.infinity]))
        chart.add(LineSeries(name: "test", x: [Double.nan, 1], y: [1.0, .nan]))
        let image = try roundTrip(chart.render(), name: "line_all_nan", width: 800, height: 500)
        XCTAssertTrue(chart.layout().empty)
        XCTAssertGreaterThan(image.count(of: chart.style.ink, in: chart.layout().frame.plot), 50, "the note")
        chart.yScale = .log10
        chart.series = [LineSeries(name: "negative", y: [-1.0, 0])]
        try roundTrip(chart.render(), name: "line_log_nonpositive", width: 800, height: 500)
    }

    func testLineChartOfValuesNearDoublesLimits() throws {
        var chart = LineChart(title: "huge")
        chart.add(LineSeries(name: "", y: [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude, 1e308, 0]))
        try roundTrip(chart.render(), name: "line_huge", width: 800, height: 500)
    }

    func testScatterPlotWithoutFinitePointsIsEmptyWithANote() throws {
        let plot = ScatterPlot(x: [Double.nan, .infinity], y: [1.0, 2], labels: [0, 1], title: "nothing")
        XCTAssertTrue(plot.layout().empty)
        try roundTrip(plot.render(), name: "scatter_all_nan", width: 720, height: 560)
        let huge = ScatterPlot(x: [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude, 0], y: [0.0, 1, 1e300], title: "huge")
        try roundTrip(huge.render(), name: "scatter_huge", width: 720, height: 560)
    }

    func testImageGridMarksNaNPixels() throws {
        let gray = Tensor(shape: [2, 1, 2, 2], scalars: [.nan, .infinity, -.infinity, 0.5, 1, 1, 1, .nan])
        let grid = ImageGrid(columns: 2, padding: 1)
        let image = try roundTrip(grid.render(gray), name: "grid_nan", width: 1 + 2 * 3, height: 1 + 3)
        XCTAssertEqual(image[1, 1], grid.missingColor, "NaN is marked")
        XCTAssertEqual(image[2, 1], .white, "+∞ clamps to 1")
        XCTAssertEqual(image[1, 2], .black, "−∞ clamps to 0")
        XCTAssertEqual(image[5, 2], grid.missingColor)
        let rgb = Tensor(shape: [1, 3, 1, 1], scalars: [0, .nan, 1])
        XCTAssertEqual(ImageGrid(columns: 1, padding: 0).render(rgb)[0, 0], grid.missingColor, "one NaN channel marks the pixel")
    }

    func testTraversalLabelsOfExtremeValues() throws {
        let images = Tensor(shape: [3, 1, 2, 2], scalars: [Float](repeating: 0.5, count: 12))
        let grid = ImageGrid.traversal(images, dimensions: [0], values: [-1e300, .nan, 1e300])
        try roundTrip(grid, name: "traversal_extreme", width: grid.width, height: grid.height)
        let tiny = ImageGrid.traversal(images, dimensions: [0], values: [0, 0, 0])
        try roundTrip(tiny, name: "traversal_equal", width: tiny.width, height: tiny.height)
    }

    func testFormattingNeverStops() {
        XCTAssertEqual(AxisTicks.formatFixed(.nan, decimals: 2), "nan")
        XCTAssertEqual(AxisTicks.formatFixed(-.infinity, decimals: 0), "-inf")
        XCTAssertEqual(AxisTicks.formatFixed(1e300, decimals: 0), "1e300")
        XCTAssertEqual(AxisTicks.formatFixed(-2.5e20, decimals: 1), "-2.5e20")
        XCTAssertEqual(AxisTicks.formatScientific(0, step: 0), "0")
        XCTAssertEqual(AxisTicks.formatPositive(0), "0")
    }

    func testFarAwayDiscsAndLinesDrawNothing() {
        var image = RGBImage(width: 10, height: 10)
        for c in [1e30, -1e30, Double.greatestFiniteMagnitude, 1e19] {
            image.fillCircle(cx: c, cy: 5, radius: 2, color: .black)
            image.fillCircle(cx: 5, cy: c, radius: 2, color: .black)
        }
        image.fillCircle(cx: 5, cy: 5, radius: .infinity, color: .black)
        image.strokePolyline([(0, 0), (1e300, -1e300), (.nan, 3)], color: .black, width: 2)
        XCTAssertEqual(image[9, 9], .white)
    }
}
