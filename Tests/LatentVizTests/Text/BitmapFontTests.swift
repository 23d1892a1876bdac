import XCTest
@testable import LatentViz

final class BitmapFontTests: XCTestCase {
    func testEveryPrintableASCIICharacterHasItsOwnGlyph() {
        var seen = [[UInt8]: Character]()
        for code in 33...126 {
            let character = Character(UnicodeScalar(UInt8(code)))
            let rows = BitmapFont.rows(of: character)
            XCTAssertEqual(rows.count, 9)
            XCTAssertNotEqual(rows, BitmapFont.missingGlyph, "no glyph for \(character)")
            XCTAssertTrue(rows.allSatisfy { $0 < 32 }, "glyph \(character) wider than 5 pixels")
            if let other = seen[rows] { XCTFail("\(character) looks like \(other)") }
            seen[rows] = character
        }
        XCTAssertEqual(BitmapFont.rows(of: "€"), BitmapFont.missingGlyph)
    }

    func testSizeOfText() {
        XCTAssertEqual(BitmapFont.size(of: "0.25", scale: 1).width, 23)
        XCTAssertEqual(BitmapFont.size(of: "0.25", scale: 2).width, 46)
        XCTAssertEqual(BitmapFont.size(of: "0.25", scale: 2).height, 14)
        XCTAssertEqual(BitmapFont.size(of: "", scale: 3).width, 0)
    }

    func testDrawnGlyphPixels() {
        var image = RGBImage(width: 20, height: 20)
        image.drawText("1", x: 3, y: 4, scale: 1, color: .black)
        // "1" is ..#.. in every row but the second (.##..) and the last (.###.).
        XCTAssertEqual(image[5, 4], .black)
        XCTAssertEqual(image[4, 4], .white)
        XCTAssertEqual(image[4, 5], .black)
        XCTAssertEqual(image[4, 10], .black)
        XCTAssertEqual(image[6, 10], .black)
        XCTAssertEqual(image.count(of: .black), 10)

        var big = RGBImage(width: 20, height: 20)
        big.drawText("1", x: 10, y: 10, scale: 2, color: .black, anchor: .center)
        XCTAssertEqual(big.count(of: .black), 40, "each font pixel is a 2×2 block")
    }

    func testRotatedTextRunsBottomToTop() {
        var image = RGBImage(width: 20, height: 40)
        image.drawText("L-", x: 2, y: 30, scale: 1, color: .black, anchor: TextAnchor(.left, .bottom), rotated: true)
        // Rotated box: 7 wide (cap height), 11 tall (two glyphs). "L"'s stem becomes the bottom row (y = 29)
        // across the box, and its foot the rightmost column near the bottom.
        for x in 2..<9 { XCTAssertEqual(image[x, 29], .black, "stem at x=\(x)") }
        XCTAssertEqual(image[8, 25], .black)
        XCTAssertEqual(image.count(of: .black), 11 + 5)
    }
}
