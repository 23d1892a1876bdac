import Foundation
import XCTest
import LatentTestSupport
@testable import LatentViz

final class HTMLReportTests: XCTestCase {
    private func sampleReport() throws -> HTMLReport {
        var report = HTMLReport(title: "VAE <MNIST> & \"friends\"")
        report.addHeading("Loss & KL")
        report.addParagraph("dynamic binarization; it's 'sum' over pixels, <b>not</b> mean")
        report.addTable([("ELBO", "-85.3 nats"), ("bits/dim", "<0.16>")], header: ("metric", "value"))
        var image = RGBImage(width: 4, height: 2)
        image[3, 1] = RGB(255, 0, 0)
        report.addImage(image, caption: "samples <epoch 1>")
        try report.addImage(png: Data(PNG.encode(RGBImage(width: 7, height: 3, fill: .black))), caption: "grid")
        report.addPreformatted("{\"beta\": 1, \"note\": \"<script>\"}")
        return report
    }

    func testTextIsEscaped() throws {
        XCTAssertEqual("a&b<c>d\"e'f".htmlEscaped, "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        let html = try sampleReport().render()
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<title>VAE &lt;MNIST&gt; &amp; &quot;friends&quot;</title>"))
        XCTAssertTrue(html.contains("<h1>VAE &lt;MNIST&gt; &amp; &quot;friends&quot;</h1>"))
        XCTAssertTrue(html.contains("<h2>Loss &amp; KL</h2>"))
        XCTAssertTrue(html.contains("<p>dynamic binarization; it&#39;s &#39;sum&#39; over pixels, &lt;b&gt;not&lt;/b&gt; mean</p>"))
        XCTAssertTrue(html.contains("<thead><tr><th>metric</th><th>value</th></tr></thead>"))
        XCTAssertTrue(html.contains("<tr><td>bits/dim</td><td>&lt;0.16&gt;</td></tr>"))
        XCTAssertTrue(html.contains("<pre>{&quot;beta&quot;: 1, &quot;note&quot;: &quot;&lt;script&gt;&quot;}</pre>"))
        XCTAssertTrue(html.contains("<figcaption>samples &lt;epoch 1&gt;</figcaption>"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<b>"))
    }

    func testImagesAreEmbeddedPNGsAndNothingIsFetched() throws {
        let html = try sampleReport().render()
        let sources = attributeValues("src", in: html)
        XCTAssertEqual(sources.count, 2)
        XCTAssertEqual(html.components(separatedBy: "<img").count - 1, 2)
        let prefix = "data:image/png;base64,"
        var sizes: [[Int]] = []
        for source in sources {
            XCTAssertTrue(source.hasPrefix(prefix), source)
            let png = try XCTUnwrap(Data(base64Encoded: String(source.dropFirst(prefix.count))))
            XCTAssertEqual(Array(png.prefix(8)), [137, 80, 78, 71, 13, 10, 26, 10])
            let decoded = try decodePNG([UInt8](png))
            sizes.append([decoded.width, decoded.height])
        }
        XCTAssertEqual(sizes, [[4, 2], [7, 3]])
        // Shown zoomed by a whole factor: 256 / 4 = 64 and 256 / 7 = 36.
        XCTAssertTrue(html.contains("width=\"256\" height=\"128\""))
        XCTAssertTrue(html.contains("width=\"252\" height=\"108\""))
        for link in attributeValues("src", in: html) + attributeValues("href", in: html) {
            XCTAssertFalse(link.lowercased().contains("http"), link)
        }
        XCTAssertFalse(html.contains("http"))
        XCTAssertFalse(html.contains("url("))
    }

    func testRejectsBytesThatAreNotPNG() {
        var report = HTMLReport(title: "t")
        XCTAssertThrowsError(try report.addImage(png: Data("GIF89a not a png at all.".utf8), caption: "bad")) { error in
            let message = String(describing: error)
            XCTAssertTrue(error is VizError)
            XCTAssertTrue(message.contains("\"bad\" is not a PNG"), message)
            XCTAssertTrue(message.contains("47 49 46 38"), message)
        }
        XCTAssertFalse(report.render().contains("<img"))
    }

    func testWriteIsAtomicAndLeavesNoTemporaryFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latentviz-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("report.html")
        try Data("old".utf8).write(to: url)
        let report = try sampleReport()
        try report.write(to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), report.render())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["report.html"])

        let missing = folder.appendingPathComponent("no/such/dir/report.html")
        XCTAssertThrowsError(try report.write(to: missing)) { error in
            XCTAssertTrue(error is VizError)
            XCTAssertTrue(String(describing: error).contains(missing.path), "\(error)")
        }
    }

    /// The values of every `name="…"` attribute in `html`.
    private func attributeValues(_ name: String, in html: String) -> [String] {
        html.components(separatedBy: " \(name)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
}
