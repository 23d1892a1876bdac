import Foundation

/// Numbers as the command's text output shows them to a person. Training computes in `Float`, so
/// a learning rate of 0.001 reaches the records as the `Double` 0.0010000000474974513; printed
/// in full, that reads as a bug. Text output rounds to the digits that mean something; the files
/// programs read (`metrics.jsonl`, `summary.json`) and `--json` output keep full precision.
public enum NumberText {
    /// `value` with at most `digits` significant digits and no trailing zeros; whole numbers
    /// without a decimal point: 0.0010000000474974513 → "0.001", 3.5778303146362305 → "3.57783",
    /// 60000.0 → "60000", 1e-06 → "1e-06".
    public static func short(_ value: Double, digits: Int = 6) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.\(digits)g", value)
    }

    /// `value` rounded to `decimals` decimal places, for times and rates in JSON (a duration to
    /// the millisecond, a throughput to a tenth): their further digits are noise.
    public static func rounded(_ value: Double, decimals: Int) -> Double {
        guard value.isFinite else { return value }
        let scale = Foundation.pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }

    /// A metric of `latent eval`: four decimals (nats, bits/dim and scores read alike), whole
    /// numbers (active units) as integers, and four significant digits below 0.001, where four
    /// decimals would print 0.0000.
    public static func metric(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return abs(value) >= 0.001 ? String(format: "%.4f", value) : String(format: "%.4g", value)
    }

    /// A loss part on a progress or epoch line: one decimal from 100 up, three below, and three
    /// significant digits below 0.01 (a KL of 0.0004 is not 0.000).
    public static func lossPart(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if abs(value) >= 100 { return String(format: "%.1f", value) }
        if abs(value) >= 0.01 || value == 0 { return String(format: "%.3f", value) }
        return String(format: "%.3g", value)
    }

    /// A JSON value as `key value` fields for text output, nested objects flattened with dots
    /// (`test.nll 3.57783`), numbers through `short`, keys sorted.
    public static func fields(_ value: Any, prefix: String = "") -> [String] {
        switch value {
        case let object as [String: Any]:
            return object.keys.sorted().flatMap { fields(object[$0]!, prefix: prefix.isEmpty ? $0 : prefix + "." + $0) }
        default:
            return [prefix.isEmpty ? text(value) : "\(prefix) \(text(value))"]
        }
    }

    /// One JSON scalar or list as text, numbers through `short`.
    static func text(_ value: Any) -> String {
        switch value {
        case let list as [Any]: return "[" + list.map(text).joined(separator: ", ") + "]"
        case let number as NSNumber where !(value is String):
            let type = String(cString: number.objCType)
            return type == "c" || type == "B" ? (number.boolValue ? "true" : "false") : short(number.doubleValue)
        default: return "\(value)"
        }
    }
}
