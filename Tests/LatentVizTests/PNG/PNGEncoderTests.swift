import Foundation
import XCTest
import LatentTestSupport
@testable import LatentViz

final class PNGEncoderTests: XCTestCase {
    /// A deterministic image with gradients, noise and flat areas, so every filter has work to do.
    func sampleImage(width: Int = 37, height: Int = 23) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        var state: UInt32 = 12345
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 1_664_525 &+ 1_013_904_223
                let noise = UInt8(truncatingIfNeeded: state >> 24)
                image[x, y] = y < height / 3 ? RGB(UInt8(truncatingIfNeeded: x * 6), UInt8(truncatingIfNeeded: y * 10), 200)
                    : y < 2 * height / 3 ? RGB(noise, noise &+ 40, 255 &- noise) : RGB(10, 20, 30)
            }
        }
        return image
    }

    func testRGBRoundTripIsExactWithEveryFilter() throws {
        let image = sampleImage()
        let choices: [PNGFilterChoice] = PNGFilter.allCases.map { .fixed($0) } + [.adaptive]
        for choice in choices {
            let decoded = try decodePNG(PNG.encode(image, filter: choice))
            XCTAssertEqual(decoded.colorType, 2)
            XCTAssertEqual(decoded.rgb, image, "round trip with \(choice)")
            if case .fixed(let f) = choice { XCTAssertEqual(Set(decoded.rowFilters), [f.rawValue]) }
        }
    }

    func testAdaptiveFilteringMixesFiltersAndBeatsNoFilter() throws {
        let image = sampleImage(width: 64, height: 48)
        let adaptive = PNG.encode(image, filter: .adaptive)
        let decoded = try decodePNG(adaptive)
        XCTAssertGreaterThan(Set(decoded.rowFilters).count, 1, "rows: \(decoded.rowFilters)")
        XCTAssertLessThan(adaptive.count, PNG.encode(image, filter: .fixed(.none)).count)
    }

    func testGrayImagesAreStoredAsGray8() throws {
        var gray = GrayImage(width: 9, height: 5)
        for y in 0..<5 { for x in 0..<9 { gray[x, y] = UInt8(x * 28 + y) } }
        for filter in PNGFilter.allCases {
            let decoded = try decodePNG(PNG.encode(gray, filter: .fixed(filter)))
            XCTAssertEqual(decoded.colorType, 0)
            XCTAssertEqual(decoded.samples, gray.pixels)
        }
        var rgb = RGBImage(width: 9, height: 5)
        rgb.pixels = gray.pixels.flatMap { [$0, $0, $0] }
        XCTAssertTrue(rgb.isGrayscale)
        let compact = try decodePNG(PNG.encode(rgb))
        XCTAssertEqual(compact.colorType, 0)
        XCTAssertEqual(compact.rgb, rgb)
        XCTAssertEqual(try decodePNG(PNG.encode(rgb, grayWhenPossible: false)).colorType, 2)
    }

    func testHeaderAndChunkLayout() {
        let bytes = PNG.encode(RGBImage(width: 300, height: 2, fill: RGB(1, 2, 3)))
        XCTAssertEqual(Array(bytes[0..<8]), PNG.signature)
        XCTAssertEqual(Array(bytes[8..<16]), [0, 0, 0, 13] + Array("IHDR".utf8))
        XCTAssertEqual(Array(bytes[16..<24]), [0, 0, 1, 44, 0, 0, 0, 2], "width 300, height 2, big-endian")
        XCTAssertEqual(Array(bytes[24..<29]), [8, 2, 0, 0, 0])
        XCTAssertEqual(Array(bytes.suffix(12)), [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
    }

    func testWriteIsAtomicAndReadable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latentviz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("picture.png").path
        let image = sampleImage()
        let written = try PNG.write(image, to: path)
        let onDisk = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(onDisk, written)
        XCTAssertEqual(try decodePNG(onDisk).rgb, image)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["picture.png"], "no temporary left behind")
        XCTAssertThrowsError(try PNG.write(image, to: folder.path + "/missing/folder/x.png")) { error in
            XCTAssertTrue("\(error)".contains("missing/folder/x.png"), "\(error)")
        }
    }

    func testBadInputStopsWithAMessage() {
        assertStops(mentioning: "compressionLevel must be in 0...9") {
            _ = PNG.encode(RGBImage(width: 1, height: 1), compressionLevel: 12)
        }
        assertStops(mentioning: "GrayImage: 2×2 needs 4 bytes, got 3") {
            _ = GrayImage(width: 2, height: 2, pixels: [1, 2, 3])
        }
    }
}
