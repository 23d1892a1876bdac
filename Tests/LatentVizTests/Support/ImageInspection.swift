import Foundation
import LatentViz
import XCTest

/// Encodes `image`, decodes it back with the independent test decoder, checks the round trip is exact
/// and the size is as expected, and returns the decoded picture. When the environment variable
/// `LATENT_VIZ_EXAMPLES` names a folder, the PNG is also saved there as `name.png` for eyeballing.
@discardableResult
func roundTrip(_ image: RGBImage, name: String, width: Int, height: Int,
               file: StaticString = #filePath, line: UInt = #line) throws -> RGBImage {
    let bytes = PNG.encode(image)
    if let folder = ProcessInfo.processInfo.environment["LATENT_VIZ_EXAMPLES"] {
        try PNG.write(image, to: folder + "/" + name + ".png")
    }
    let decoded = try decodePNG(bytes)
    XCTAssertEqual(decoded.width, width, "width of \(name)", file: file, line: line)
    XCTAssertEqual(decoded.height, height, "height of \(name)", file: file, line: line)
    XCTAssertEqual(decoded.rgb, image, "\(name) does not survive encode → decode", file: file, line: line)
    return decoded.rgb
}

extension RGBImage {
    /// How many pixels have each color.
    var colorCounts: [RGB: Int] {
        var counts = [RGB: Int]()
        for y in 0..<height { for x in 0..<width { counts[self[x, y], default: 0] += 1 } }
        return counts
    }

    /// Number of pixels of exactly `color` inside `rect` (the whole image by default).
    func count(of color: RGB, in rect: PixelRect? = nil) -> Int {
        let r = (rect ?? bounds).intersection(bounds)
        var n = 0
        for y in r.y..<r.maxY { for x in r.x..<r.maxX where self[x, y] == color { n += 1 } }
        return n
    }
}
