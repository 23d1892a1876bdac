import Foundation

/// A JSON value parsed without loss of type, so the header checks can tell `3`, `3.5`, `"3"`
/// and `true` apart (JSONSerialization's NSNumber blurs integers, floats and booleans).
indirect enum JSONValue: CustomStringConvertible {
    case null, bool(Bool), integer(Int), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    /// The JSON type, for messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The elements when this is an array of non-negative integers.
    var naturals: [Int]? {
        guard case .array(let items) = self else { return nil }
        var out: [Int] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case .integer(let v) = item, v >= 0 else { return nil }
            out.append(v)
        }
        return out
    }

    /// A compact rendering of the value seen, for messages: long strings are cut and arrays show
    /// their first `HeaderJSON.shownElements` elements, so a hostile header cannot make a message huge.
    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let v): return "\(v)"
        case .integer(let v): return "\(v)"
        case .number(let v): return "\(v)"
        case .string(let v): return "\"\(CheckpointError.shortened(v))\""
        case .array(let v):
            let shown = v.prefix(HeaderJSON.shownElements).map(\.description)
            let rest = v.count > HeaderJSON.shownElements ? ", … (\(v.count) elements)" : ""
            return "[" + shown.joined(separator: ", ") + rest + "]"
        case .object: return "an object"
        }
    }
}

/// A strict JSON (RFC 8259) reader for safetensors headers.
///
/// Why not `JSONDecoder`: decoding a type-preserving value through `Decodable` tries up to six
/// decodes per value and throws away an error for each miss — about 4 µs per empty entry and
/// 17 µs per tensor entry in a release build, so a header at the 100 MB limit took tens of seconds
/// before any check could run. This reader makes one pass over the bytes with no backtracking
/// (time linear in the header length), stops the top-level object once it holds more than
/// `maxKeys` entries, and limits nesting to `maxDepth` so a header of brackets cannot exhaust
/// the stack.
enum HeaderJSON {
    /// The deepest nesting accepted (a safetensors header needs 3 levels).
    static let maxDepth = 64
    /// Array elements shown by `JSONValue.description`.
    static let shownElements = 8

    /// Why the bytes were refused.
    enum Failure: Error {
        /// Not valid JSON: what was wrong, and at which byte offset of the header.
        case syntax(offset: Int, String)
        /// The top-level object has more than the allowed number of keys; `count` is how many it has.
        case tooManyKeys(count: Int)
    }

    /// Parses `bytes` as one JSON value followed only by whitespace.
    ///
    /// When the value is an object, it may hold at most `maxKeys` keys other than `uncountedKey`;
    /// past that the rest of the object is still read (to count it, allocating nothing that is
    /// kept) and `.tooManyKeys` is thrown.
    static func parse(_ bytes: UnsafeRawBufferPointer, maxKeys: Int, uncountedKey: String) throws -> JSONValue {
        guard String(bytes: bytes, encoding: .utf8) != nil || bytes.isEmpty else {
            throw Failure.syntax(offset: firstInvalidUTF8(bytes), "invalid UTF-8")
        }
        var reader = Reader(bytes: bytes.bindMemory(to: UInt8.self))
        reader.skipWhitespace()
        let value: JSONValue
        if reader.peek == UInt8(ascii: "{") {
            value = try reader.object(depth: 1, maxKeys: maxKeys, uncountedKey: uncountedKey)
        } else {
            value = try reader.value(depth: 1)
        }
        reader.skipWhitespace()
        guard reader.position == reader.bytes.count else {
            throw reader.failure("unexpected \(reader.peekDescription) after the top-level value")
        }
        return value
    }

    /// Where UTF-8 decoding first fails (only called when it does), found by decoding growing prefixes
    /// of scalars; linear in the header length.
    private static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: return offset
            }
        }
    }

    /// A cursor over the header bytes.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        /// The byte at the cursor, or nil at the end.
        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        /// The byte at the cursor for messages: `'x'`, `byte 0x07` or `the end of the header`.
        var peekDescription: String {
            guard let byte = peek else { return "the end of the header" }
            return (0x21..<0x7f).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02x", byte)
        }

        func failure(_ message: String) -> Failure { .syntax(offset: position, message) }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 { position += 1 }
        }

        /// Consumes `byte` (after whitespace) or throws naming what was expected.
        mutating func expect(_ byte: UInt8, _ what: String) throws {
            skipWhitespace()
            guard peek == byte else { throw failure("expected \(what), found \(peekDescription)") }
            position += 1
        }

        mutating func value(depth: Int) throws -> JSONValue {
            skipWhitespace()
            guard let byte = peek else { throw failure("expected a value, found the end of the header") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth, maxKeys: .max, uncountedKey: "")
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw failure("expected a value, found \(peekDescription)")
            }
        }

        /// `{ "key": value, … }`; duplicate keys are refused (which one would win is not defined by JSON).
        mutating func object(depth: Int, maxKeys: Int, uncountedKey: String) throws -> JSONValue {
            guard depth <= HeaderJSON.maxDepth else { throw failure("nesting deeper than \(HeaderJSON.maxDepth) levels") }
            try expect(UInt8(ascii: "{"), "'{'")
            var fields: [String: JSONValue] = [:]
            var counted = 0
            skipWhitespace()
            if peek == UInt8(ascii: "}") { position += 1; return .object(fields) }
            while true {
                skipWhitespace()
                let keyStart = position
                guard peek == UInt8(ascii: "\"") else { throw failure("expected a string key, found \(peekDescription)") }
                let key = try string()
                try expect(UInt8(ascii: ":"), "':' after the key")
                let item = try value(depth: depth + 1)
                if key != uncountedKey { counted += 1 }
                if counted <= maxKeys {
                    guard fields.updateValue(item, forKey: key) == nil else {
                        throw Failure.syntax(offset: keyStart, "the key \"\(CheckpointError.shortened(key))\" appears twice")
                    }
                }
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"):
                    position += 1
                    if counted > maxKeys { throw Failure.tooManyKeys(count: counted) }
                    return .object(fields)
                default: throw failure("expected ',' or '}' in an object, found \(peekDescription)")
                }
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            guard depth <= HeaderJSON.maxDepth else { throw failure("nesting deeper than \(HeaderJSON.maxDepth) levels") }
            try expect(UInt8(ascii: "["), "'['")
            var items: [JSONValue] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .array(items)
                default: throw failure("expected ',' or ']' in an array, found \(peekDescription)")
                }
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let start = position
            for i in 0..<word.utf8CodeUnitCount {
                guard peek == word.utf8Start[i] else { throw Failure.syntax(offset: start, "expected '\(word)'") }
                position += 1
            }
        }

        /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`: an `.integer` when it has neither a
        /// fraction nor an exponent and fits in Int, else a `.number`.
        mutating func number() throws -> JSONValue {
            let start = position
            if peek == UInt8(ascii: "-") { position += 1 }
            func digits(_ reader: inout Reader) -> Int {
                let from = reader.position
                while let b = reader.peek, b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { reader.position += 1 }
                return reader.position - from
            }
            let leading = position
            let integerDigits = digits(&self)
            guard integerDigits > 0 else { throw failure("expected a digit in a number, found \(peekDescription)") }
            guard integerDigits == 1 || bytes[leading] != UInt8(ascii: "0") else {
                throw Failure.syntax(offset: leading, "numbers may not have leading zeros")
            }
            var isInteger = true
            if peek == UInt8(ascii: ".") {
                position += 1
                isInteger = false
                guard digits(&self) > 0 else { throw failure("expected a digit after '.', found \(peekDescription)") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                isInteger = false
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw failure("expected a digit in the exponent, found \(peekDescription)") }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            if isInteger, let v = Int(text) { return .integer(v) }
            guard let v = Double(text) else { throw Failure.syntax(offset: start, "the number \(text) cannot be read") }
            return .number(v)
        }

        /// A string literal; the cursor is on its opening quote.
        mutating func string() throws -> String {
            let start = position
            position += 1
            var runStart = position
            var unescaped: [UInt8] = []
            var hasEscapes = false
            while true {
                guard let byte = peek else { throw Failure.syntax(offset: start, "unterminated string") }
                switch byte {
                case UInt8(ascii: "\""):
                    let run = UnsafeBufferPointer(rebasing: bytes[runStart..<position])
                    position += 1
                    guard hasEscapes else { return String(decoding: run, as: UTF8.self) }
                    unescaped.append(contentsOf: run)
                    return String(decoding: unescaped, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    hasEscapes = true
                    unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                    position += 1
                    try escape(into: &unescaped)
                    runStart = position
                case 0..<0x20:
                    throw failure("control character \(String(format: "0x%02x", byte)) inside a string (write it as an escape)")
                default:
                    position += 1
                }
            }
        }

        /// One escape after a backslash: `\" \\ \/ \b \f \n \r \t \uXXXX` (UTF-16, with surrogate pairs).
        mutating func escape(into out: inout [UInt8]) throws {
            guard let byte = peek else { throw failure("unterminated escape") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte); return
            case UInt8(ascii: "b"): out.append(0x08); return
            case UInt8(ascii: "f"): out.append(0x0c); return
            case UInt8(ascii: "n"): out.append(0x0a); return
            case UInt8(ascii: "r"): out.append(0x0d); return
            case UInt8(ascii: "t"): out.append(0x09); return
            case UInt8(ascii: "u"): break
            default: throw Failure.syntax(offset: position - 2, "unknown escape '\\\(Character(Unicode.Scalar(byte)))'")
            }
            var code = try hex4()
            if (0xd800..<0xdc00).contains(code) {
                guard peek == UInt8(ascii: "\\") else { throw failure("unpaired UTF-16 surrogate in a \\u escape") }
                position += 1
                guard peek == UInt8(ascii: "u") else { throw failure("unpaired UTF-16 surrogate in a \\u escape") }
                position += 1
                let low = try hex4()
                guard (0xdc00..<0xe000).contains(low) else { throw failure("unpaired UTF-16 surrogate in a \\u escape") }
                code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
            } else if (0xdc00..<0xe000).contains(code) {
                throw failure("unpaired UTF-16 surrogate in a \\u escape")
            }
            out.append(contentsOf: String(Character(Unicode.Scalar(code)!)).utf8)
        }

        mutating func hex4() throws -> UInt32 {
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = peek, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                    throw failure("expected 4 hex digits in a \\u escape, found \(peekDescription)")
                }
                code = code << 4 | UInt32(digit)
                position += 1
            }
            return code
        }
    }
}
