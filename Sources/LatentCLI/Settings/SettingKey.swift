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
        /// A dataset: a catalogue name (`DatasetCatalog.names`) or own data (`folder:PATH`, `npy:…`, `npz:…`, `csv:…`).
        case dataset
    }

    /// Which models read a key.
    public enum Scope: String {
        case all, vae, cvae, vaeFamily = "vae, cvae", flow, flowMatching = "flow-matching"
        /// Every model of images only (the VAE family and the VQ-VAE).
        case imageModels = "vae, cvae, vq-vae"
        /// Only the VQ-VAE.
        case vqvae = "vq-vae"
        /// The models with a continuous latent posterior to importance-sample.
        case latentVariable = "vae, cvae, hvae"
        /// The models trained on an importance-weighted bound.
        case importanceWeighted = "vae, hvae"
        /// Only the hierarchical VAE.
        case hvae
        /// Only the Wasserstein autoencoder (`wae`).
        case wae
        /// Only the residual flow (`residual-flow`).
        case residualFlow = "residual-flow"
    }

    /// Flag and config-file name, kebab-case.
    public let name: String
    /// Type and allowed values.
    public let kind: Kind
    /// Models that read it.
    public let scope: Scope
    /// One line of help.
    public let help: String
    /// Whether an `.ints` key takes the empty list (`hidden` of a convolutional VAE: no fc layer).
    public let allowsEmpty: Bool
    /// The datasets whose data the key shapes (`noise`, `scale`: some 2-D densities), or nil when it
    /// applies whatever the data; an entry ending in ":" stands for every name with that prefix
    /// (`test-fraction`: own data). A key given for other data is refused, not silently ignored.
    public let datasets: [String]?

    public init(name: String, kind: Kind, scope: Scope, help: String, allowsEmpty: Bool = false, datasets: [String]? = nil) {
        (self.name, self.kind, self.scope, self.help, self.allowsEmpty, self.datasets) = (name, kind, scope, help, allowsEmpty, datasets)
    }

    /// Whether the key applies to the dataset called `data`.
    public func applies(to data: String) -> Bool {
        datasets?.contains { $0 == data || ($0.hasSuffix(":") && data.hasPrefix($0)) } ?? true
    }

    /// What the key allows, for messages and help ("an integer in 1…100000").
    public var allowed: String {
        switch kind {
        case let .int(r): return "an integer in \(r.lowerBound)…\(r.upperBound)"
        case let .double(r): return "a number in \(NumberText.short(r.lowerBound))…\(NumberText.short(r.upperBound))"
        case .bool: return "true or false"
        case let .choice(words): return "one of " + words.joined(separator: ", ")
        case let .ints(r): return "a list of integers in \(r.lowerBound)…\(r.upperBound) (e.g. 64,64)" + (allowsEmpty ? ", or [] for none" : "")
        case .text: return "text"
        case .dataset: return DatasetCatalog.described
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
            let bracketed = t.hasPrefix("[") && t.hasSuffix("]") && t.count >= 2
            guard bracketed || !(t.hasPrefix("[") || t.hasSuffix("]")) else { throw bad(text) }
            let inner = (bracketed ? String(t.dropFirst().dropLast()) : t).trimmingCharacters(in: .whitespaces)
            if inner.isEmpty { return try check(.ints([]), text) }
            let values = inner.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.contains(where: { $0 == nil }) else { throw bad(text) }
            return try check(.ints(values.map { $0! }), text)
        case .text:
            return .string(text)
        case .dataset:
            return try check(.string(t), text)
        }
    }

    /// Converts a config-file value (JSON or YAML scalar or list) and checks it. Types are strict:
    /// a boolean is not a number, a number is not text, an integer key takes only whole numbers that
    /// fit in `Int` (so `18446744073709551616` or `1e30` is refused, never wrapped), and a list
    /// holds integers only.
    public func convert(_ any: Any) throws -> SettingValue {
        if let text = any as? String { return try parse(text) }
        if let list = any as? [Any] {
            guard case .ints = kind else { throw bad(SettingKey.shown(any)) }
            var values: [Int] = []
            for item in list {
                guard case let .int(v)? = SettingKey.scalar(item) else { throw bad(SettingKey.shown(any)) }
                values.append(v)
            }
            return try check(.ints(values), SettingKey.shown(any))
        }
        guard let value = SettingKey.scalar(any) else { throw bad(SettingKey.shown(any)) }
        switch (kind, value) {
        case (.bool, .bool), (.int, .int), (.double, .int), (.double, .double): return try check(value, SettingKey.shown(any))
        case let (.ints, .int(v)): return try check(.ints([v]), SettingKey.shown(any))
        default: throw bad(SettingKey.shown(any))
        }
    }

    /// A JSON or YAML number or boolean as a typed value: booleans stay booleans (never 0/1),
    /// whole numbers that fit in `Int` become `.int`, other finite numbers `.double`; nil for
    /// anything else (NaN, ±∞, text, lists, null).
    static func scalar(_ any: Any) -> SettingValue? {
        guard !(any is String), let number = any as? NSNumber else { return nil }
        switch String(cString: number.objCType) {
        case "c", "B": return .bool(number.boolValue)
        case "f", "d":
            if let i = Int(number.stringValue) { return .int(i) }
            let d = number.doubleValue
            guard d.isFinite else { return nil }
            return Int(exactly: d).map(SettingValue.int) ?? .double(d)
        default:
            return Int(number.stringValue).map(SettingValue.int)
        }
    }

    /// A config value as it would be written, cut to 80 characters for messages.
    static func shown(_ any: Any) -> String {
        let text: String
        if let data = try? JSONSerialization.data(withJSONObject: [any], options: [.fragmentsAllowed]) {
            text = String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        } else {
            text = "\(any)"
        }
        return text.count > 80 ? String(text.prefix(80)) + "…" : text
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
        case let (.dataset, .string(v)): guard DatasetCatalog.names.contains(v) || OwnData.isOwn(v) else { throw bad(shown) }
        case let (.choice(words), .string(v)): guard words.contains(v) else { throw bad(shown) }
        case let (.ints(r), .ints(v)): guard v.isEmpty ? allowsEmpty : v.allSatisfy(r.contains) else { throw bad(shown) }
        default: throw bad(shown)
        }
        return value
    }

    private func bad(_ text: String) -> CLIError {
        .badSetting(key: name, value: text.count > 80 ? String(text.prefix(80)) + "…" : text, allowed: allowed)
    }
}
