import Foundation
import LatentTensor

/// MNIST and Fashion-MNIST from their original IDX files: 60 000 training and 10 000 test
/// images of 28 × 28 pixels with labels 0–9.
///
/// Images come as `[N, 1, 28, 28]` Float32 scaled to [0, 1] (pixel / 255), labels as `[N]`
/// class indices. Files are found (or downloaded, if allowed) through a `DataSource`.
public enum MNIST {
    /// Which of the two same-format datasets to load.
    public enum Variant: String, CaseIterable, Sendable {
        /// Handwritten digits (LeCun, Cortes, Burges).
        case mnist = "mnist"
        /// Zalando's clothing images (Xiao, Rasul, Vollgraf, 2017).
        case fashion = "fashion-mnist"
    }

    /// The official training or test part.
    public enum Split: String, CaseIterable, Sendable {
        /// The 60 000 training images (`train-*` files).
        case train
        /// The 10 000 test images (`t10k-*` files).
        case test
    }

    /// Fashion-MNIST's class names, indexed by label.
    public static let fashionClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Both official splits.
    public static func load(_ variant: Variant = .mnist, source: DataSource = DataSource()) throws -> DatasetSplits {
        DatasetSplits(train: try load(variant, split: .train, source: source),
                      test: try load(variant, split: .test, source: source))
    }

    /// One split: images `[N, 1, 28, 28]` in [0, 1] and labels `[N]` in 0…9 (N = 60 000 or 10 000).
    /// Wrong magic numbers, truncated files, label counts that differ from image counts, and
    /// labels outside 0…9 are `DataError`s naming the file.
    public static func load(_ variant: Variant, split: Split, source: DataSource = DataSource()) throws -> Dataset {
        let published = publication(variant)
        let prefix = split == .train ? "train" : "t10k"
        let imageFile = published.file("\(prefix)-images-idx3-ubyte.gz")
        let labelFile = published.file("\(prefix)-labels-idx1-ubyte.gz")
        let (imageBytes, imageURL) = try source.bytes(of: imageFile, in: published)
        let (labelBytes, labelURL) = try source.bytes(of: labelFile, in: published)
        let images = try IDX.decode(imageBytes, path: imageURL.path, scale: 1 / 255, expecting: (.uint8, 3))
        guard images.shape[1] == 28 && images.shape[2] == 28 else {
            throw DataError(path: imageURL.path, "images are \(images.shape[1])×\(images.shape[2]); expected 28×28")
        }
        let labels = try IDX.decode(labelBytes, path: labelURL.path, expecting: (.uint8, 1))
        guard labels.shape[0] == images.shape[0] else {
            throw DataError(path: labelURL.path, "holds \(labels.shape[0]) labels but \(imageURL.path) holds \(images.shape[0]) images; expected one label per image")
        }
        let labelValues = labels.scalars
        if let bad = labelValues.firstIndex(where: { $0 > 9 }) {
            throw DataError(path: labelURL.path, "label \(Int(labelValues[bad])) at index \(bad); expected 0…9")
        }
        return Dataset(name: "\(variant.rawValue)/\(split.rawValue)",
                       inputs: images.reshaped([images.shape[0], 1, 28, 28]), labels: labels)
    }

    /// Folder, files with their published sizes and MD5s (gzip and decompressed), and mirrors.
    static func publication(_ variant: Variant) -> PublishedDataset {
        switch variant {
        case .mnist:
            return PublishedDataset(folder: "mnist", files: [
                PublishedFile(name: "train-images-idx3-ubyte.gz", size: 9_912_422, md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873", uncompressedSize: 47_040_016, uncompressedMD5: "6bbc9ace898e44ae57da46a324031adb"),
                PublishedFile(name: "train-labels-idx1-ubyte.gz", size: 28_881, md5: "d53e105ee54ea40749a09fcbcd1e9432", uncompressedSize: 60_008, uncompressedMD5: "a25bea736e30d166cdddb491f175f624"),
                PublishedFile(name: "t10k-images-idx3-ubyte.gz", size: 1_648_877, md5: "9fb629c4189551a2d022fa330f9573f3", uncompressedSize: 7_840_016, uncompressedMD5: "2646ac647ad5339dbf082846283269ea"),
                PublishedFile(name: "t10k-labels-idx1-ubyte.gz", size: 4_542, md5: "ec29112dd5afa0611ce80d1b7f02629c", uncompressedSize: 10_008, uncompressedMD5: "27ae3e4e09519cfbb04c329615203637"),
            ], mirrors: [
                URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
                URL(string: "https://storage.googleapis.com/cvdf-datasets/mnist/")!,
                URL(string: "http://yann.lecun.com/exdb/mnist/")!,
            ])
        case .fashion:
            return PublishedDataset(folder: "fashion-mnist", files: [
                PublishedFile(name: "train-images-idx3-ubyte.gz", size: 26_421_880, md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d", uncompressedSize: 47_040_016, uncompressedMD5: "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
                PublishedFile(name: "train-labels-idx1-ubyte.gz", size: 29_515, md5: "25c81989df183df01b3e8a0aad5dffbe", uncompressedSize: 60_008, uncompressedMD5: "9018921c3c673c538a1fc5bad174d6f9"),
                PublishedFile(name: "t10k-images-idx3-ubyte.gz", size: 4_422_102, md5: "bef4ecab320f06d8554ea6380940ec79", uncompressedSize: 7_840_016, uncompressedMD5: "8181f5470baa50b63fa0f6fddb340f0a"),
                PublishedFile(name: "t10k-labels-idx1-ubyte.gz", size: 5_148, md5: "bb300cfdad3c16e7a12a480ee83cd310", uncompressedSize: 10_008, uncompressedMD5: "15d484375f8d13e6eb1aabb0c3f46965"),
            ], mirrors: [
                URL(string: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")!,
                URL(string: "https://storage.googleapis.com/tensorflow/tf-keras-datasets/")!,
            ])
        }
    }
}
