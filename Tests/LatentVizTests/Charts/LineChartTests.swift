import Foundation
import XCTest
import LatentTestSupport
@testable import LatentViz

final class LineChartTests: XCTestCase {
    func trainingCurves() -> LineChart {
        var chart = LineChart(title: "Negative ELBO", xTitle: "epoch", yTitle: "nats")
        let epochs = (0..<40).map(Double.init)
        chart.add(LineSeries(name: "train", x: epochs, y: epochs.map { 90 + 120 * exp(-$0 / 6) }))
        chart.add(LineSeries(name: "test", x: epochs, y: epochs.map { 97 + 110 * exp(-$0 / 7) }))
        chart.add(LineSeries(name: "KL", x: epochs, y: epochs.map { 25 - 10 * exp(-$0 / 5) }))
        return chart
    }

    func testRendersAllSeriesAxesAndLegend() throws {
        let image = try roundTrip(trainingCurves().render(), name: "line_chart", width: 800, height: 500)
        let counts = image.colorCounts
        XCTAssertGreaterThan(counts.count, 50, "anti-aliased lines and text give many colors")
        for i in 0..<3 {
            XCTAssertGreaterThan(counts[Palette.color(i)] ?? 0, 300, "series \(i) in its palette color")
        }
        let frame = trainingCurves().layout().frame
        // The frame line runs just outside the plot rectangle: check its left edge over its height.
        let left = frame.plot.x - 1
        let frameRows = (frame.plot.y..<frame.plot.maxY).filter { image[left, $0] == RGB.ink }.count
        XCTAssertGreaterThan(frameRows, frame.plot.height * 9 / 10)
        XCTAssertGreaterThan(image.count(of: .ink, in: PixelRect(x: 0, y: 0, width: 800, height: 40)), 100, "title ink")
        XCTAssertGreaterThan(image.count(of: .ink, in: PixelRect(x: 0, y: 460, width: 800, height: 40)), 40, "x title ink")
    }

    func testLogScaleTicksAreEvenlySpacedPowersOfTen() throws {
        var chart = LineChart(title: "loss", xTitle: "step", yTitle: "loss")
        chart.yScale = .log10
        let steps = (1...200).map(Double.init)
        chart.add(LineSeries(name: "loss", x: steps, y: steps.map { 10 / $0 + 0.001 }))
        chart.add(LineSeries(name: "with gaps", x: steps, y: steps.map { $0.truncatingRemainder(dividingBy: 50) < 10 ? .nan : 2 / $0 }))
        let image = try roundTrip(chart.render(), name: "line_chart_log", width: 800, height: 500)
        let frame = chart.layout().frame
        let y = frame.y
        XCTAssertEqual(y.ticks.labels, ["0.01", "0.1", "1", "10"])
        let rows = y.ticks.values.map { frame.row($0) }
        let gaps = zip(rows, rows.dropFirst()).map { $0 - $1 }
        XCTAssertLessThanOrEqual(gaps.max()! - gaps.min()!, 1, "decades equally spaced: rows \(rows)")
        for row in rows { XCTAssertEqual(image[frame.plot.x - 4, row], .ink, "tick mark at row \(row)") }
        // The second series is missing for steps 50…59: no pixels of its color in that x band.
        let gapBand = PixelRect(x: Int(frame.pixelX(51.5)), y: frame.plot.y, width: Int(frame.pixelX(57.5) - frame.pixelX(51.5)), height: frame.plot.height)
        XCTAssertEqual(image.count(of: Palette.color(1), in: gapBand), 0)
        XCTAssertGreaterThan(image.count(of: Palette.color(1)), 100)
    }

    func testBadInputStopsWithAMessage() {
        assertStops(mentioning: "no series to draw") { _ = LineChart(title: "empty").render() }
        assertStops(mentioning: "x has 3 values but y has 2") { _ = LineSeries(name: "a", x: [1, 2, 3], y: [1.0, 2]) }
    }
}
