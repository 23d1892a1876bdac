import Foundation

/// One hyper-parameter value of a run, as a flag, a config file and `config.json` spell it.
public enum SettingValue: Equatable, Codable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case ints([Int])

    /// The value as JSON would show it.
    public var description: String {
        switch self {
        case let .int(v): return String(v)
        case let .double(v): return String(v)
        case let .bool(v): return String(v)
        case let .string(v): return v
        case let .ints(v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode([Int].self) { self = .ints(v) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .int(v): try c.encode(v)
        case let .double(v): try c.encode(v)
        case let .bool(v): try c.encode(v)
        case let .string(v): try c.encode(v)
        case let .ints(v): try c.encode(v)
        }
    }
}
