import Foundation
import Latent

/// The datasets `latent` knows by name: the image files it reads (MNIST, Fashion-MNIST, the
/// 5,000-image MNIST subset, CIFAR-10), dSprites (its file when present, else generated), the
/// procedural sprites, and the 2-D toy densities — and the user's own files (`OwnData`:
/// `folder:PATH`, `npy:`, `npz:`, `csv:`).
public enum DatasetCatalog {
    /// What kind of data a name gives.
    public enum Kind: Equatable {
        /// Images `[N, C, H, W]` in [0, 1] (8-bit levels for the file datasets).
        case images(shape: [Int], levels: Int, classes: Int?)
        /// Points `[N, features]`: drawn from a 2-D density, or rows of the user's own array.
        case points(features: Int)
    }

    /// The image datasets read from files.
    public static let fileNames = DatasetSplits.availableNames
    /// Every name, files first.
    public static let names = fileNames + ["dsprites", "sprites"] + Toy2D.names
    /// The names and the own-data forms, for messages.
    public static let described = names.joined(separator: ", ") + ", or your own: folder:PATH, npy:FILE|DIR, npz:FILE, csv:FILE"

    /// The kind of `name`'s data. Throws `CLIError.unknown` listing the valid names.
    public static func kind(_ name: String) throws -> Kind {
        if OwnData.isOwn(name) { return try OwnData.kind(name) }
        switch name {
        case "mnist", "fashion-mnist", "mnist-5k": return .images(shape: [1, 28, 28], levels: 256, classes: 10)
        case "cifar10": return .images(shape: [3, 32, 32], levels: 256, classes: 10)
        case "sprites", "dsprites": return .images(shape: [1, 64, 64], levels: 2, classes: nil)
        default:
            guard Toy2D.named(name) != nil else { throw CLIError.unknown(what: "dataset", name: name, valid: names) }
            return .points(features: 2)
        }
    }

    /// One line about `name` for `latent datasets`.
    public static func summary(_ name: String) -> String {
        switch name {
        case "mnist": return "70,000 handwritten digits 28×28 (60k train / 10k test), IDX files"
        case "fashion-mnist": return "70,000 clothing images 28×28 (60k / 10k), IDX files"
        case "mnist-5k": return "5,000 MNIST digits 28×28 (4k / 1k) in one CSV file"
        case "cifar10": return "60,000 colour images 3×32×32 in 10 classes (50k / 10k), binary version"
        case "sprites": return "procedural dSprites-like 64×64 shapes with 5 known factors (built in)"
        case "dsprites": return "dSprites' 737,280 64×64 shapes on its exact factor grid: the original .npz when present, else generated"
        default:
            if OwnData.isOwn(name) { return OwnData.summary(name) }
            return "2-D density \(name) (built in, exact sampler)"
        }
    }

    /// Loads `name`: files through `source`; built-in data drawn with `seed`, the two splits from
    /// independent generators (`trainSize` and
    /// `testSize` examples; 0 means the defaults 20,000 / 2,000 sprites and 50,000 / 10,000 points).
    /// File datasets are cut to `trainSize` / `testSize` when those are positive. A 2-D density
    /// takes `noise` and `scale` where it has them (`DensityParameters`; nil: its default). Own
    /// data without a split of their own give `testFraction` of their examples to the test split.
    public static func load(_ name: String, source: DataSource, trainSize: Int, testSize: Int, seed: UInt64,
                            noise: Double? = nil, scale: Double? = nil, testFraction: Double = 0.1) throws -> DatasetSplits {
        if OwnData.isOwn(name) {
            return try OwnData.splits(name, testFraction: testFraction, seed: seed, trainSize: trainSize, testSize: testSize)
        }
        switch try kind(name) {
        case .points:
            let density = DensityParameters.density(name, noise: noise, scale: scale)!
            // Separate generators, so the test split does not depend on the training size.
            let train = density.sample(trainSize > 0 ? trainSize : 50_000, generator: RandomGenerator(seed: seed ^ 0xDA7A))
            let test = density.sample(testSize > 0 ? testSize : 10_000, generator: RandomGenerator(seed: seed ^ 0x7E57))
            return DatasetSplits(train: Dataset(name: name, inputs: train), test: Dataset(name: name, inputs: test))
        case .images where name == "sprites":
            let train = Sprites.random(count: trainSize > 0 ? trainSize : 20_000, generator: RandomGenerator(seed: seed ^ 0x5971)).dataset
            let test = Sprites.random(count: testSize > 0 ? testSize : 2_000, generator: RandomGenerator(seed: seed ^ 0x7E57)).dataset
            return DatasetSplits(train: train, test: test)
        case .images where name == "dsprites":
            return try DSpritesData.load(source: source, trainSize: trainSize > 0 ? trainSize : 20_000,
                                         testSize: testSize > 0 ? testSize : 2_000, seed: seed)
        case .images:
            let splits: DatasetSplits
            do {
                splits = name == "cifar10"
                    ? try CIFAR10.load(source: source, trainLimit: trainSize, testLimit: testSize)
                    : try DatasetSplits.load(named: name, source: source)
            } catch let error as DataError {
                throw CLIError.failed("""
                    dataset '\(name)' is not available: \(error)
                    Download them with `latent datasets download \(name)`, or put the files in a folder and pass it \
                    with --data-dir DIR (or set LATENT_DATA=DIR); see `latent datasets` for the file names.
                    """)
            }
            return DatasetSplits(train: trainSize > 0 ? splits.train.prefix(trainSize) : splits.train,
                                 test: testSize > 0 ? splits.test.prefix(testSize) : splits.test)
        }
    }

    /// The seed of the one Bernoulli draw that binarizes every run's test split (`--binarize
    /// dynamic|static`), fixed so that all runs are scored on the same binary test images.
    public static let testBinarizationSeed: UInt64 = 0xB1A5_7E57

    /// `splits` binarized as the `binarize` setting says: "none" leaves them; "dynamic" binarizes
    /// the test split once (`testBinarizationSeed`) and leaves the training images for the loader to
    /// redraw every epoch (`BatchTransform.dynamicBinarization`); "static" also binarizes the
    /// training split once, with a draw seeded by `seed`. Pixels must lie in [0, 1].
    public static func binarized(_ splits: DatasetSplits, mode: String, seed: UInt64) throws -> DatasetSplits {
        guard mode != "none" else { return splits }
        for (name, part) in [("train", splits.train), ("test", splits.test)] {
            let values = part.inputs.scalars
            if let bad = values.first(where: { !($0 >= 0 && $0 <= 1) }) {
                throw CLIError.usage("--binarize \(mode) needs pixels in [0, 1]; the \(name) split of '\(part.name)' has the value \(bad)")
            }
        }
        let test = splits.test.staticallyBinarized(seed: testBinarizationSeed)
        let train = mode == "static" ? splits.train.staticallyBinarized(seed: seed ^ 0x5747_1C) : splits.train
        return DatasetSplits(train: train, test: test)
    }

    /// The files `name` needs, for `latent datasets` (empty for built-in data).
    public static func files(_ name: String) -> [String] {
        switch name {
        case "mnist": return ["mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz",
                              "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"]
        case "fashion-mnist": return ["fashion-mnist/train-images-idx3-ubyte.gz", "fashion-mnist/train-labels-idx1-ubyte.gz",
                                      "fashion-mnist/t10k-images-idx3-ubyte.gz", "fashion-mnist/t10k-labels-idx1-ubyte.gz"]
        case "mnist-5k": return ["mnist-5k/mnist_5k.csv.gz"]
        case "cifar10": return ["cifar10/cifar-10-binary.tar.gz"]
        case "dsprites": return ["dsprites/" + DSprites.fileName]
        default: return []
        }
    }

    /// The sets of files (relative to a data root) any one of which supplies `name`: `files(name)`,
    /// its decompressed copies, and for CIFAR-10 the extracted batch files.
    static func acceptedFileSets(_ name: String) -> [[String]] {
        let files = files(name)
        var sets = [files, files.map { $0.hasSuffix(".gz") ? String($0.dropLast(3)) : $0 }]
        if name == "cifar10" {
            let batches = CIFAR10.trainFiles + [CIFAR10.testFile]
            sets += [batches.map { "cifar10/\(CIFAR10.archiveFolder)/\($0)" }, batches.map { "cifar10/\($0)" }]
        }
        return sets
    }

    /// The paths supplying `name` in the first of `roots` (in order) that holds a whole accepted
    /// set of its files; empty when none does (and for built-in data).
    static func found(_ name: String, roots: [String]) -> [String] {
        guard !files(name).isEmpty else { return [] }
        for root in roots {
            for set in acceptedFileSets(name) where set.allSatisfy({ FileManager.default.fileExists(atPath: "\(root)/\($0)") }) {
                return set.map { "\(root)/\($0)" }
            }
        }
        return []
    }
}
