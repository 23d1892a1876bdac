import XCTest
import LatentTestSupport
@testable import LatentViz

final class AxisTicksTests: XCTestCase {
    func testNiceStepsAreOneTwoFiveTimesAPowerOfTen() {
        XCTAssertEqual(AxisTicks.niceStep(for: 10, approximateCount: 6), 2)
        XCTAssertEqual(AxisTicks.niceStep(for: 1, approximateCount: 6), 0.2)
        XCTAssertEqual(AxisTicks.niceStep(for: 0.7, approximateCount: 6), 0.1, accuracy: 1e-15)
        XCTAssertEqual(AxisTicks.niceStep(for: 1000, approximateCount: 6), 200)
        XCTAssertEqual(AxisTicks.niceStep(for: 23, approximateCount: 6), 5)
        XCTAssertEqual(AxisTicks.niceStep(for: 3.4e-5, approximateCount: 6), 5e-6, accuracy: 1e-20)
        XCTAssertEqual(AxisTicks.niceStep(for: 100, approximateCount: 11), 10)
    }

    func testLinearTicksAndLabels() {
        let unit = AxisTicks.linear(in: -0.04...1.04)
        XCTAssertEqual(unit.labels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        for (v, e) in zip(unit.values, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) { XCTAssertEqual(v, e, accuracy: 1e-12) }
        XCTAssertEqual(AxisTicks.linear(in: -1.3...2.7, approximateCount: 9).labels, ["-1.0", "-0.5", "0", "0.5", "1.0", "1.5", "2.0", "2.5"])
        XCTAssertEqual(AxisTicks.linear(in: 0...1000).labels, ["0", "200", "400", "600", "800", "1000"])
        XCTAssertEqual(AxisTicks.linear(in: 0...500_000).labels, ["0", "1e5", "2e5", "3e5", "4e5", "5e5"])
        XCTAssertEqual(AxisTicks.linear(in: 0.00012...0.00031).labels, ["1.5e-4", "2e-4", "2.5e-4", "3e-4"])
        XCTAssertTrue(AxisTicks.linear(in: 0...1).minor.isEmpty)
    }

    func testLogTicksAtPowersOfTen() {
        let ticks = AxisTicks.log10(in: 1e-3...10)
        for (v, e) in zip(ticks.values, [1e-3, 1e-2, 1e-1, 1, 10]) { XCTAssertEqual(v, e, accuracy: e * 1e-12) }
        XCTAssertEqual(ticks.labels, ["0.001", "0.01", "0.1", "1", "10"])
        XCTAssertEqual(ticks.minor.count, 4 * 8)
        XCTAssertEqual(ticks.minor.first!, 2e-3, accuracy: 1e-15)
        let wide = AxisTicks.log10(in: 1e-12...1e6)
        XCTAssertEqual(wide.values.count, 7, "19 decades labelled every third")
        XCTAssertEqual(wide.labels.first, "1e-12")
        XCTAssertEqual(wide.labels.last, "1e6")
    }

    func testNarrowLogRangeLabelsTwoAndFiveMultiples() {
        let ticks = AxisTicks.log10(in: 80...210)
        XCTAssertEqual(ticks.labels, ["100", "200"])
        XCTAssertEqual(ticks.minor, [80, 90])
    }

    func testAxisFractionsAndFitting() {
        let log = Axis(range: 1e-3...10, scale: .log10)
        let positions = [1e-3, 1e-2, 1e-1, 1, 10].map { log.fraction(of: $0) }
        for (p, e) in zip(positions, [0, 0.25, 0.5, 0.75, 1.0]) { XCTAssertEqual(p, e, accuracy: 1e-12) }
        XCTAssertTrue(log.fraction(of: -1).isNaN)
        let fitted = Axis.fitting([0, .nan, 10, .infinity], margin: 0.1)
        XCTAssertEqual(fitted.range, -1...11)
        XCTAssertEqual(Axis.fitting([5, 5]).range, 4.5...5.5)
        let logFitted = Axis.fitting([0.01, -3, 100], scale: .log10, margin: 0.25)
        XCTAssertEqual(logFitted.range.lowerBound, 1e-3, accuracy: 1e-12)
        XCTAssertEqual(logFitted.range.upperBound, 1e3, accuracy: 1e-9)
    }

    func testBadRangesStopWithAMessage() {
        assertStops(mentioning: "has no finite values") { _ = Axis.fitting([.nan, .infinity], what: "the loss") }
        assertStops(mentioning: "a log axis needs a positive range") { _ = Axis(range: -1...1, scale: .log10) }
    }
}
