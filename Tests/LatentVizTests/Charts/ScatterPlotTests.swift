import Foundation
import LatentTensor
import XCTest
import LatentTestSupport
@testable import LatentViz

final class ScatterPlotTests: XCTestCase {
    /// Ten labelled clusters on a ring, like the 2-D latent codes of MNIST digits.
    static func latentCodes(perClass: Int = 40) -> (points: Tensor, labels: [Int]) {
        var values = [Float](), labels = [Int]()
        var state: UInt32 = 7
        func uniform() -> Double {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Double(state >> 8) / Double(1 << 24)
        }
        for i in 0..<(10 * perClass) {
            let label = i % 10
            let angle = Double(label) / 10 * 2 * Double.pi
            values += [Float(2.5 * cos(angle) + uniform() - 0.5), Float(2.5 * sin(angle) + uniform() - 0.5)]
            labels.append(label)
        }
        return (Tensor(shape: [10 * perClass, 2], scalars: values), labels)
    }

    func testEveryLabelColorAndTheLegendAppear() throws {
        let codes = ScatterPlotTests.latentCodes()
        let plot = ScatterPlot(points: codes.points, labels: codes.labels, title: "Latent codes by digit")
        let image = try roundTrip(plot.render(), name: "scatter_plot", width: 720, height: 560)
        let counts = image.colorCounts
        for label in 0..<10 {
            XCTAssertGreaterThan(counts[Palette.color(label)] ?? 0, 20, "legend dot and points of label \(label)")
        }
        // The legend sits right of the plot: its entries' dots are there in label order, top to bottom.
        let frame = plot.layout().frame
        let legendArea = PixelRect(x: frame.plot.maxX + 1, y: 0, width: 720 - frame.plot.maxX - 1, height: 560)
        let firstRows = (0..<10).map { label -> Int in
            (0..<560).first { y in (legendArea.x..<720).contains { image[$0, y] == Palette.color(label) } } ?? -1
        }
        XCTAssertEqual(firstRows, firstRows.sorted(), "legend rows in label order: \(firstRows)")
        XCTAssertFalse(firstRows.contains(-1))
    }

    func testUnlabelledPointsUseOneColorAndNoLegend() throws {
        let plot = ScatterPlot(x: [0.0, 1, 2, .nan], y: [0.0, 1, 4, 1], title: "plain")
        let image = try roundTrip(plot.render(), name: "scatter_plain", width: 720, height: 560)
        // Dots are drawn at 75% opacity over white: bluish pixels, nothing orange.
        let blue = image.colorCounts.filter { Int($0.key.b) > Int($0.key.r) + 60 }.values.reduce(0, +)
        XCTAssertGreaterThan(blue, 3 * 12)
        XCTAssertLessThan(blue, 3 * 40, "three dots only")
        XCTAssertEqual(image.colorCounts.filter { Int($0.key.r) > Int($0.key.b) + 60 }.count, 0)
    }

    func testBadInputStopsWithAMessage() {
        assertStops(mentioning: "2 labels for 3 points") { _ = ScatterPlot(x: [1.0, 2, 3], y: [1.0, 2, 3], labels: [0, 1]) }
        assertStops(mentioning: "points must have shape [N, 2]") { _ = ScatterPlot(points: Tensor([[1, 2, 3]])) }
        assertStops(mentioning: "no points to draw") { _ = ScatterPlot(x: [Double](), y: []).render() }
    }
}
