import Foundation

/// A training run's report as one self-contained HTML file: headings, text, tables of metrics,
/// pictures and the run's configuration, readable in any browser offline.
///
/// Pictures are embedded as `data:image/png;base64,…` URIs and the stylesheet is inline, so the
/// file references no other file and no network address; all text is HTML-escaped. Blocks appear
/// in the order they are added, below a title heading.
public struct HTMLReport {
    /// The page title, shown as the top heading and in the browser tab.
    public let title: String
    private var blocks: [String] = []

    /// An empty report titled `title`.
    public init(title: String) {
        self.title = title
    }

    /// A section heading.
    public mutating func addHeading(_ text: String) {
        blocks.append("<h2>\(text.htmlEscaped)</h2>")
    }

    /// A paragraph of plain text.
    public mutating func addParagraph(_ text: String) {
        blocks.append("<p>\(text.htmlEscaped)</p>")
    }

    /// A two-column table (e.g. metric and value), with an optional header row.
    public mutating func addTable(_ rows: [(String, String)], header: (String, String)? = nil) {
        var html = "<table>\n"
        if let header {
            html += "<thead><tr><th>\(header.0.htmlEscaped)</th><th>\(header.1.htmlEscaped)</th></tr></thead>\n"
        }
        html += "<tbody>\n"
        for (key, value) in rows {
            html += "<tr><td>\(key.htmlEscaped)</td><td>\(value.htmlEscaped)</td></tr>\n"
        }
        blocks.append(html + "</tbody>\n</table>")
    }

    /// A picture with a caption, embedded as a PNG.
    public mutating func addImage(_ image: RGBImage, caption: String) {
        appendFigure(PNG.encode(image), width: image.width, height: image.height, caption: caption)
    }

    /// A picture already encoded as PNG bytes, with a caption. Throws a `VizError` if `png` is not
    /// a PNG file (no signature or no `IHDR` chunk), so a broken picture is caught when the report
    /// is built rather than when someone opens it.
    public mutating func addImage(png: Data, caption: String) throws {
        let bytes = [UInt8](png)
        guard bytes.count >= 24, Array(bytes[0..<8]) == PNG.signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            let start = bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
            throw VizError("HTMLReport.addImage: image \"\(caption)\" is not a PNG: \(bytes.count) bytes starting [\(start)], expected the signature 89 50 4e 47 0d 0a 1a 0a and an IHDR chunk")
        }
        let bigEndian = { (range: Range<Int>) in bytes[range].reduce(0) { $0 << 8 | Int($1) } }
        appendFigure(bytes, width: bigEndian(16..<20), height: bigEndian(20..<24), caption: caption)
    }

    /// Monospaced text kept as written, such as the run's JSON configuration or a log excerpt.
    public mutating func addPreformatted(_ text: String) {
        blocks.append("<pre>\(text.htmlEscaped)</pre>")
    }

    /// The complete HTML document.
    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title.htmlEscaped)</title>
        <style>
        \(HTMLReportStyle.css)
        </style>
        </head>
        <body>
        <h1>\(title.htmlEscaped)</h1>
        \(blocks.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    /// Writes the document to `url` atomically (a temporary file in the same folder, then a
    /// rename), so a browser or a crash never sees half a report. Throws a `VizError` naming the path.
    public func write(to url: URL) throws {
        let data = Data(render().utf8)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw VizError("HTMLReport.write: cannot write \(data.count) bytes to \(url.path): \(error.localizedDescription)")
        }
    }

    /// Small pictures (a single 28×28 digit) are shown at a whole-number zoom, so their longer side
    /// is at least `minimumDisplaySize / 2` pixels; the stylesheet keeps the pixels sharp.
    private static let minimumDisplaySize = 256

    private mutating func appendFigure(_ png: [UInt8], width: Int, height: Int, caption: String) {
        let source = "data:image/png;base64," + Data(png).base64EncodedString()
        let zoom = max(1, Self.minimumDisplaySize / max(width, height, 1))
        blocks.append("""
        <figure><img src="\(source)" width="\(width * zoom)" height="\(height * zoom)" alt="\(caption.htmlEscaped)">\
        <figcaption>\(caption.htmlEscaped)</figcaption></figure>
        """)
    }
}
