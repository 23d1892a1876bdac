import Foundation

/// SplitMix64, seeded from (seed, generator name, case index): every hostile case can be rebuilt
/// from the three numbers a failure message prints, independently of the other cases.
public struct HostileRandom {
    private var state: UInt64

    public init(seed: UInt64, generator: String, index: Int) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the generator name
        for byte in generator.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        state = seed ^ hash ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range` (which must not be empty).
    public mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

    public mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }

    /// A byte that is not 0 (an XOR mask that changes something).
    public mutating func nonZeroByte() -> UInt8 { UInt8(1 + next() % 255) }
}

/// A JSON value that keeps its type (integer, number, boolean…) through a decode and re-encode,
/// with `.raw` for text that is not valid JSON or not representable (`1e400`, `NaN`, `18446744073709551616`).
public indirect enum HostileJSON: Decodable, Equatable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([HostileJSON]), object([String: HostileJSON]), raw(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([HostileJSON].self) { self = .array(v) }
        else { self = .object(try c.decode([String: HostileJSON].self)) }
    }

    public static func parse(_ text: String) throws -> HostileJSON { try JSONDecoder().decode(HostileJSON.self, from: Data(text.utf8)) }

    /// Compact JSON text, object keys sorted.
    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v): return "\(v)"
        case .string(let v): return HostileJSON.quote(v)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { HostileJSON.quote($0) + ":" + fields[$0]!.text }.joined(separator: ",") + "}"
        case .raw(let v): return v
        }
    }

    static func quote(_ s: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    public subscript(key: String) -> HostileJSON? {
        get { if case .object(let f) = self { return f[key] } else { return nil } }
        set {
            guard case .object(var f) = self else { return }
            f[key] = newValue
            self = .object(f)
        }
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var ints: [Int]? {
        guard case .array(let items) = self else { return nil }
        return items.compactMap { if case .int(let v) = $0 { return v } else { return nil } }
    }
}

/// The parts of a safetensors file — 8-byte little-endian header length N, N bytes of JSON, data —
/// taken apart and put back together, so mutations can target one part.
public struct SafeTensorsParts {
    public var header: HostileJSON
    public var data: Data
    /// Bytes of the original file.
    public let original: Data
    /// The original header length N.
    public let headerLength: Int

    public init(_ file: Data) throws {
        original = file
        headerLength = Int(file.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        header = try JSONDecoder().decode(HostileJSON.self, from: file.subdata(in: 8..<(8 + headerLength)))
        data = file.subdata(in: (8 + headerLength)..<file.count)
    }

    /// Tensor names (not `__metadata__`), sorted.
    public var tensorNames: [String] {
        guard case .object(let f) = header else { return [] }
        return f.keys.filter { $0 != "__metadata__" }.sorted()
    }

    public func metadata(_ key: String) -> String? { header["__metadata__"]?[key]?.string }

    public mutating func setMetadata(_ key: String, _ value: HostileJSON?) {
        var meta = header["__metadata__"] ?? .object([:])
        meta[key] = value
        header["__metadata__"] = meta
    }

    /// The file: the header re-encoded (padded with spaces to a multiple of 8), its length
    /// (`headerLength` overrides the true one), the data.
    public func encoded(headerLength claimed: UInt64? = nil) -> Data {
        var json = Data(header.text.utf8)
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var out = Data()
        let length = claimed ?? UInt64(json.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        return out + json + data
    }
}

/// Text of hostile config files.
public enum HostileConfigs {
    /// The billion-laughs document: `depth` levels of aliases, each a list of nine of the previous.
    public static func billionLaughs(depth: Int, key: String) -> String {
        var lines = ["a0: &a0 [\"lol\"]"]
        for level in 1...depth {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        lines.append("\(key): *a\(depth)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `key: [[[…1…]]]` nested `depth` deep, as YAML flow or JSON.
    public static func nestedLists(depth: Int, key: String, json: Bool) -> String {
        let body = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        return json ? "{\"\(key)\": \(body)}" : "\(key): \(body)\n"
    }
}

/// Argument values every numeric flag is tried with.
public enum HostileValues {
    public static let numbers = ["-1", "0", "1e300", "inf", "nan", "1e-20", "18446744073709551616", "", "abc", "1e7", "1e9",
                                 "10000000", "1000000000", "-0", "0x10", "9223372036854775807", "-9223372036854775808",
                                 "1.5", "-inf", "NaN", " 3", "1,2"]
}
