/// Printing a tensor as a person reads it: nested brackets like NumPy, long axes elided with
/// "…", then the shape (and whether it requires gradients).
extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// Axes longer than this are shown as their first and last `edgeItems` entries.
    static let summarizeAbove = 1000
    static let edgeItems = 3

    public var description: String {
        let summarize = count > Tensor.summarizeAbove
        var body = ""
        format(into: &body, axis: 0, offset: 0, summarize: summarize, indent: 1)
        let grad = requiresGrad ? ", requiresGrad" : ""
        return "Tensor(\(body), shape: \(shape)\(grad))"
    }

    public var debugDescription: String { description }

    private static func formatScalar(_ v: Float) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded() && Swift.abs(v) < 1e7 { return String(Int(v)) + "." }
        let a = Swift.abs(v)
        if a >= 1e-4 && a < 1e6 {
            var s = String(format4: v)
            while s.hasSuffix("0") { s.removeLast() }
            return s
        }
        return String(describing: v)
    }

    private func format(into out: inout String, axis: Int, offset: Int, summarize: Bool, indent: Int) {
        if rank == 0 { out += Tensor.formatScalar(storage.pointer[0]); return }
        let n = shape[axis]
        let inner = Shape.count(Array(shape[(axis + 1)...]))
        let elide = summarize && n > 2 * Tensor.edgeItems
        let shown: [Int?] = elide ? Array(0..<Tensor.edgeItems) + [nil] + Array((n - Tensor.edgeItems)..<n) : Array(0..<n)
        out += "["
        for (j, i) in shown.enumerated() {
            if j > 0 {
                out += axis == rank - 1 ? ", " : "," + String(repeating: "\n", count: rank - 1 - axis) + String(repeating: " ", count: indent + 7)
            }
            guard let i = i else { out += "…"; continue }
            if axis == rank - 1 {
                out += Tensor.formatScalar(storage.pointer[offset + i])
            } else {
                format(into: &out, axis: axis + 1, offset: offset + i * inner, summarize: summarize, indent: indent + 1)
            }
        }
        out += "]"
    }
}

private extension String {
    /// Rounded to four decimal places (no Foundation formatting, so no locale effects).
    init(format4 v: Float) {
        let scaled = (Double(v) * 10000).rounded() / 10000
        self = String(scaled)
    }
}
