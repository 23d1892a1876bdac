import Foundation
import XCTest
import Yams
@testable import LatentCLI

/// The bounded YAML loader for config files: the same values as `Yams.load` for real configs,
/// bounded work for hostile ones.
final class ConfigYAMLTests: XCTestCase {
    /// Nine levels of nine aliases: 9⁹ ≈ 387 million strings once expanded.
    static let billionLaughs: String = {
        let names = Array("abcdefghi").map(String.init)
        var text = "a: &a [" + Array(repeating: "\"lol\"", count: 9).joined(separator: ",") + "]\n"
        for level in 1..<9 {
            text += "\(names[level]): &\(names[level]) [" + Array(repeating: "*\(names[level - 1])", count: 9).joined(separator: ",") + "]\n"
        }
        return text
    }()

    /// A value as text with its scalar types, mappings' keys sorted: equal for equal YAML values
    /// whether mappings are `[String: Any]` or Yams' `[AnyHashable: Any]`.
    private func canonical(_ value: Any) -> String {
        switch value {
        case let mapping as [AnyHashable: Any]:
            return "{" + mapping.map { ("\($0.key.base)", canonical($0.value)) }.sorted { $0.0 < $1.0 }.map { "\($0): \($1)" }.joined(separator: ", ") + "}"
        case let sequence as [Any]:
            return "[" + sequence.map(canonical).joined(separator: ", ") + "]"
        default:
            return "\(type(of: value))(\(value))"
        }
    }

    private func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let value = try ConfigYAML.load(text, path: "run.yaml")
            XCTFail("loaded \(value)", file: file, line: line)
        } catch let error as ConfigFileError {
            XCTAssertEqual(error.path, "run.yaml", file: file, line: line)
            return error.description
        } catch {
            XCTFail("expected a ConfigFileError, got \(error)", file: file, line: line)
        }
        return ""
    }

    func testBillionLaughsIsRefusedQuickly() {
        let start = Date()
        XCTAssertEqual(refusal(Self.billionLaughs),
                       "config file run.yaml: YAML aliases expand to more than 10000 values (nested aliases?); a config file holds settings, not data")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "must not expand the aliases")
        // The same with merge keys: each level merges nine copies of the one below.
        var merges = "a: &a {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8}\n"
        let names = Array("abcdefghi").map(String.init)
        for level in 1..<9 {
            merges += "\(names[level]): &\(names[level]) {<<: [" + Array(repeating: "*\(names[level - 1])", count: 9).joined(separator: ", ") + "]}\n"
        }
        XCTAssertTrue(refusal(merges).contains("more than 10000 values"))
    }

    /// The values `Yams.load` gives, key by key, for a config using every kind of scalar.
    func testRealConfigGivesTheSameValuesAsYamsLoad() throws {
        let text = """
        # a training run
        model: vae
        epochs: 10
        lr: 1e-3
        beta: 2.5
        hidden: [512, 256]
        shuffle: yes
        binarize: on
        warmup: off
        seed: 0x10
        octal: 010
        big: 1_000
        name: 'run 7'
        quoted: "12"
        nothing: ~
        also-null: null
        infinite: .inf
        when: 2024-01-01
        time: 1:30
        nested: {a: 1, b: [true, "x"]}
        list:
          - 1
          - two
          - 3.0
        """
        let ours = try XCTUnwrap(try ConfigYAML.load(text, path: "run.yaml") as? [String: Any])
        let theirs = try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any])
        XCTAssertEqual(Set(ours.keys), Set(theirs.keys))
        for key in theirs.keys { XCTAssertEqual(canonical(ours[key]!), canonical(theirs[key]!), key) }
        XCTAssertEqual(ours["epochs"] as? Int, 10)
        XCTAssertEqual(ours["lr"] as? Double, 0.001)
        XCTAssertEqual(ours["shuffle"] as? Bool, true)
        XCTAssertEqual(ours["seed"] as? Int, 16)
        XCTAssertEqual(ours["quoted"] as? String, "12")
        XCTAssertTrue(ours["nothing"] is NSNull)
        XCTAssertEqual(ours["hidden"] as? [Int], [512, 256])
        XCTAssertTrue(try ConfigYAML.load("", path: "empty.yaml") is NSNull)
    }

    func testModestAliasesAndMergeKeysWork() throws {
        let text = """
        base: &base {lr: 0.001, epochs: 5, hidden: &h [64, 64]}
        run:
          <<: *base
          epochs: 20
          encoder: *h
          decoder: [*h, *h]
        """
        let value = try XCTUnwrap(try ConfigYAML.load(text, path: "run.yaml") as? [String: Any])
        let run = try XCTUnwrap(value["run"] as? [String: Any])
        XCTAssertEqual(run["lr"] as? Double, 0.001)
        XCTAssertEqual(run["epochs"] as? Int, 20, "the mapping's own key wins over the merged one")
        XCTAssertEqual(run["encoder"] as? [Int], [64, 64])
        XCTAssertEqual(run["decoder"] as? [[Int]], [[64, 64], [64, 64]])
        let theirs = try XCTUnwrap((try Yams.load(yaml: text) as? [String: Any])?["run"] as? [String: Any])
        XCTAssertEqual(canonical(run), canonical(theirs))
        // Of two merged mappings, the first listed wins (as in Yams).
        let two = try XCTUnwrap(try ConfigYAML.load("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc: {<<: [*a, *b]}", path: "m.yaml") as? [String: Any])
        XCTAssertEqual(two["c"] as? [String: Int], ["x": 1, "y": 2])
        XCTAssertEqual(try ConfigYAML.load("x: *a # note: fine\na: 1\n".replacingOccurrences(of: "x: *a", with: "a0: &a 3\nx: *a"), path: "c.yaml") as? [String: Int],
                       ["a0": 3, "x": 3, "a": 1], "a colon in a comment after an alias value is fine")
    }

    func testDeepNestingIsRefused() {
        XCTAssertEqual(refusal("x: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)),
                       "config file run.yaml: values nest deeper than 32 levels")
        XCTAssertTrue(refusal(String(repeating: "- ", count: 33) + "x").contains("deeper than 32 levels"))
        XCTAssertNoThrow(try ConfigYAML.load(String(repeating: "- ", count: 31) + "x", path: "ok.yaml"))
        // Deeper than libyaml's own limit: its error, not a crash.
        XCTAssertThrowsError(try ConfigYAML.load(String(repeating: "[", count: 5000), path: "deep.yaml")) { error in
            XCTAssertTrue("\(error)".contains("Maximum nesting level"), "\(error)")
        }
    }

    /// Hashing an alias key walks its expansion while composing, so alias keys are refused first,
    /// in every form a key can take.
    func testAliasKeysAreRefusedBeforeComposing() {
        // Six levels (9⁶ values, 0.3 s to hash): if a case slipped through, it would show as slow, not hang.
        let bomb = Self.billionLaughs.split(separator: "\n").prefix(6).joined(separator: "\n").replacingOccurrences(of: "&f", with: "&i") + "\n"
        let start = Date()
        for key in ["*i: 1", "x: {*i: 1}", "x: {*i:1}", "x: {*i :1}", "[*i, 2]: 1", "x: {[1, {y: *i}]: 2}", "x:\n  - *i : 3", "? *i\n: 1", "? [1,\n   *i]\n: 1",
                    "x: !!set {*i}", "x: {a: 1,\n  *i}"] {
            let message = refusal(bomb + key)
            XCTAssertTrue(message.hasSuffix("the alias *i is used in a mapping key; config keys are setting names, so aliases may only stand for values"),
                          key + " → " + message)
        }
        XCTAssertTrue(refusal(bomb + "*i: 1\n*i: 2").contains("is not valid YAML: Parser: expected all keys to be unique"), "the same alias twice")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        let nine = refusal(Self.billionLaughs + "*i: 1")
        XCTAssertTrue(nine.hasSuffix("the alias *i is used in a mapping key; config keys are setting names, so aliases may only stand for values"), nine)
        let broken = refusal("a: &x 1\nb: [*x, ")
        XCTAssertTrue(broken.contains("is not valid YAML") && broken.contains("*x") && !broken.contains("__latent"), broken)
        XCTAssertTrue(refusal("x: 1\n" + String(repeating: "y", count: 1_000_001)).contains("may have at most 1000000"))
    }

    /// Things that look like aliases in keys but are not: quoted keys, `*` inside a plain key, comments.
    func testAliasLookalikesInKeysAreFine() throws {
        let text = "a: &x 1\n\"*x\": 2\n'*x y': 3\nb*x: 4\nc: *x # *x: no\nd: {e: *x}\n"
        let value = try XCTUnwrap(try ConfigYAML.load(text, path: "ok.yaml") as? [String: Any])
        XCTAssertEqual(value["*x"] as? Int, 2)
        XCTAssertEqual(value["*x y"] as? Int, 3)
        XCTAssertEqual(value["b*x"] as? Int, 4)
        XCTAssertEqual(value["c"] as? Int, 1)
        XCTAssertEqual(value["d"] as? [String: Int], ["e": 1])
    }

    func testNonScalarKeysAreAnErrorNotATrap() {
        XCTAssertTrue(refusal("[a, b]: 1").contains("a mapping key is a sequence; keys must be setting names"))
    }
}
