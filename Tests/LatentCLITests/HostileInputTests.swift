import Foundation
import XCTest
import LatentTestSupport
import LatentCLI

/// Hostile inputs for every `latent` command: corrupt checkpoints (made from real tiny ones),
/// corrupt run folders, corrupt config files and out-of-range arguments, from seeded generators.
///
/// A case fails when the child dies by a signal (or exits 128+n), outlives its timeout, exits 0 on
/// input that must be refused ("silent success"), exits with a code other than 0/1/64 (64 for
/// refused arguments), or refuses with a message that is not one line starting with "error:".
/// Which mutations must be refused is decided per generator (see `mustRefuse` below and
/// docs/FUZZING.md): exit 0 is allowed only where the mutation may leave a meaningful input
/// (a flipped header byte inside a string, a changed but finite weight, a truncated config file
/// that is still a valid shorter one, a documented-range value).
///
/// Every failure names (generator, seed, index); all failures of a run go into one message.
/// Environment: LATENT_FUZZ_CASES (total cases, spread over the generators; default: the short
/// CI version), LATENT_FUZZ_SEED (default 1), LATENT_FUZZ_TIMEOUT (seconds per child, default 20),
/// LATENT_FUZZ_JOBS (parallel children, default 2), LATENT_FUZZ_ONLY=generator:index (one case),
/// LATENT_FUZZ_KEEP=1 (keep and print the case folders).
final class HostileInputTests: XCTestCase {
    // MARK: - Settings

    static let environment = ProcessInfo.processInfo.environment
    static let seed = UInt64(environment["LATENT_FUZZ_SEED"] ?? "") ?? 1
    static let totalCases = Int(environment["LATENT_FUZZ_CASES"] ?? "")
    static let timeout = Double(environment["LATENT_FUZZ_TIMEOUT"] ?? "") ?? 20
    static let jobs = max(1, Int(environment["LATENT_FUZZ_JOBS"] ?? "") ?? 2)
    static let only = environment["LATENT_FUZZ_ONLY"]
    static let keep = environment["LATENT_FUZZ_KEEP"] == "1"
    static var long: Bool { totalCases != nil }
    /// Address-space cap of each child, MB: a runaway allocation dies in the child, not the machine.
    static let memoryLimitMB = 3072

    /// Cases of `generator` in this run: its share of LATENT_FUZZ_CASES, else the short default.
    static func count(_ generator: String, short: Int, weight: Double = 1) -> Int {
        guard let total = totalCases else { return short }
        return max(1, Int((Double(total) * weight / HostileInputTests.totalWeight).rounded()))
    }
    /// Sum of the generators' weights (checkpoint 10 × 1, run folder 1, config 2, arguments 3).
    static let totalWeight = 16.0

    // MARK: - Cases and outcomes

    struct Case {
        var generator: String
        var index: Int
        /// What the mutation did, for the report.
        var what: String
        /// Writes the case's files into its folder (called before the run).
        var prepare: (URL) throws -> Void = { _ in }
        var arguments: [String]
        /// Exit 0 is a failure ("silent success").
        var mustRefuse: Bool
        /// The exit code a refusal must have (nil: 1 or 64).
        var refusalCode: Int32? = nil
        var timeout: Double = HostileInputTests.timeout
    }

    struct Result {
        var testCase: Case
        var outcome: LatentRunner.Outcome
        var failures: [String]
    }

    /// The failure kinds of one outcome, empty when the case passed.
    static func judge(_ c: Case, _ o: LatentRunner.Outcome) -> [String] {
        if o.timedOut { return ["timeout (killed after \(Int(c.timeout)) s)"] }
        if o.signalled { return ["signal \(o.status)"] }
        if o.status >= 128 && o.status < 160 { return ["signal \(o.status - 128) (exit \(o.status))"] }
        if o.status == 0 { return c.mustRefuse ? ["silent success"] : [] }
        var kinds: [String] = []
        if let code = c.refusalCode, o.status != code {
            kinds.append("exit code \(o.status), expected \(code)")
        } else if o.status != 1 && o.status != 64 {
            kinds.append("exit code \(o.status), expected 1 or 64")
        }
        var text = o.stderr
        if text.hasSuffix("\n") { text.removeLast() }
        if !text.hasPrefix("error:") || text.contains("\n") || text.contains("\r") {
            kinds.append("message not one 'error:' line")
        }
        return kinds
    }

    // MARK: - Fixtures: tiny real runs, trained once

    final class Fixtures {
        let root: URL
        let runner: LatentRunner
        /// Run folders by name: "flow" (realnvp on moons), "vae" (sprites), "vae-mnist" (mnist-5k, when present).
        var runs: [String: URL] = [:]
        var failures: [String] = []

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("latent-hostile-\(UUID().uuidString)")
            runner = try LatentRunner(folder: root)
            let common = ["--epochs", "1", "--train-size", "64", "--test-size", "64", "--quiet"]
            try train("flow", ["realnvp", "--data", "moons", "--layers", "2", "--hidden", "8"] + common)
            try train("vae", ["vae", "--data", "sprites", "--hidden", "16", "--latent", "2"] + common)
            if let data = try? sharedDataRoot() {
                try train("vae-mnist", ["vae", "--data", "mnist-5k", "--data-dir", data.path, "--hidden", "16", "--latent", "2"] + common)
            }
        }

        private func train(_ name: String, _ arguments: [String]) throws {
            let outcome = try runner.run(["train"] + arguments + ["--output", name], timeout: 300)
            guard outcome.status == 0, !outcome.signalled else {
                failures.append("fixture \(name) did not train: status \(outcome.status): \(outcome.stderr)")
                return
            }
            runs[name] = root.appendingPathComponent(name)
        }

        /// Copies the files of run `name` that the commands read into `folder`.
        func copyRun(_ name: String, to folder: URL) throws {
            let source = runs[name]!
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
            for file in ["config.json", "metrics.jsonl", "metrics.csv", "summary.json", "checkpoints/last.safetensors", "checkpoints/best.safetensors"]
            where FileManager.default.fileExists(atPath: source.appendingPathComponent(file).path) {
                try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: folder.appendingPathComponent(file))
            }
        }

        func checkpoint(_ name: String) throws -> Data {
            try Data(contentsOf: runs[name]!.appendingPathComponent("checkpoints/last.safetensors"))
        }
    }

    nonisolated(unsafe) static var shared: Fixtures?

    static func fixtures() throws -> Fixtures {
        if let f = shared { return f }
        let f = try Fixtures()
        shared = f
        return f
    }

    override class func tearDown() {
        if let f = shared, !keep { try? FileManager.default.removeItem(at: f.root) }
        shared = nil
        super.tearDown()
    }

    // MARK: - Running and reporting

    /// Runs `cases` on `jobs` threads, each in its own folder, and fails the test once with every failure.
    func runAll(_ name: String, _ cases: [Case], fixtures: Fixtures) throws {
        var cases = cases
        if let only = HostileInputTests.only {
            cases = cases.filter { "\($0.generator):\($0.index)" == only || $0.generator == only }
            if cases.isEmpty { return }
        }
        let start = Date()
        var results = cases.concurrentMap(jobs: HostileInputTests.jobs) { c -> Result in
            let folder = fixtures.root.appendingPathComponent("case-\(c.generator)-\(c.index)")
            var outcome: LatentRunner.Outcome
            do {
                try? FileManager.default.removeItem(at: folder)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try c.prepare(folder)
                outcome = try fixtures.runner.run(c.arguments, timeout: c.timeout, memoryLimitMB: HostileInputTests.memoryLimitMB, in: folder)
            } catch {
                outcome = LatentRunner.Outcome(status: -1, stdout: "", stderr: "test harness error: \(error)")
            }
            let failures = outcome.status == -1 ? ["harness error"] : HostileInputTests.judge(c, outcome)
            if HostileInputTests.keep { print("case \(c.generator):\(c.index) folder \(folder.path)") } else { try? FileManager.default.removeItem(at: folder) }
            return Result(testCase: c, outcome: outcome, failures: failures)
        }
        results.sort { ($0.testCase.generator, $0.testCase.index) < ($1.testCase.generator, $1.testCase.index) }
        print(HostileInputTests.summary(name, results, seconds: Date().timeIntervalSince(start)))
        let failed = results.filter { !$0.failures.isEmpty }
        guard !failed.isEmpty else { return }
        let lines = failed.map { r -> String in
            let c = r.testCase
            let firstLine = HostileInputTests.headline(r.outcome.stderr)
            return "[\(r.failures.joined(separator: "; "))] \(c.generator) seed \(HostileInputTests.seed) index \(c.index): \(c.what)\n"
                + "    latent \(c.arguments.map(HostileInputTests.shellQuoted).joined(separator: " "))\n"
                + "    status \(r.outcome.status)\(r.outcome.signalled ? " (signal)" : ""), \(String(format: "%.1f", r.outcome.seconds)) s, stderr: \(firstLine.prefix(300))"
        }
        XCTFail("\(failed.count) of \(results.count) hostile \(name) cases failed (reproduce one: LATENT_FUZZ_SEED=\(HostileInputTests.seed) "
                + "LATENT_FUZZ_ONLY=generator:index LATENT_FUZZ_KEEP=1 swift test --filter HostileInputTests):\n" + lines.joined(separator: "\n"))
    }

    static func summary(_ name: String, _ results: [Result], seconds: Double) -> String {
        var rows: [String] = ["hostile \(name): \(results.count) cases in \(String(format: "%.1f", seconds)) s (seed \(seed), \(jobs) jobs)"]
        let generators = Set(results.map(\.testCase.generator)).sorted()
        for g in generators {
            let rs = results.filter { $0.testCase.generator == g }
            var kinds: [String: Int] = [:]
            for r in rs { for f in r.failures { kinds[f.components(separatedBy: " (").first!.components(separatedBy: ",").first!, default: 0] += 1 } }
            let accepted = rs.filter { $0.outcome.status == 0 }.count
            rows.append("  \(g): \(rs.count) cases, \(accepted) exit 0, \(rs.count - accepted) non-zero; failures: "
                        + (kinds.isEmpty ? "none" : kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        }
        return rows.joined(separator: "\n")
    }

    /// The first line of `stderr`, or its "Fatal error" line when there is one (release builds print a backtrace banner first).
    static func headline(_ stderr: String) -> String {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        return lines.first { $0.contains("Fatal error") } ?? lines.first ?? "(empty stderr)"
    }

    static func shellQuoted(_ s: String) -> String {
        s.isEmpty || s.contains(where: { " \"'$\\*?;&|<>()[]{}".contains($0) || $0.isNewline }) ? "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" : s
    }

    // MARK: - Commands on a run folder (the case folder's "run")

    enum Command: String, CaseIterable { case eval, sample, inspect, resume }

    static func arguments(_ command: Command, fixture: String) -> [String] {
        switch command {
        case .eval: return ["eval", "run", "--samples", "2", "--images", "8", "--quiet"]
        case .sample: return ["sample", "run", "--count", "4", "--output", "x.npy", "--quiet"]
        case .inspect: return ["inspect", "run"]
        case .resume: return ["train", "--resume", "run", "--epochs", "2", "--quiet"]
        }
    }

    /// The fixture a checkpoint case mutates: eval on the sprites VAE computes the disentanglement
    /// scores (~30 s in a debug build), so eval cases use the MNIST VAE when the data are present.
    static func fixtureName(_ rng: inout HostileRandom, _ command: Command, _ fixtures: Fixtures) -> String {
        let name = rng.pick(["flow", "vae"])
        if name == "vae", command == .eval, fixtures.runs["vae-mnist"] != nil { return "vae-mnist" }
        return name
    }

    /// The timeout of a case on `fixture` (the sprites VAE's eval is slow in debug builds).
    static func timeout(_ command: Command, _ fixture: String) -> Double {
        command == .eval && fixture == "vae" ? max(timeout, 150) : timeout
    }

    // MARK: - Corrupt checkpoints

    /// What a checkpoint mutation did and which commands must refuse it.
    struct Mutation {
        var what: String
        var bytes: Data
        var mustRefuse: Set<Command>
    }

    static let checkpointGenerators: [(name: String, short: Int, make: (inout HostileRandom, SafeTensorsParts) throws -> Mutation)] = [
        ("checkpoint.truncate", 8, truncate),
        ("checkpoint.header-flip", 6, headerFlip),
        ("checkpoint.data-flip", 6, dataFlip),
        ("checkpoint.header-length", 8, headerLength),
        ("checkpoint.offsets", 10, offsets),
        ("checkpoint.dtype", 8, dtype),
        ("checkpoint.shape", 10, shape),
        ("checkpoint.settings", 20, settings),
        ("checkpoint.trainer", 14, trainer),
        ("checkpoint.nan-weights", 12, nanWeights),
    ]

    static let all = Set(Command.allCases)
    static let loaders: Set<Command> = [.eval, .sample, .resume]

    static func truncate(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        let n = parts.original.count
        let length = rng.pick([0, 1, 7, 8, 9, 8 + parts.headerLength - 1, 8 + parts.headerLength, 8 + parts.headerLength + 1, n - 1, n - 4, rng.int(0..<n), rng.int(0..<n)])
        return Mutation(what: "truncated to \(length) of \(n) bytes", bytes: parts.original.prefix(length), mustRefuse: all)
    }

    static func headerFlip(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        var bytes = parts.original
        let position = 8 + rng.int(0..<parts.headerLength), mask = rng.nonZeroByte()
        bytes[position] ^= mask
        return Mutation(what: "header byte \(position) ^= \(mask) ('\(Character(Unicode.Scalar(parts.original[position])))' → 0x\(String(bytes[position], radix: 16)))",
                        bytes: bytes, mustRefuse: [])
    }

    /// The tensor whose data holds byte `offset` of the data section.
    static func tensor(at offset: Int, _ parts: SafeTensorsParts) -> String? {
        parts.tensorNames.first { name in
            guard let o = parts.header[name]?["data_offsets"]?.ints, o.count == 2 else { return false }
            return o[0] <= offset && offset < o[1]
        }
    }

    static func dataFlip(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        var data = parts.data
        let position = rng.int(0..<data.count), mask = rng.nonZeroByte()
        data[position] ^= mask
        let word = position / 4 * 4
        let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[word + $1]) << (8 * UInt32($1)) }
        let value = Float(bitPattern: bits), name = tensor(at: position, parts) ?? "?"
        var out = parts
        out.data = data
        // A changed finite weight is undetectable (safetensors has no checksum); a non-finite one must be caught.
        let refuse: Set<Command> = value.isFinite ? [] : (name.hasPrefix("optimizer.") ? [.resume] : loaders)
        return Mutation(what: "data byte \(position) ^= \(mask) in \(name) → \(value)", bytes: out.encoded(), mustRefuse: refuse)
    }

    static func headerLength(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        let n = UInt64(parts.headerLength), size = UInt64(parts.original.count)
        let claimed = rng.pick([0, 1, 2, n - 1, n + 1, n - 8, n + 8, size - 8, size - 7, size, 100_000_000, 100_000_001, 1 << 32, 1 << 63, UInt64.max, UInt64.max - 7])
        var bytes = parts.original
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: claimed >> (8 * UInt64(i))) }
        return Mutation(what: "header length \(n) → \(claimed)", bytes: bytes, mustRefuse: all)
    }

    static func offsets(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        var out = parts
        let names = parts.tensorNames, name = rng.pick(names)
        let o = parts.header[name]!["data_offsets"]!.ints!
        let d = rng.int(1..<9) * rng.pick([1, -1])
        var refuse = all
        let (what, value): (String, HostileJSON) = {
            switch rng.int(0..<12) {
            case 0: return ("end \(d > 0 ? "+" : "")\(d)", .array([.int(o[0]), .int(o[1] + d)]))
            case 1: return ("begin \(d > 0 ? "+" : "")\(d)", .array([.int(o[0] + d), .int(o[1])]))
            case 2: return ("shifted by \(d)", .array([.int(o[0] + d), .int(o[1] + d)]))
            case 3: return ("begin > end", .array([.int(o[1]), .int(o[0])]))
            case 4: return ("huge", .array([.int(Int.max - 8), .int(Int.max)]))
            case 5: return ("2^64", .raw("[0,18446744073709551616]"))
            case 6: return ("negative", .array([.int(-4), .int(o[1] - o[0] - 4)]))
            case 7: return ("one number", .array([.int(o[0])]))
            case 8: return ("three numbers", .array([.int(o[0]), .int(o[1]), .int(o[1])]))
            case 9: return ("fractional", .array([.double(Double(o[0]) + 0.5), .int(o[1])]))
            case 10: return ("strings", .array([.string("\(o[0])"), .string("\(o[1])")]))
            default:
                let other = rng.pick(names.filter { $0 != name })
                let p = parts.header[other]!["data_offsets"]!.ints!
                out.header[other]!["data_offsets"] = .array([.int(o[0]), .int(o[1])])
                // Swapping two same-sized tensors gives a valid file with other weights: undetectable.
                if p[1] - p[0] == o[1] - o[0] { refuse = [] }
                return ("swapped with \(other)", .array([.int(p[0]), .int(p[1])]))
            }
        }()
        out.header[name]!["data_offsets"] = value
        return Mutation(what: "data_offsets of \(name) \(o) → \(what) \(value.text)", bytes: out.encoded(), mustRefuse: refuse)
    }

    static func dtype(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        var out = parts
        let name = rng.pick(parts.tensorNames)
        let value = rng.pick([HostileJSON.string("F16"), .string("BF16"), .string("F64"), .string("I32"), .string("U32"), .string("I8"),
                              .string("BOOL"), .string("F8_E4M3"), .string("f32"), .string(""), .string("F32 "), .int(5), .null, .array([.string("F32")])])
        out.header[name]!["dtype"] = value
        // Same-sized integer dtypes leave a readable file that inspect may list; loading must refuse
        // (optimizer state is loaded only by --resume).
        let sameSize = value == .string("I32") || value == .string("U32")
        let refuse = sameSize ? (name.hasPrefix("optimizer.") ? [.resume] : loaders) : all
        return Mutation(what: "dtype of \(name) F32 → \(value.text)", bytes: out.encoded(), mustRefuse: refuse)
    }

    static func shape(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        var out = parts
        let name = rng.pick(parts.tensorNames.filter { !$0.hasPrefix("optimizer.step") })
        let s = parts.header[name]!["shape"]!.ints!
        let count = s.reduce(1, *)
        var candidates: [([Int]?, HostileJSON)] = [
            (s + [1], .array((s + [1]).map { .int($0) })), ([1] + s, .array(([1] + s).map { .int($0) })),
            (nil, .array([])), (nil, .array([.int(-1)])), (nil, .array([.int(count), .int(Int.max)])),
            (nil, .raw("[18446744073709551616]")), (nil, .array([.int(0)])), (nil, .string("\(s)")), (nil, .array([.double(Double(count) + 0.5)])),
            (nil, .array(s.map { .int($0 * 2) })),
        ]
        if s.count > 1 { candidates.append(([count], .array([.int(count)]))) }
        if s.count > 1 && s.reversed() != s { candidates.append((s.reversed(), .array(s.reversed().map { .int($0) }))) }
        if count == 1 { candidates.removeAll { $0.1 == .array([]) } }
        let (kept, value) = rng.pick(candidates)
        out.header[name]!["shape"] = value
        // A shape with the same element count leaves a readable file: inspect may list it; loading must refuse.
        let sameCount = kept.map { $0.reduce(1, *) == count } ?? false
        let refuse = sameCount ? (name.hasPrefix("optimizer.") ? [.resume] : loaders) : all
        return Mutation(what: "shape of \(name) \(s) → \(value.text)", bytes: out.encoded(), mustRefuse: refuse)
    }

    static func settings(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) throws -> Mutation {
        var out = parts
        let key = rng.pick([RunModel.settingsKey, RunModel.settingsKey, RunModel.settingsKey, RunModel.configurationKey])
        var json = try HostileJSON.parse(parts.metadata(key)!)
        let what: String
        // eval and sample rebuild the model from these settings; --resume takes its settings from config.json.
        var refuse: Set<Command> = [.eval, .sample]
        if key == RunModel.configurationKey {
            // The model configuration is informative (the settings rebuild the model); edits may be ignored.
            refuse = []
            switch rng.int(0..<4) {
            case 0: json = .raw("{"); what = "model configuration truncated"
            case 1: json["hidden"] = .string("8,,8"); what = "model configuration hidden \"8,,8\""
            case 2: json = .array([]); what = "model configuration []"
            default: json["features"] = .double(1e30); what = "model configuration features 1e30"
            }
            out.setMetadata(key, .string(json.text))
            return Mutation(what: what, bytes: out.encoded(), mustRefuse: refuse)
        }
        guard case .object(var values) = json["settings"]! else { throw XCTSkip("settings not an object") }
        let names = values.keys.sorted()
        switch rng.int(0..<6) {
        case 0:
            // Keys added after a run was saved take their defaults, so a missing key may be accepted.
            let name = rng.pick(names + ["data", "data", "seed", "hidden"])
            values[name] = nil
            json["settings"] = .object(values)
            what = "settings without '\(name)'"
            refuse = []
        case 1:
            let edits: [(String, HostileJSON?)] = [("settings", .object([:])), ("settings", .array([])), ("settings", .null), ("settings", .string("x")),
                                                   ("model", nil), ("model", .string("nope")), ("model", .int(5)), ("model", .string("maf")),
                                                   ("model", .string("vae")), ("model", .string("cvae")), ("model", .string("glow"))]
            let (field, value) = rng.pick(edits)
            // An empty settings object may take every default (mayAccept); another model never fits the weights.
            if field == "settings", value == .object([:]) { refuse = [] }
            if json[field] == value { refuse = [] }
            json[field] = value
            what = "\(field) → \(value?.text ?? "removed")"
        case 2:
            json = rng.pick([.raw("{"), .raw(""), .raw("null"), .raw("[1,2]"), .raw("{\"model\": \"realnvp\", \"settings\": {\"seed\": NaN}}")])
            what = "settings JSON → \(json.text)"
        default:
            let edits: [(String, HostileJSON)] = [
                ("epochs", .bool(true)), ("hidden", .string("8,,8")), ("hidden", .array([])), ("data-dir", .int(5)),
                ("seed", .raw("18446744073709551616")), ("seed", .int(-1)), ("seed", .double(1e30)), ("epochs", .double(1e30)),
                ("epochs", .int(-1)), ("learning-rate", .string("NaN")), ("learning-rate", .raw("1e400")), ("hidden", .array([.double(1e30)])),
                ("hidden", .array([.int(-8)])), ("hidden", .array([.bool(true)])), ("hidden", .array([.array([.int(8)])])),
                ("layers", .int(0)), ("layers", .double(1e30)), ("latent", .string("abc")), ("data", .string("nope")), ("data", .int(5)),
                ("data", .string("sprites")), ("zzz-unknown", .int(1)), ("threads", .int(0)), ("batch-size", .int(-1)),
                ("test-size", .double(1e30)), ("train-size", .string("")), ("conditional", .string("maybe")), ("bins", .int(1)),
                ("log-scale-bound", .string("inf")), ("seed", .raw("1e30")), ("epochs", .null), ("hidden", .raw("[1e400]")),
            ]
            let (name, value) = rng.pick(edits)
            if values[name] == value { refuse = [] }
            values[name] = value
            json["settings"] = .object(values)
            what = "settings '\(name)' → \(value.text)"
        }
        out.setMetadata(key, .string(json.text))
        return Mutation(what: what, bytes: out.encoded(), mustRefuse: refuse)
    }

    static func trainer(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        var out = parts
        let edits: [(String, HostileJSON?)] = [
            ("trainer.epoch", .string("-1")), ("trainer.epoch", .string("1e30")), ("trainer.epoch", .string("inf")), ("trainer.epoch", .string("")),
            ("trainer.epoch", .string("9223372036854775807")), ("trainer.epoch", nil), ("trainer.epoch", .int(1)),
            ("trainer.step", .string("1e30")), ("trainer.step", .string("-5")), ("trainer.step", .string("18446744073709551616")), ("trainer.step", nil),
            ("trainer.best", .string("nan")), ("trainer.best", .string("abc")), ("trainer.seed", .string("-1")),
            ("trainer.seed", .string("18446744073709551616")), ("trainer.loader_epoch", .string("-1")), ("trainer.best_metric", .string("nope")),
            ("optimizer.step", .double(1e30)), ("optimizer.step", .double(.infinity)), ("optimizer.step", .double(.nan)), ("optimizer.step", .double(-1)),
        ]
        let (key, value) = rng.pick(edits)
        if key == "optimizer.step" {
            // The Adam step count is a tensor; a huge finite count is odd but not corrupt.
            guard case .double(let v) = value!, let name = parts.tensorNames.first(where: { $0 == "optimizer.step" }),
                  let o = parts.header[name]?["data_offsets"]?.ints else {
                return Mutation(what: "no optimizer.step tensor", bytes: parts.original, mustRefuse: [])
            }
            let bits = Float(v).bitPattern
            for i in 0..<4 { out.data[o[0] + i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt32(i))) }
            let refuse: Set<Command> = v.isFinite && v >= 0 ? [] : [.resume]
            return Mutation(what: "tensor optimizer.step → \(v)", bytes: out.encoded(), mustRefuse: refuse)
        }
        out.setMetadata(key, value)
        // The loop position matters only to --resume (trainer.best_metric is informative).
        let refuse: Set<Command> = key == "trainer.best_metric" ? [] : [.resume]
        return Mutation(what: "metadata \(key) → \(value?.text ?? "removed")", bytes: out.encoded(), mustRefuse: refuse)
    }

    static func nanWeights(_ rng: inout HostileRandom, _ parts: SafeTensorsParts) -> Mutation {
        var out = parts
        let name = rng.pick(parts.tensorNames.filter { !$0.hasSuffix(".mask") })
        let o = parts.header[name]!["data_offsets"]!.ints!
        let pattern: UInt32 = rng.pick([0x7FC0_0000, 0x7F80_0000, 0xFF80_0000, 0x7F80_0001, 0xFFC0_0000, 0x7FFF_FFFF])
        let every = rng.int(0..<3) == 0
        let elements = (o[1] - o[0]) / 4
        let chosen = every ? Array(0..<elements) : [rng.int(0..<max(1, elements))]
        for e in chosen where e < elements {
            for i in 0..<4 { out.data[o[0] + 4 * e + i] = UInt8(truncatingIfNeeded: pattern >> (8 * UInt32(i))) }
        }
        let refuse: Set<Command> = name.hasPrefix("optimizer.") ? [.resume] : loaders
        return Mutation(what: "\(every ? "every element" : "element \(chosen[0])") of \(name) → bits 0x\(String(pattern, radix: 16)) (\(Float(bitPattern: pattern)))",
                        bytes: out.encoded(), mustRefuse: refuse)
    }

    func testCorruptCheckpoints() throws {
        let fixtures = try HostileInputTests.fixtures()
        XCTAssertTrue(fixtures.failures.isEmpty, fixtures.failures.joined(separator: "\n"))
        var cases: [Case] = []
        for (generator, short, make) in HostileInputTests.checkpointGenerators {
            for index in 0..<HostileInputTests.count(generator, short: short) {
                var rng = HostileRandom(seed: HostileInputTests.seed, generator: generator, index: index)
                let command = rng.pick(Command.allCases)
                let fixture = HostileInputTests.fixtureName(&rng, command, fixtures)
                guard fixtures.runs[fixture] != nil else { continue }
                let parts = try SafeTensorsParts(fixtures.checkpoint(fixture))
                let mutation = try make(&rng, parts)
                // Accepted cases of the slow sprites-VAE eval are left to the long run.
                if !HostileInputTests.long, command == .eval, fixture == "vae", !mutation.mustRefuse.contains(.eval) { continue }
                let bytes = mutation.bytes
                cases.append(Case(generator: generator, index: index, what: "\(fixture): \(mutation.what)", prepare: { folder in
                    let run = folder.appendingPathComponent("run")
                    try fixtures.copyRun(fixture, to: run)
                    for file in ["last", "best"] { try bytes.write(to: run.appendingPathComponent("checkpoints/\(file).safetensors")) }
                }, arguments: HostileInputTests.arguments(command, fixture: fixture), mustRefuse: mutation.mustRefuse.contains(command),
                                  timeout: HostileInputTests.timeout(command, fixture)))
            }
        }
        try runAll("checkpoint", cases, fixtures: fixtures)
    }

    // MARK: - Corrupt run folders

    func testCorruptRunFolders() throws {
        let fixtures = try HostileInputTests.fixtures()
        XCTAssertTrue(fixtures.failures.isEmpty, fixtures.failures.joined(separator: "\n"))
        let generator = "run-folder"
        var cases: [Case] = []
        for index in 0..<HostileInputTests.count(generator, short: 24) {
            var rng = HostileRandom(seed: HostileInputTests.seed, generator: generator, index: index)
            let command = rng.pick(Command.allCases)
            let fixture = HostileInputTests.fixtureName(&rng, command, fixtures)
            guard let source = fixtures.runs[fixture] else { continue }
            let config = try Data(contentsOf: source.appendingPathComponent("config.json"))
            let garbage = Data(rng.bytes(rng.int(0..<200)))
            let cut = rng.int(0..<config.count)
            let flip = rng.int(0..<config.count), mask = rng.nonZeroByte()
            var refuse: Set<Command> = []
            let (what, edit): (String, (URL) throws -> Void) = {
                let fm = FileManager.default
                func at(_ name: String) -> (URL) -> URL { { $0.appendingPathComponent(name) } }
                switch rng.int(0..<14) {
                case 0: refuse = [.resume]; return ("config.json missing", { try fm.removeItem(at: at("config.json")($0)) })
                case 1: return ("config.json truncated to \(cut) bytes", { try config.prefix(cut).write(to: at("config.json")($0)) })
                case 2: refuse = [.resume]; return ("config.json random bytes (\(garbage.count))", { try garbage.write(to: at("config.json")($0)) })
                case 3:
                    var c = config
                    c[flip] ^= mask
                    return ("config.json byte \(flip) ^= \(mask)", { try c.write(to: at("config.json")($0)) })
                case 4:
                    let text = rng.pick(["{}", "[]", "", "null", "{\"model\": \"nope\", \"settings\": {}}", "{\"model\": \"maf\", \"settings\": {\"hidden\": \"8,,8\"}}",
                                         "{\"model\": \"realnvp\", \"settings\": {\"epochs\": true}}"])
                    refuse = [.resume]
                    return ("config.json → \(text)", { try Data(text.utf8).write(to: at("config.json")($0)) })
                case 5: return ("metrics.jsonl random bytes (\(garbage.count))", { try garbage.write(to: at("metrics.jsonl")($0)) })
                case 6: return ("metrics.jsonl missing", { try fm.removeItem(at: at("metrics.jsonl")($0)) })
                case 7: return ("metrics.jsonl '{\"epoch\": 1e400}'", { try Data("{\"epoch\": 1e400, \"test\": {\"nll\": NaN}}\n".utf8).write(to: at("metrics.jsonl")($0)) })
                // Without checkpoints the run is one killed before its first save: `--resume` starts it over.
                case 8: refuse = Set(Command.allCases).subtracting([.resume]); return ("checkpoints/ missing", { try fm.removeItem(at: at("checkpoints")($0)) })
                case 9: return ("checkpoints/last.safetensors missing", { try fm.removeItem(at: at("checkpoints/last.safetensors")($0)) })
                case 10: return ("checkpoints/best.safetensors missing", { try fm.removeItem(at: at("checkpoints/best.safetensors")($0)) })
                case 11:
                    refuse = Set(Command.allCases)
                    return ("checkpoints/ is a file", { try fm.removeItem(at: at("checkpoints")($0)); try garbage.write(to: at("checkpoints")($0)) })
                case 12:
                    refuse = Set(Command.allCases)
                    return ("checkpoints/*.safetensors are folders", {
                        for f in ["last", "best"] {
                            try fm.removeItem(at: at("checkpoints/\(f).safetensors")($0))
                            try fm.createDirectory(at: at("checkpoints/\(f).safetensors")($0), withIntermediateDirectories: true)
                        }
                    })
                default: return ("summary.json random bytes", { try garbage.write(to: at("summary.json")($0)) })
                }
            }()
            cases.append(Case(generator: generator, index: index, what: "\(fixture): \(what)", prepare: { folder in
                let run = folder.appendingPathComponent("run")
                try fixtures.copyRun(fixture, to: run)
                try edit(run)
            }, arguments: HostileInputTests.arguments(command, fixture: fixture), mustRefuse: refuse.contains(command),
                              timeout: HostileInputTests.timeout(command, fixture)))
        }
        try runAll("run-folder", cases, fixtures: fixtures)
    }

    // MARK: - Corrupt config files

    /// The entries of a small valid config (values as YAML/JSON text). The size flags stay on the
    /// command line, so that a mutated file that is still valid trains one tiny epoch.
    static func validEntries(flow: Bool) -> [(String, String)] {
        flow ? [("model", "\"realnvp\""), ("data", "\"moons\""), ("layers", "2"), ("hidden", "[8]"), ("learning-rate", "0.001")]
            : [("model", "\"vae\""), ("data", "\"sprites\""), ("hidden", "[16]"), ("latent", "2"), ("beta", "1.0")]
    }

    /// Config text of `entries`, with `key: value` replacing the entry of that key (or appended).
    static func configText(_ entries: [(String, String)], json: Bool, setting key: String? = nil, to value: String? = nil) -> String {
        var entries = entries
        if let key, let value {
            if let i = entries.firstIndex(where: { $0.0 == key }) { entries[i].1 = value } else { entries.append((key, value)) }
        }
        if json { return "{" + entries.map { "\(HostileJSON.string($0.0).text): \($0.1)" }.joined(separator: ", ") + "}\n" }
        return entries.map { "\(HostileJSON.string($0.0).text): \($0.1)" }.joined(separator: "\n") + "\n"
    }

    /// Values of the wrong type or out of range for a key of `kind` (YAML/JSON text).
    static func wrongValues(_ kind: SettingKey.Kind, json: Bool) -> [String] {
        let nan = json ? "NaN" : ".nan", inf = json ? "Infinity" : ".inf"
        switch kind {
        case .int: return ["true", "\"abc\"", "1.5", "[1, 2]", "{\"a\": 1}", "null", "\"\"", "-1", "1e30", "18446744073709551616", nan, inf, "1e400"]
        case .double: return ["\"abc\"", "true", "[1]", "null", nan, inf, "-\(inf)", "1e400", "-1e400", "\"NaN\"", "{\"a\": 1}"]
        case .bool: return ["5", "\"maybe\"", "[true]", "null", "{\"a\": 1}", "2"]
        case .choice: return ["5", "true", "[\"x\"]", "\"nope\"", "null", "\"\""]
        case .dataset: return ["5", "true", "[\"x\"]", "\"nope\"", "null", "\"\"", "\"folder:\"", "\"png:x\""]
        case .ints: return ["\"8,,8\"", "\"wide\"", "[]", "[true]", "[1.5]", "[-1]", "[[8]]", "1e30", "{\"a\": 1}", "[1e30]", "\"\"", "null"]
        case .text: return ["5", "[1]", "{\"a\": 1}", "true", "null"]
        }
    }

    func testCorruptConfigFiles() throws {
        let fixtures = try HostileInputTests.fixtures()
        let generator = "config"
        var cases: [Case] = []
        let size = ["--epochs", "1", "--train-size", "64", "--test-size", "64"]
        let vaeKeys = SettingsSchema.keys.filter { ModelKind.vae.reads($0) }
        let flowKeys = SettingsSchema.keys.filter { ModelKind.realNVP.reads($0) }
        for index in 0..<HostileInputTests.count(generator, short: 44, weight: 2) {
            var rng = HostileRandom(seed: HostileInputTests.seed, generator: generator, index: index)
            let json = rng.int(0..<2) == 0, flow = rng.int(0..<3) != 0
            let entries = HostileInputTests.validEntries(flow: flow)
            let valid = HostileInputTests.configText(entries, json: json)
            func with(_ key: String, _ value: String) -> Data { Data(HostileInputTests.configText(entries, json: json, setting: key, to: value).utf8) }
            var refuse = true
            var name = json ? "f.json" : "f.yaml"
            let (what, text): (String, Data) = {
                switch rng.int(0..<12) {
                case 0: return ("random bytes", Data(rng.bytes(rng.int(0..<300))))
                case 1:
                    refuse = false
                    let cut = rng.int(0..<valid.utf8.count)
                    return ("valid file truncated to \(cut) bytes", Data(valid.utf8.prefix(cut)))
                case 2, 3:
                    let keys = flow ? flowKeys : vaeKeys
                    let key = rng.pick(keys.filter { $0.name != "data" && $0.name != "data-dir" } + keys)
                    let value = rng.pick(HostileInputTests.wrongValues(key.kind, json: json))
                    return ("\(key.name): \(value)", with(key.name, value))
                case 4:
                    let key = rng.pick(["epochz", "", "model2", "__proto__", "données", "hidden ", "EPOCHS", "<<"])
                    return ("unknown key '\(key)'", with(key, "1"))
                case 5:
                    name = "f.yaml"
                    let key = rng.pick(["hidden", "epochs", "lol"])
                    let base = HostileInputTests.configText(entries.filter { $0.0 != key }, json: false)
                    return ("billion laughs (9 levels) in '\(key)'", Data((base + HostileConfigs.billionLaughs(depth: 9, key: key)).utf8))
                case 6:
                    let depth = rng.pick([64, 1000, 10_000, 100_000])
                    return ("hidden nested \(depth) deep", Data(HostileConfigs.nestedLists(depth: depth, key: "hidden", json: json).utf8))
                case 7:
                    let (key, value) = rng.pick([("epochs", "1e300"), ("seed", "1e300"), ("seed", "18446744073709551616"), ("batch-size", "99999999999999999999999"),
                                                 ("learning-rate", "1e-400"), ("train-size", "-9223372036854775809"), ("seed", "-1"), ("hidden", "[99999999999999999999]")])
                    return ("\(key): \(value)", with(key, value))
                case 8:
                    let value = rng.pick(json ? ["NaN", "Infinity", "-Infinity"] : [".nan", ".inf", "-.inf", ".NaN", ".Inf"])
                    return ("learning-rate: \(value)", with("learning-rate", value))
                case 9: return ("empty file", Data(rng.pick(["", " ", "\n", "---\n", "# only a comment\n"]).utf8))
                case 10:
                    let body = rng.pick(json ? ["[1, 2]", "[{\"model\": \"vae\"}]", "\"vae\"", "5", "null"] : ["- model: vae\n- epochs: 1\n", "vae\n", "5\n", "~\n", "[model, vae]\n"])
                    return ("not a mapping: \(body.trimmingCharacters(in: .whitespacesAndNewlines))", Data(body.utf8))
                default:
                    refuse = false
                    var bytes = Data(valid.utf8)
                    let position = rng.int(0..<bytes.count), mask = rng.nonZeroByte()
                    bytes[position] ^= mask
                    return ("valid file, byte \(position) ^= \(mask)", bytes)
                }
            }()
            cases.append(Case(generator: generator, index: index, what: "\(name) \(flow ? "realnvp" : "vae"): \(what)", prepare: { folder in
                try text.write(to: folder.appendingPathComponent(name))
            }, arguments: ["train", "--config", name] + size + ["--output", "run", "--quiet"], mustRefuse: refuse))
        }
        for (index, (name, what, setup)) in [("missing.yaml", "missing file", { (_: URL) in }),
                                             ("dir.yaml", "a folder", { try FileManager.default.createDirectory(at: $0.appendingPathComponent("dir.yaml"), withIntermediateDirectories: true) }),
                                             ("f.txt", "unknown extension", { try Data("model: vae\n".utf8).write(to: $0.appendingPathComponent("f.txt")) }),
                                             ("f.yaml", "invalid UTF-8", { try Data([0x6D, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: $0.appendingPathComponent("f.yaml")) })].enumerated() {
            cases.append(Case(generator: "config.file", index: index, what: what, prepare: setup,
                              arguments: ["train", "--config", name] + size + ["--output", "run", "--quiet"], mustRefuse: true))
        }
        try runAll("config", cases, fixtures: fixtures)
    }

    // MARK: - Out-of-range arguments

    /// Whether `text` is a valid value of `key` as documented ("an integer in a…b", "a number in a…b",
    /// "a list of integers in a…b"); surrounding blanks are tolerated.
    static func isDocumentedValue(_ text: String, _ key: SettingKey) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch key.kind {
        case let .int(r): return Int(t).map(r.contains) ?? false
        case let .double(r): return Double(t).map { $0.isFinite && r.contains($0) } ?? false
        case let .ints(r):
            let items = t.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            return !items.isEmpty && items.allSatisfy { $0.map(r.contains) ?? false }
        default: return true
        }
    }

    /// The model, data and tiny sizes a train case of `key` uses.
    static func trainBase(_ key: SettingKey) -> [String] {
        let small = ["--epochs", "1", "--train-size", "64", "--test-size", "64"]
        if ModelKind.realNVP.reads(key) { return ["realnvp", "--data", "moons", "--layers", "2", "--hidden", "8"] + small }
        if ModelKind.nsf.reads(key) { return ["nsf", "--data", "moons", "--layers", "2", "--hidden", "8"] + small }
        if ModelKind.glow.reads(key) { return ["glow", "--data", "sprites", "--layers", "1", "--hidden", "4", "--scales", "1"] + small }
        if ModelKind.vae.reads(key) { return ["vae", "--data", "sprites", "--hidden", "16", "--latent", "2"] + small }
        return ["cvae", "--data", "sprites", "--task", "quadrant", "--hidden", "16", "--latent", "2"] + small
    }

    /// How a flag of the picture and eval commands must treat a value.
    enum FlagKind { case count, index, seed, real }
    static let flagKinds: [String: FlagKind] = [
        "count": .count, "samples": .count, "images": .count, "pairs": .count, "steps": .count, "resolution": .count,
        "class": .index, "dims": .index, "image": .index, "seed": .seed, "temperature": .real, "range": .real,
    ]
    static let textFlags: Set<String> = ["data-dir", "output"]

    /// Whether a value of a flag of `kind` must be refused: unparseable, not finite, negative counts and
    /// indices, indices past the fixture's 2 latent dimensions / 64 test images. Other values (0, huge
    /// counts, 1e-20) may be accepted, but must not crash or hang.
    static func mustRefuse(_ value: String, _ kind: FlagKind, flag: String) -> Bool {
        switch kind {
        case .real:
            guard let v = Float(value) else { return true }
            return !v.isFinite
        case .seed: return UInt64(value) == nil
        case .count: return Int(value).map { $0 < 0 } ?? true
        case .index:
            guard let v = Int(value) else { return true }
            if v < 0 { return true }
            if flag == "dims" { return v >= 2 }
            if flag == "image" { return v >= 64 }
            return false
        }
    }

    func testOutOfRangeArguments() throws {
        let fixtures = try HostileInputTests.fixtures()
        XCTAssertTrue(fixtures.failures.isEmpty, fixtures.failures.joined(separator: "\n"))
        var all: [Case] = []
        func add(_ generator: String, _ what: String, _ arguments: [String], refuse: Bool, code: Int32? = nil,
                 timeout: Double = HostileInputTests.timeout, run: String? = nil) {
            all.append(Case(generator: generator, index: 0, what: what, prepare: { folder in
                if let run { try fixtures.copyRun(run, to: folder.appendingPathComponent("run")) }
            }, arguments: arguments, mustRefuse: refuse, refusalCode: refuse ? (code ?? 64) : nil, timeout: timeout))
        }
        // train: every numeric setting, with every hostile value outside its documented range.
        for key in SettingsSchema.keys {
            let boundaries: [String]
            switch key.kind {
            case let .int(r): boundaries = [String(r.lowerBound - 1), r.upperBound == Int.max ? "9223372036854775808" : String(r.upperBound + 1)]
            case let .double(r): boundaries = ["\(r.lowerBound - max(1e-9, abs(r.lowerBound) * 0.5))", "\(r.upperBound * 2)"]
            case let .ints(r): boundaries = [String(r.lowerBound - 1), String(r.upperBound + 1), "8,,8", ",", "8,", "[8", "8 8"]
            default: continue
            }
            for value in boundaries + HostileValues.numbers where !HostileInputTests.isDocumentedValue(value, key) {
                var arguments = ["train"] + HostileInputTests.trainBase(key)
                if let i = arguments.firstIndex(of: "--" + key.name) { arguments.removeSubrange(i...(i + 1)) }
                add("arguments.train", "--\(key.name) '\(value)'", arguments + ["--\(key.name)", value, "--output", "run", "--quiet"], refuse: true)
            }
        }
        // The other commands: every option with a value, from the usage line of --help.
        let bases: [(command: String, run: String, tail: [String])] = [
            ("eval", fixtures.runs["vae-mnist"] != nil ? "vae-mnist" : "vae", ["--samples", "2", "--images", "8"]), ("eval", "flow", []),
            ("sample", "vae", ["--count", "4", "--output", "x.npy"]), ("sample", "flow", ["--count", "4", "--output", "x.png"]),
            ("reconstruct", "vae", ["--count", "4"]), ("interpolate", "vae", ["--pairs", "2", "--steps", "3"]),
            ("traverse", "vae", ["--dims", "0", "--steps", "3"]), ("density", "flow", ["--resolution", "16", "--samples", "16"]),
        ]
        for (command, run, tail) in bases where fixtures.runs[run] != nil {
            let help = try fixtures.runner.run([command, "--help"], timeout: HostileInputTests.timeout)
            let usage = help.stdout.components(separatedBy: "\n").first { $0.hasPrefix("USAGE:") } ?? ""
            let flags = usage.components(separatedBy: "[--").dropFirst().compactMap { part -> String? in
                let words = part.split(separator: " ")
                return words.count > 1 && words[1].hasPrefix("<") ? String(words[0]) : nil
            }
            XCTAssertFalse(flags.isEmpty, "no options in the usage line of latent \(command) --help: \(help.stdout)")
            for flag in flags where !HostileInputTests.textFlags.contains(flag) {
                guard let kind = HostileInputTests.flagKinds[flag] else {
                    XCTFail("latent \(command) --\(flag): a flag this test does not classify; add it to flagKinds")
                    continue
                }
                let slow = command == "eval" && run == "vae"
                for value in HostileValues.numbers {
                    var arguments = [command, "run"] + tail
                    if let i = arguments.firstIndex(of: "--" + flag) { arguments.removeSubrange(i...(i + 1)) }
                    let refuse = HostileInputTests.mustRefuse(value, kind, flag: flag)
                    if slow && !refuse && !HostileInputTests.long { continue }
                    add("arguments.\(command)", "\(run): --\(flag) '\(value)'", arguments + ["--\(flag)", value, "--quiet"], refuse: refuse,
                        timeout: slow ? max(HostileInputTests.timeout, 150) : HostileInputTests.timeout, run: run)
                }
            }
        }
        // Misspelt subcommands and unknown flags.
        for word in ["trian", "evall", "sampel", "inpsect", "Train", "", "-", "train2", "dénsity", "help me", "--train", "-t", "tr ain", "TRAIN", "évaluate"] {
            add("arguments.subcommand", "subcommand '\(word)'", [word], refuse: true)
        }
        for (command, run) in [("train", nil), ("eval", "flow"), ("sample", "flow"), ("reconstruct", "vae"), ("interpolate", "vae"),
                               ("traverse", "vae"), ("density", "flow"), ("inspect", "flow"), ("datasets", nil), ("bench", nil)] as [(String, String?)] {
            for flag in ["--bogus", "--bogus=1", "-x", "--count=", "---", "--quiet=yes"] {
                var arguments = [command]
                if run != nil { arguments.append("run") }
                if command == "train" { arguments += ["realnvp", "--data", "moons", "--epochs", "1", "--train-size", "64", "--test-size", "64", "--output", "run"] }
                add("arguments.flags", "latent \(command) \(flag)", arguments + [flag], refuse: true, run: run)
            }
        }
        // Short version: a seeded sample of 20 cases per generator; the long version runs them all.
        var cases: [Case] = []
        let groups = Dictionary(grouping: all, by: \.generator)
        for generator in groups.keys.sorted() {
            let group = groups[generator]!
            let wanted = HostileInputTests.long ? group.count : min(group.count, 20)
            var rng = HostileRandom(seed: HostileInputTests.seed, generator: generator, index: -1)
            var order = Array(group.indices)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.int(0..<(i + 1))) }
            for index in 0..<wanted {
                var c = group[order[index % group.count]]
                c.index = index
                cases.append(c)
            }
        }
        try runAll("arguments", cases, fixtures: fixtures)
    }
}
