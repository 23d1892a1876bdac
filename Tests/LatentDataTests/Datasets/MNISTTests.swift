import XCTest
import LatentTestSupport
import LatentTensor
@testable import LatentData

final class MNISTTests: XCTestCase {
    /// The published MD5s of all nine shared files (README of the data folder).
    func testSharedFilesMatchPublishedMD5s() throws {
        let root = try sharedDataRoot()
        let published = MNIST.publication(.mnist).files.map { ("mnist/" + $0.name, $0.md5) }
            + MNIST.publication(.fashion).files.map { ("fashion-mnist/" + $0.name, $0.md5) }
            + [("mnist-5k/mnist_5k.csv.gz", "1edea4bd327f562974bd5a5321bbb524")]
        for (path, md5) in published {
            let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
            XCTAssertEqual(MD5.hexDigest(bytes), md5, path)
        }
    }

    func testMNISTTestSplitWithChecksumVerification() throws {
        let source = DataSource(directory: try sharedDataRoot())
        XCTAssertTrue(source.verifyChecksums)
        let test = try MNIST.load(.mnist, split: .test, source: source)
        XCTAssertEqual(test.name, "mnist/test")
        XCTAssertEqual(test.inputs.shape, [10000, 1, 28, 28])
        XCTAssertEqual(test.labels?.shape, [10000])
        // First t10k labels are 7 2 1 0 4 (the well-known first digits).
        XCTAssertEqual(Array(test.labels!.scalars.prefix(5)), [7, 2, 1, 0, 4])
        let pixels = test.inputs.scalars
        XCTAssertEqual(pixels.min(), 0)
        XCTAssertEqual(pixels.max(), 1)
        // Mean intensity of the MNIST test images is 0.1325 (widely quoted 0.1307 is the train set).
        XCTAssertEqual(Double(pixels.reduce(0, +)) / Double(pixels.count), 0.1325, accuracy: 1e-3)
    }

    /// Full MNIST train: 60 000 images with labels, counts per digit as published.
    func testMNISTTrainSplitLoadsQuickly() throws {
        let source = DataSource(directory: try sharedDataRoot())
        let start = Date()
        let train = try MNIST.load(.mnist, split: .train, source: source)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(train.inputs.shape, [60000, 1, 28, 28])
        var counts = [Int](repeating: 0, count: 10)
        for label in train.labels!.scalars { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        XCTAssertEqual(Double(train.inputs.scalars.reduce(0, +)) / (60000 * 784), 0.1307, accuracy: 1e-3)
        XCTAssertLessThan(seconds, 10, "loading MNIST train took \(seconds) s")
    }

    func testFashionMNISTBothSplitsByName() throws {
        let splits = try DatasetSplits.load(named: "fashion-mnist", source: DataSource(directory: try sharedDataRoot()))
        XCTAssertEqual(splits.train.count, 60000)
        XCTAssertEqual(splits.test.count, 10000)
        XCTAssertEqual(splits.test.name, "fashion-mnist/test")
        // Fashion-MNIST is balanced: 1000 test images per class.
        var counts = [Int](repeating: 0, count: 10)
        for label in splits.test.labels!.scalars { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [Int](repeating: 1000, count: 10))
        XCTAssertEqual(MNIST.fashionClassNames[9], "Ankle boot")
    }

    /// mnist-5k: the first 400 rows of each digit train, the last 100 test; rows are the first
    /// 500 training images of each digit, so its train part agrees with the full training set.
    func testMNIST5kSplitAndAgreementWithFullMNIST() throws {
        let root = try sharedDataRoot()
        let splits = try DatasetSplits.load(named: "mnist-5k", source: DataSource(directory: root))
        XCTAssertEqual(splits.train.inputs.shape, [4000, 1, 28, 28])
        XCTAssertEqual(splits.test.inputs.shape, [1000, 1, 28, 28])
        XCTAssertEqual(splits.train.labels!.scalars, (0..<10).flatMap { [Float](repeating: Float($0), count: 400) })
        XCTAssertEqual(splits.test.labels!.scalars, (0..<10).flatMap { [Float](repeating: Float($0), count: 100) })

        let trainLabels = try IDX.read(root.appendingPathComponent("mnist/train-labels-idx1-ubyte.gz")).scalars
        let firstZero = trainLabels.firstIndex(of: 0)!
        let trainImages = try IDX.read(root.appendingPathComponent("mnist/train-images-idx3-ubyte.gz"), scale: 1 / 255)
        XCTAssertEqual(trainImages.indexSelect(axis: 0, indices: [firstZero]).scalars,
                       splits.train.inputs.indexSelect(axis: 0, indices: [0]).scalars)
    }

    func testMissingFilesSayWhereTheyLookedAndHowToSupplyThem() throws {
        let empty = try temporaryDirectory(self)
        assertDataError("mnist/train-images-idx3-ubyte.gz", "not found", empty.appendingPathComponent("mnist").path,
                        "LATENT_DATA", "allowDownload", "latent datasets download mnist") {
            try MNIST.load(.mnist, split: .train, source: DataSource(directory: empty, cacheDirectory: empty))
        }
        assertDataError("unknown dataset", "mnist-5k") { try DatasetSplits.load(named: "cifar") }
    }

    /// Downloading from an unreachable mirror fails quickly with a message naming the mirror,
    /// the places searched and how to supply the files (this is what users see offline).
    func testDownloadFailureIsClearAndQuick() throws {
        let empty = try temporaryDirectory(self)
        let source = DataSource(directory: empty, allowDownload: true, timeout: 5,
                                mirrors: [URL(string: "http://127.0.0.1:9/")!], cacheDirectory: empty)
        let start = Date()
        assertDataError("mnist/t10k-images-idx3-ubyte.gz", "downloading failed", "127.0.0.1:9", empty.path, "LATENT_DATA") {
            try MNIST.load(.mnist, split: .test, source: source)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 15)
    }

    func testBadFilesInADataDirectory() throws {
        let root = try temporaryDirectory(self)
        let folder = root.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let images = Tensor.full([3, 28, 28], 255)
        try IDX.write(images, to: folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"), compressed: true)
        try IDX.write(Tensor([1, 2]), to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let source = DataSource(directory: root, verifyChecksums: false, cacheDirectory: root)
        assertDataError("t10k-labels-idx1-ubyte", "holds 2 labels", "3 images") { try MNIST.load(.mnist, split: .test, source: source) }

        try IDX.write(Tensor([1, 2, 12]), to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        assertDataError("t10k-labels-idx1-ubyte", "label 12 at index 2") { try MNIST.load(.mnist, split: .test, source: source) }

        try IDX.write(Tensor([1, 2, 3]), to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let loaded = try MNIST.load(.mnist, split: .test, source: source)
        XCTAssertEqual(loaded.inputs.shape, [3, 1, 28, 28])
        XCTAssertEqual(loaded.inputs.scalars.max(), 1)

        // Swapped files: labels where images belong.
        try IDX.write(Tensor([1, 2, 3]), to: folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"), compressed: true)
        assertDataError("t10k-images-idx3-ubyte.gz", "wrong magic number 0x00000801", "expected 0x00000803") {
            try MNIST.load(.mnist, split: .test, source: source)
        }

        // A wrong or corrupt file fails its size check (before reading) unless verification is off.
        assertDataError("t10k-images-idx3-ubyte.gz", "expected the published 1648877 bytes") {
            try MNIST.load(.mnist, split: .test, source: DataSource(directory: root, cacheDirectory: root))
        }
    }

    /// A file of the published size but other content is read in chunks, hashed and refused.
    func testRightSizeWrongContentFailsItsMD5() throws {
        let root = try temporaryDirectory(self)
        let folder = root.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let published = MNIST.publication(.mnist).file("t10k-images-idx3-ubyte.gz")
        _ = try writeFile(Gzip.compress([]) + [UInt8](repeating: 7, count: published.size - Gzip.compress([]).count),
                          named: published.name, in: folder)
        assertDataError(folder.appendingPathComponent(published.name).path, "MD5 is", "expected the published 9fb629c4189551a2d022fa330f9573f3", "delete it") {
            try MNIST.load(.mnist, split: .test, source: DataSource(directory: root, cacheDirectory: root))
        }
    }

    /// A 4 GiB (sparse) file where a dataset file belongs is refused by its size, without being
    /// read: against the published size when verifying, against `maxFileSize` when not.
    func testHugeFileIsRefusedBeforeBeingRead() throws {
        let root = try temporaryDirectory(self)
        let folder = root.appendingPathComponent("fashion-mnist")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("t10k-images-idx3-ubyte")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 1 << 32)
        try handle.close()
        assertDataError(url.path, "is 4294967296 bytes", "expected the published 7840016 bytes") {
            try MNIST.load(.fashion, split: .test, source: DataSource(directory: root, cacheDirectory: root))
        }
        assertDataError(url.path, "is 4294967296 bytes", "more than the 200000000 bytes", "DataSource.maxFileSize") {
            try MNIST.load(.fashion, split: .test, source: DataSource(directory: root, verifyChecksums: false, cacheDirectory: root))
        }
    }

    func testSearchRootsOrder() {
        let explicit = URL(fileURLWithPath: "/some/root")
        let roots = DataSource(directory: explicit).searchRoots
        XCTAssertEqual(roots, [explicit, DataSource.defaultCacheDirectory], "an explicit directory overrides $LATENT_DATA")
        XCTAssertEqual(DataSource(directory: explicit, cacheDirectory: explicit).searchRoots, [explicit])
        XCTAssertEqual(roots.last, DataSource.defaultCacheDirectory)
        XCTAssertTrue(DataSource.defaultCacheDirectory.path.hasSuffix("latent"))
    }
}
