import Foundation
import Yams

/// A config file refused by `ConfigYAML` for its size or shape, not its syntax (syntax errors
/// are Yams' own `YamlError`, naming the line and column).
struct ConfigFileError: Error, CustomStringConvertible {
    /// The config file.
    let path: String
    /// What is wrong and what is accepted.
    let message: String

    var description: String { "config file \(path): \(message)" }
}

/// YAML config files read with bounded work, whatever their content.
///
/// `Yams.load` expands aliases as it builds Swift values, so a "billion laughs" file — nine
/// levels of `b: &b [*a, *a, …]` — describes 10⁹ values in a few hundred bytes and never
/// returns. Composing (`Yams.compose`) keeps an alias as a shared reference to its anchor's node
/// (2 ms for that file), so this loader composes, then converts the node tree to Foundation
/// values itself, counting every value (and every merged `<<` entry) it produces and refusing
/// more than `maxValues` or nesting deeper than `maxDepth`. Nesting is also bounded while
/// composing: libyaml refuses more than 1000 levels.
///
/// One more unbounded path remains inside compose: it hashes mapping keys to find duplicates, and
/// hashing an alias key walks its whole expansion. Config keys are setting names, so a key that
/// is or contains an alias is refused before the file itself is composed (`refuseAliasKeys`).
///
/// Values are what `Yams.load` gives for the same file, so code written against it keeps
/// working: scalars go through Yams' own constructor (`1` and `0x10` are Int, `1.5`, `1e3` and
/// `.inf` Double, `true`, `yes`, `on` Bool, `~` and `null` NSNull, quoted scalars String, and
/// timestamps Date), sequences are `[Any]`, and mappings are `[String: Any]` with `<<` merge keys
/// applied as Yams applies them (the mapping's own keys win, then earlier merged mappings).
/// Differences: a non-scalar key is an error (Yams.load traps on it), and the rarely used
/// explicit `!!set`, `!!omap` and `!!pairs` tags are read as a plain mapping or sequence.
enum ConfigYAML {
    /// The most values (scalars, sequences, mappings and merged entries) a config file may expand
    /// to; the longest real config has a few dozen settings.
    static let maxValues = 10_000
    /// The deepest nesting of sequences and mappings accepted.
    static let maxDepth = 32
    /// The largest config file accepted, in bytes.
    static let maxBytes = 1_000_000

    /// The Foundation value of the YAML `text` (NSNull for an empty document); `path` names the
    /// file in errors. Throws `ConfigFileError` for the limits above and `YamlError` for syntax.
    static func load(_ text: String, path: String) throws -> Any {
        let size = text.utf8.count
        guard size <= maxBytes else {
            throw ConfigFileError(path: path, message: "is \(size) bytes; a config file may have at most \(maxBytes)")
        }
        try refuseAliasKeys(text, path: path)
        guard let root = try Yams.compose(yaml: text) else { return NSNull() }
        var conversion = Conversion(path: path)
        return try conversion.value(root, depth: 1)
    }

    /// What an alias `*name` becomes in the text composed by `refuseAliasKeys`: the flow sequence
    /// `[__latent_alias_name]`. Like an alias, and unlike a plain scalar, it ends where it ends
    /// (a plain scalar would absorb a following ` :1`), and inside quoted strings, comments and
    /// block scalars it is just text.
    static let aliasPlaceholder = "__latent_alias_"

    /// Throws when an alias (`*name`) is, or is inside, a mapping key — without ever composing
    /// such a file: every alias token is first replaced by a placeholder (`*` followed by
    /// libyaml's anchor characters, wherever it appears, so none is missed), and that alias-free
    /// text — same structure, nothing shared — is composed and its keys searched for placeholders.
    /// (A plain scalar in a flow collection with `*x` inside a word, `{k: 2*x}`, becomes a syntax
    /// error; config files do not write such values.)
    /// A syntax error of the replaced text (or a duplicate key: two keys that are the same alias)
    /// is reported as a `ConfigFileError` with placeholders shown as aliases again, since composing
    /// the original could hash an alias key first.
    static func refuseAliasKeys(_ text: String, path: String) throws {
        let bytes = Array(text.utf8)
        var replaced: [UInt8] = []
        replaced.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "*"), i + 1 < bytes.count, isAnchorCharacter(bytes[i + 1]) {
                var end = i + 1
                while end < bytes.count && isAnchorCharacter(bytes[end]) { end += 1 }
                replaced += Array(("[" + aliasPlaceholder).utf8) + bytes[(i + 1)..<end] + [UInt8(ascii: "]")]
                i = end
            } else {
                replaced.append(bytes[i])
                i += 1
            }
        }
        guard replaced.count != bytes.count else { return }  // no aliases: nothing is shared
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: replaced, as: UTF8.self))
        } catch {
            throw ConfigFileError(path: path, message: "is not valid YAML: " + restoringAliases("\(error)"))
        }
        if let root, let alias = aliasInKey(root, isKey: false) { throw aliasKeyError(path, alias) }
    }

    /// The first placeholder (as `*name`) found in a mapping key of `node`, or in `node` itself when
    /// it is (part of) a key. Iterative, as keys can nest as deep as libyaml allows.
    private static func aliasInKey(_ node: Node, isKey: Bool) -> String? {
        var stack = [(node, isKey)]
        while let (node, isKey) = stack.popLast() {
            switch node {
            case .scalar(let scalar):
                if isKey, scalar.string.hasPrefix(aliasPlaceholder), scalar.style == .plain,
                   scalar.string.utf8.dropFirst(aliasPlaceholder.utf8.count).allSatisfy(isAnchorCharacter) {
                    return "*" + scalar.string.dropFirst(aliasPlaceholder.count)
                }
            case .sequence(let sequence):
                stack += sequence.map { ($0, isKey) }
            case .mapping(let mapping):
                for (key, value) in mapping { stack += [(key, true), (value, isKey)] }
            case .alias:
                break
            }
        }
        return nil
    }

    /// libyaml's anchor and alias name characters: ASCII letters, digits, '_' and '-'.
    private static func isAnchorCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// `text` with each `[__latent_alias_name]` shown as the `*name` it replaced.
    private static func restoringAliases(_ text: String) -> String {
        let pattern = try! NSRegularExpression(pattern: "\\[" + aliasPlaceholder + "([A-Za-z0-9_-]+)\\]")
        return pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "*$1")
    }

    private static func aliasKeyError(_ path: String, _ alias: String) -> ConfigFileError {
        ConfigFileError(path: path, message: "the alias \(alias) is used in a mapping key; "
                               + "config keys are setting names, so aliases may only stand for values")
    }

    /// The node-to-value conversion with its running count.
    private struct Conversion {
        let path: String
        var produced = 0

        /// Counts one more value at `depth` and throws past the limits.
        mutating func count(depth: Int) throws {
            produced += 1
            guard produced <= ConfigYAML.maxValues else {
                throw ConfigFileError(path: path, message: "YAML aliases expand to more than \(ConfigYAML.maxValues) values (nested aliases?); "
                                      + "a config file holds settings, not data")
            }
            guard depth <= ConfigYAML.maxDepth else {
                throw ConfigFileError(path: path, message: "values nest deeper than \(ConfigYAML.maxDepth) levels")
            }
        }

        mutating func value(_ node: Node, depth: Int) throws -> Any {
            try count(depth: depth)
            switch node {
            case .scalar:
                return node.any
            case .sequence(let sequence):
                var items: [Any] = []
                for item in sequence { items.append(try value(item, depth: depth + 1)) }
                return items
            case .mapping(let mapping):
                var fields: [String: Any] = [:]
                for (key, item) in try pairs(mapping, depth: depth) { fields[key] = try value(item, depth: depth + 1) }
                return fields
            case .alias:
                throw ConfigFileError(path: path, message: "holds an alias that YAML composing left unresolved")
            }
        }

        /// The mapping's entries with `<<` merges applied, in an order where later entries win:
        /// merged entries first (the first listed mapping last), then the mapping's own.
        mutating func pairs(_ mapping: Node.Mapping, depth: Int) throws -> [(String, Node)] {
            var merged: [(String, Node)] = []
            var own: [(String, Node)] = []
            for (key, item) in mapping {
                if key.tag.rawValue == Tag.Name.merge.rawValue {
                    switch item {
                    case .mapping(let source):
                        merged += try pairs(source, depth: depth + 1)
                    case .sequence(let sources):
                        for case .mapping(let source) in sources.reversed() { merged += try pairs(source, depth: depth + 1) }
                    default:
                        break
                    }
                    continue
                }
                guard case .scalar(let scalar) = key else {
                    throw ConfigFileError(path: path, message: "a mapping key is a \(key.mapping != nil ? "mapping" : "sequence"); keys must be setting names")
                }
                try count(depth: depth)
                own.append((scalar.string, item))
            }
            return merged + own
        }
    }
}
