import Foundation

/// Compact JSON text of the values the command and the trainer write (metrics logs, summaries,
/// `--json` events): keys sorted, slashes not escaped, and numbers at the precision they carry.
///
/// Why not `JSONSerialization`: it prints a `Float` widened to `Double` with the `Double`'s
/// digits — a learning rate of 0.001 trained in Float32 becomes `0.0010000000474974513`. Here a
/// `Double` that is exactly a `Float` is written as that `Float`'s shortest text (`0.001`), which
/// reads back as the same `Float`; any other `Double` keeps its own shortest round-trip text, so
/// sums and averages computed in `Double` lose nothing. Whole numbers print without a decimal
/// point (`1`, not `1.0`), as before.
public enum JSONText {
    /// A value JSON cannot hold (a `Date`, a custom type…), with its path in the document.
    public struct UnsupportedValue: Error, CustomStringConvertible {
        /// Where in the document (`metrics.loss`), and the value's type.
        public let path: String, type: String
        public var description: String { "JSONText: \(path.isEmpty ? "the value" : path) is a \(type), not a JSON value" }
    }

    /// `value` — a `[String: Any]`, `[Any]`, `String`, `Bool`, integer, `Double`, `Float`,
    /// `NSNumber` or `NSNull`, nested — as one line of JSON. Non-finite numbers become `null`
    /// (JSON has no literal for them; callers wanting another spelling replace them first).
    public static func line(_ value: Any) throws -> String {
        var out = ""
        try write(value, to: &out, path: "")
        return out
    }

    /// One number as JSON text: integers without a decimal point, a widened `Float` by its own
    /// shortest digits, every other `Double` by its shortest round-trip digits; `null` when not finite.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        let single = Float(value)
        return Double(single) == value ? single.description : value.description
    }

    private static func write(_ value: Any, to out: inout String, path: String) throws {
        switch value {
        case is NSNull: out += "null"
        case let text as String: quote(text, to: &out)
        case let number as NSNumber where type(of: value) is NSNumber.Type:
            // Numbers parsed by JSONSerialization (booleans included) arrive as NSNumber objects.
            switch String(cString: number.objCType) {
            case "c", "B": out += number.boolValue ? "true" : "false"
            case "d", "f": out += self.number(number.doubleValue)
            case "Q": out += String(number.uint64Value)
            default: out += String(number.int64Value)
            }
        case let flag as Bool: out += flag ? "true" : "false"
        case let integer as any BinaryInteger: out += String(describing: integer)
        case let double as Double: out += number(double)
        case let single as Float: out += single.isFinite ? number(Double(single)) : "null"
        case let object as [String: Any]:
            out += "{"
            for (i, key) in object.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                quote(key, to: &out)
                out += ":"
                try write(object[key]!, to: &out, path: path.isEmpty ? key : path + "." + key)
            }
            out += "}"
        case let list as [Any]:
            out += "["
            for (i, item) in list.enumerated() {
                if i > 0 { out += "," }
                try write(item, to: &out, path: "\(path)[\(i)]")
            }
            out += "]"
        default:
            throw UnsupportedValue(path: path, type: String(describing: type(of: value)))
        }
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, the rest as is (UTF-8).
    private static func quote(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
