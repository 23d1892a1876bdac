import Foundation

/// One settable hyper-parameter of `latent train`: its name (the flag `--name` and the config
/// file key `name`), its type and allowed values, and which model families read it.
public struct SettingKey {
    /// The type and allowed values.
    public enum Kind {
        /// An integer in the range.
        case int(ClosedRange<Int>)
        /// A real number in the range.
        case double(ClosedRange<Double>)
        /// true / false.
        case bool
        /// One of the listed words.
        case choice([String])
        /// A list of integers, each in the range (flag: comma-separated).
        case ints(ClosedRange<Int>)
        /// Free text (paths).
        case text
    }

    /// Which models read a key.
    public enum Scope: String {
        case all, vae, cvae, vaeFamily = "vae, cvae", flow
    }

    /// Flag and config-file name, kebab-case.
    public let name: String
    /// Type and allowed values.
    public let kind: Kind
    /// Models that read it.
    public let scope: Scope
    /// One line of help.
    public let help: String

    /// What the key allows, for messages and help ("an integer in 1…100000").
    public var allowed: String {
        switch kind {
        case let .int(r): return "an integer in \(r.lowerBound)…\(r.upperBound)"
        case let .double(r): return "a number in \(r.lowerBound)…\(r.upperBound)"
        case .bool: return "true or false"
        case let .choice(words): return "one of " + words.joined(separator: ", ")
        case let .ints(r): return "a list of integers in \(r.lowerBound)…\(r.upperBound) (e.g. 64,64)"
        case .text: return "text"
        }
    }

    /// Parses a flag's text. Throws `CLIError.badSetting` naming the key, the value and what is allowed.
    public func parse(_ text: String) throws -> SettingValue {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .int:
            guard let v = Int(t) else { throw bad(text) }
            return try check(.int(v), text)
        case .double:
            guard let v = Double(t), v.isFinite else { throw bad(text) }
            return try check(.double(v), text)
        case .bool:
            switch t.lowercased() {
            case "true", "yes", "1", "on": return .bool(true)
            case "false", "no", "0", "off": return .bool(false)
            default: throw bad(text)
            }
        case .choice:
            return try check(.string(t), text)
        case .ints:
            let items = t.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",")
            let values = items.map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.contains(where: { $0 == nil }) else { throw bad(text) }
            return try check(.ints(values.map { $0! }), text)
        case .text:
            return .string(text)
        }
    }

    /// Converts a config-file value (JSON or YAML scalar or list) and checks it.
    public func convert(_ any: Any) throws -> SettingValue {
        switch any {
        case let list as [Any]:
            return try parse(list.map { "\($0)" }.joined(separator: ","))
        case let n as NSNumber:
            if case .bool = kind { return .bool(n.boolValue) }
            if case .int = kind, n.doubleValue.rounded() == n.doubleValue { return try check(.int(n.intValue), "\(n)") }
            if case .ints = kind, n.doubleValue.rounded() == n.doubleValue { return try check(.ints([n.intValue]), "\(n)") }
            return try parse("\(n)")
        case let v as Bool: return try parse(String(v))
        case let v as Int: return try parse(String(v))
        case let v as Double: return try parse(String(v))
        case let v as String: return try parse(v)
        default: throw bad("\(any)")
        }
    }

    /// Checks a typed value against the allowed range or words.
    public func check(_ value: SettingValue, _ text: String? = nil) throws -> SettingValue {
        let shown = text ?? value.description
        switch (kind, value) {
        case let (.int(r), .int(v)): guard r.contains(v) else { throw bad(shown) }
        case let (.double(r), .double(v)): guard r.contains(v) else { throw bad(shown) }
        case let (.double(r), .int(v)):
            guard r.contains(Double(v)) else { throw bad(shown) }
            return .double(Double(v))
        case (.bool, .bool), (.text, .string): break
        case let (.choice(words), .string(v)): guard words.contains(v) else { throw bad(shown) }
        case let (.ints(r), .ints(v)): guard !v.isEmpty, v.allSatisfy(r.contains) else { throw bad(shown) }
        default: throw bad(shown)
        }
        return value
    }

    private func bad(_ text: String) -> CLIError {
        .badSetting(key: name, value: text, allowed: allowed)
    }
}
