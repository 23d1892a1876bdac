import XCTest
import LatentViz
@testable import LatentData

final class PNGDecoderTests: XCTestCase {
    /// Deterministic pseudo-random samples below `limit`.
    private func samples(_ count: Int, below limit: Int, seed: Int = 1) -> [Int] {
        (0..<count).map { ($0 &* 2_654_435_761 &+ seed &* 97 &+ ($0 >> 3) &* 31) % limit }
    }

    func testRoundTripsTheEncodersGrayAndRGBFiles() throws {
        let gray = GrayImage(width: 13, height: 7, pixels: samples(91, below: 256).map { UInt8($0) })
        let decodedGray = try PNGDecoder.decode(PNG.encode(gray), path: "gray.png")
        XCTAssertEqual(decodedGray, .init(width: 13, height: 7, colorChannels: 1, hasAlpha: false, sourceBitDepth: 8, samples: gray.pixels))
        var rgb = RGBImage(width: 9, height: 5)
        let values = samples(9 * 5 * 3, below: 256, seed: 4).map { UInt8($0) }
        for y in 0..<5 { for x in 0..<9 { let i = 3 * (y * 9 + x); rgb[x, y] = RGB(values[i], values[i + 1], values[i + 2]) } }
        let decoded = try PNGDecoder.decode(PNG.encode(rgb, grayWhenPossible: false), path: "rgb.png")
        XCTAssertEqual(decoded.colorChannels, 3)
        XCTAssertEqual(decoded.samples, rgb.pixels)
    }

    func testEveryFilterTypeDecodesToTheOriginalRows() throws {
        let original = samples(6 * 5 * 3, below: 256, seed: 2)
        for filter in UInt8(0)...4 {
            let file = PNGTestFiles.png(width: 6, height: 5, depth: 8, colorType: 2, samples: original, filters: [filter])
            XCTAssertEqual(try PNGDecoder.decode(file, path: "f\(filter).png").samples.map(Int.init), original, "filter \(filter)")
        }
        let mixed = PNGTestFiles.png(width: 6, height: 5, depth: 8, colorType: 2, samples: original, filters: [4, 3, 2, 1, 0])
        XCTAssertEqual(try PNGDecoder.decode(mixed, path: "mixed.png").samples.map(Int.init), original)
    }

    /// A b-bit gray sample v reads as round(255·v / (2ᵇ − 1)): 1 bit → 0/255, 2 bits → 85·v, 4 bits → 17·v, 16 bits → v/257.
    func testGrayBitDepthsScaleTo8Bits() throws {
        for depth in [1, 2, 4, 8, 16] {
            let maxValue = (1 << depth) - 1
            let original = samples(11 * 3, below: maxValue + 1, seed: depth)
            for filter in UInt8(0)...4 {
                let file = PNGTestFiles.png(width: 11, height: 3, depth: depth, colorType: 0, samples: original, filters: [filter])
                let image = try PNGDecoder.decode(file, path: "g\(depth).png")
                XCTAssertEqual(image.sourceBitDepth, depth)
                XCTAssertEqual(image.samples.map(Int.init), original.map { ($0 * 255 + maxValue / 2) / maxValue }, "depth \(depth) filter \(filter)")
            }
        }
        let sixteen = PNGTestFiles.png(width: 2, height: 1, depth: 16, colorType: 0, samples: [65535, 257 * 100 + 128])
        XCTAssertEqual(try PNGDecoder.decode(sixteen, path: "16.png").samples, [255, 100])
    }

    func testPalettesAtEveryDepthWithTransparency() throws {
        let palette: [UInt8] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 200, 210, 220]
        for depth in [1, 2, 4, 8] {
            let entries = min(4, 1 << depth)
            let indices = samples(7 * 3, below: entries, seed: depth)
            let file = PNGTestFiles.png(width: 7, height: 3, depth: depth, colorType: 3, samples: indices, filters: [1, 4],
                                        extra: [("PLTE", Array(palette.prefix(3 * entries))), ("tRNS", [0, 128])])
            let image = try PNGDecoder.decode(file, path: "p\(depth).png")
            XCTAssertEqual(image.colorChannels, 3)
            XCTAssertTrue(image.hasAlpha)
            let expected: [UInt8] = indices.flatMap { (i: Int) -> [UInt8] in
                let alpha: UInt8 = i == 0 ? 0 : (i == 1 ? 128 : 255)
                return Array(palette[(3 * i)..<(3 * i + 3)]) + [alpha]
            }
            XCTAssertEqual(image.samples, expected, "depth \(depth)")
        }
    }

    func testAlphaColourTypesAndTransparencyKeys() throws {
        let ga = samples(4 * 2 * 2, below: 65536, seed: 3)
        let grayAlpha = try PNGDecoder.decode(PNGTestFiles.png(width: 4, height: 2, depth: 16, colorType: 4, samples: ga, filters: [3]), path: "ga.png")
        XCTAssertEqual(grayAlpha.channels, 2)
        XCTAssertEqual(grayAlpha.samples.map(Int.init), ga.map { ($0 * 255 + 32767) / 65535 })
        let rgba = samples(3 * 3 * 4, below: 256, seed: 5)
        XCTAssertEqual(try PNGDecoder.decode(PNGTestFiles.png(width: 3, height: 3, depth: 8, colorType: 6, samples: rgba, filters: [4]),
                                             path: "rgba.png").samples.map(Int.init), rgba)
        // tRNS on RGB: the one key colour becomes transparent.
        let rgb = [1, 2, 3, 9, 9, 9]
        let keyed = try PNGDecoder.decode(PNGTestFiles.png(width: 2, height: 1, depth: 8, colorType: 2, samples: rgb,
                                                           extra: [("tRNS", [0, 9, 0, 9, 0, 9])]), path: "key.png")
        XCTAssertEqual(keyed.samples, [1, 2, 3, 255, 9, 9, 9, 0])
    }

    func testAdam7InterlacedFilesMatchThePlainOnes() throws {
        for (width, height, depth, color) in [(13, 11, 8, UInt8(2)), (5, 3, 1, UInt8(0)), (1, 1, 16, UInt8(6)), (9, 17, 4, UInt8(0))] {
            let channels = [0: 1, 2: 3, 6: 4][Int(color)]!
            let original = samples(width * height * channels, below: 1 << depth, seed: width)
            let plain = try PNGDecoder.decode(PNGTestFiles.png(width: width, height: height, depth: depth, colorType: color, samples: original), path: "plain.png")
            let interlaced = try PNGDecoder.decode(PNGTestFiles.png(width: width, height: height, depth: depth, colorType: color, samples: original,
                                                                    filters: [0, 1, 2, 3, 4], interlace: true), path: "adam7.png")
            XCTAssertEqual(interlaced, plain, "\(width)×\(height) depth \(depth)")
        }
    }

    func testCorruptFilesGiveOneLineErrorsNamingTheFile() throws {
        let good = PNGTestFiles.png(width: 4, height: 4, depth: 8, colorType: 0, samples: samples(16, below: 256))
        var badCRC = good
        badCRC[20] ^= 1  // inside IHDR's data
        assertDataError("bad.png", "IHDR", "CRC") { try PNGDecoder.decode(badCRC, path: "bad.png") }
        assertDataError("cut.png", "truncated") { try PNGDecoder.decode(Array(good.prefix(good.count - 20)), path: "cut.png") }
        assertDataError("cut.png", "IEND") { try PNGDecoder.decode(Array(good.prefix(good.count - 12)), path: "cut.png") }
        assertDataError("x.jpg", "not a PNG file", "ff d8") { try PNGDecoder.decode([0xFF, 0xD8, 0xFF, 0xE0] + good.dropFirst(4), path: "x.jpg") }
        assertDataError("e.png", "empty file") { try PNGDecoder.decode([], path: "e.png") }
        let huge = Array(good.prefix(8)) + PNGTestFiles.chunk("IHDR", PNGTestFiles.bigEndian(9000) + PNGTestFiles.bigEndian(1) + [8, 0, 0, 0, 0])
            + PNGTestFiles.chunk("IEND", [])
        assertDataError("huge.png", "9000×1", "8192") { try PNGDecoder.decode(huge, path: "huge.png") }
        var badFilter = PNGTestFiles.png(width: 2, height: 1, depth: 8, colorType: 0, samples: [1, 2], filters: [0])
        badFilter = replacingIDAT(badFilter, with: [7, 1, 2])
        assertDataError("filter.png", "filter type 7") { try PNGDecoder.decode(badFilter, path: "filter.png") }
        let short = replacingIDAT(good, with: [0, 1, 2])
        assertDataError("short.png", "inflates to 3 bytes, expected 20") { try PNGDecoder.decode(short, path: "short.png") }
        let noPalette = PNGTestFiles.png(width: 2, height: 1, depth: 8, colorType: 3, samples: [0, 1])
        assertDataError("np.png", "PLTE") { try PNGDecoder.decode(noPalette, path: "np.png") }
        let outside = PNGTestFiles.png(width: 2, height: 1, depth: 8, colorType: 3, samples: [0, 5], extra: [("PLTE", [1, 2, 3])])
        assertDataError("idx.png", "palette index 5", "1 entries") { try PNGDecoder.decode(outside, path: "idx.png") }
        let badDepth = PNGTestFiles.png(width: 2, height: 1, depth: 4, colorType: 2, samples: [0, 0, 0, 0, 0, 0])
        assertDataError("d.png", "bit depth 4 with colour type 2") { try PNGDecoder.decode(badDepth, path: "d.png") }
        let critical = PNGTestFiles.png(width: 1, height: 1, depth: 8, colorType: 0, samples: [0], extra: [("ABCD", [])])
        assertDataError("c.png", "unknown critical chunk ABCD") { try PNGDecoder.decode(critical, path: "c.png") }
    }

    func testReadHeaderReadsOnlyTheHeader() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile(PNGTestFiles.png(width: 3, height: 2, depth: 16, colorType: 6, samples: samples(24, below: 65536)), named: "h.png", in: dir)
        XCTAssertEqual(try PNGDecoder.readHeader(url), .init(width: 3, height: 2, bitDepth: 16, colorType: 6, interlaced: false))
    }

    /// `file` with its IDAT data replaced by the zlib stream of `raw` (filter bytes included).
    private func replacingIDAT(_ file: [UInt8], with raw: [UInt8]) -> [UInt8] {
        let ihdrEnd = 8 + 25
        return Array(file.prefix(ihdrEnd)) + PNGTestFiles.chunk("IDAT", PNGTestFiles.zlib(raw)) + PNGTestFiles.chunk("IEND", [])
    }
}
