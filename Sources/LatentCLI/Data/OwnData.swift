import Foundation
import Latent

/// Data the user names by path rather than by a catalogue name: `folder:PATH` (PNG images,
/// `ImageFolder`), `npy:FILE` or `npy:DIR` (train.npy + test.npy), `npz:FILE`, `csv:FILE`
/// (`ArrayFiles`). Each is read once per process and kept, because the run's settings, its memory
/// estimate and its model all depend on what the files hold (their shape, channels, classes).
///
/// Splits: the files' own (`train/` + `test/` folders, `train.npy` + `test.npy`, an `.npz` with
/// test arrays) when they have them; otherwise a seeded random `test-fraction` of the examples.
public enum OwnData {
    /// The prefixes that name own data.
    public static let prefixes = ["folder:", "npy:", "npz:", "csv:"]

    /// Whether `name` names own data (a known prefix followed by a path).
    public static func isOwn(_ name: String) -> Bool {
        prefixes.contains { name.hasPrefix($0) && name.count > $0.count }
    }

    /// `name` with its path made absolute (relative to the working directory), so that a run folder's
    /// `config.json` still finds the data from elsewhere.
    public static func absolute(_ name: String) -> String {
        guard isOwn(name), let prefix = prefixes.first(where: name.hasPrefix) else { return name }
        let path = String(name.dropFirst(prefix.count))
        return prefix + URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL.path
    }

    /// What a name's files hold.
    public struct Contents {
        /// Training examples (all of them when the files have no test split).
        public var train: Dataset
        /// The files' own test examples, or nil when a split must be drawn.
        public var test: Dataset?
        /// Number of classes when the examples are labelled.
        public var classes: Int?
        /// Class names of an image folder (empty otherwise).
        public var classNames: [String]

        /// The shape of one example: `[D]` for points, `[C, H, W]` for images.
        public var exampleShape: [Int] { train.exampleShape }
        /// Whether the examples are images.
        public var isImage: Bool { exampleShape.count == 3 }
        /// All examples, both splits.
        public var count: Int { train.count + (test?.count ?? 0) }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: Contents] = [:]

    /// The contents of `name` (read on first use). Throws `CLIError.failed` with the reader's
    /// one-line message (file, value, expectation).
    public static func contents(_ name: String) throws -> Contents {
        let name = absolute(name)
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[name] { return hit }
        let loaded: Contents
        do { loaded = try read(name) } catch let error as DataError {
            throw CLIError.failed("data '\(name)': \(error)")
        }
        cache[name] = loaded
        return loaded
    }

    private static func read(_ name: String) throws -> Contents {
        let prefix = prefixes.first(where: name.hasPrefix)!
        let url = URL(fileURLWithPath: String(name.dropFirst(prefix.count)))
        let short = url.lastPathComponent
        let contents: Contents
        if prefix == "folder:" {
            let folder = try ImageFolder.load(url)
            let classes = folder.train.classNames.isEmpty ? nil : folder.train.classNames.count
            contents = Contents(train: folder.train.dataset(name: short), test: folder.test?.dataset(name: short),
                                classes: classes, classNames: folder.train.classNames)
        } else {
            let parts: ArrayFiles.Parts
            switch prefix {
            case "npy:": parts = try ArrayFiles.loadNPY(url)
            case "npz:": parts = try ArrayFiles.loadNPZ(url)
            default: parts = try ArrayFiles.loadCSV(url)
            }
            let labels = [parts.train.labels, parts.test?.labels].compactMap { $0?.scalars.max() }
            contents = Contents(train: parts.train.dataset(name: short), test: parts.test?.dataset(name: short),
                                classes: labels.isEmpty ? nil : Int(labels.max()!) + 1, classNames: [])
        }
        if contents.exampleShape == [1] {
            throw DataError(path: url.path, "holds points of 1 feature; the flows need at least 2 features per example")
        }
        return contents
    }

    /// The kind of data `name` holds.
    static func kind(_ name: String) throws -> DatasetCatalog.Kind {
        let c = try contents(name)
        return c.isImage ? .images(shape: c.exampleShape, levels: 256, classes: c.classes) : .points(features: c.exampleShape[0])
    }

    /// Whether the files of `name` carry their own test split (then `test-fraction` does not apply).
    static func hasOwnSplit(_ name: String) -> Bool { (try? contents(name).test) != nil }

    /// The splits of `name`: its own, or a random `testFraction` of the examples (at least one)
    /// drawn with `seed` as the test split; then cut to `trainSize` / `testSize` when positive.
    static func splits(_ name: String, testFraction: Double, seed: UInt64, trainSize: Int, testSize: Int) throws -> DatasetSplits {
        let c = try contents(name)
        var train = c.train, test: Dataset
        if let own = c.test {
            test = own
        } else {
            guard c.train.count >= 2 else {
                throw CLIError.failed("data '\(name)' holds \(c.train.count) example; a train/test split needs at least 2")
            }
            let testCount = min(c.train.count - 1, max(1, Int((testFraction * Double(c.train.count)).rounded())))
            let order = RandomGenerator(seed: seed ^ 0x5B17).permutation(c.train.count)
            test = c.train.subset(Array(order.prefix(testCount)).sorted())
            train = c.train.subset(Array(order.dropFirst(testCount)).sorted())
        }
        return DatasetSplits(train: trainSize > 0 ? train.prefix(trainSize) : train, test: testSize > 0 ? test.prefix(testSize) : test)
    }

    /// One line about `name` for the run's start message and `latent datasets`.
    static func summary(_ name: String) -> String {
        guard let c = try? contents(name) else { return "your own data (\(name))" }
        let what = c.isImage ? "\(c.exampleShape[0] == 1 ? "gray" : "RGB") images \(c.exampleShape[1])×\(c.exampleShape[2])"
                             : "points of \(c.exampleShape[0]) features"
        let split = c.test.map { "\(c.train.count) train / \($0.count) test" } ?? "\(c.count) examples, split by test-fraction"
        return "\(what), \(split)\(c.classes.map { ", \($0) classes" } ?? "")"
    }
}
