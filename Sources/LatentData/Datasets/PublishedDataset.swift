import Foundation

/// A dataset file as its authors publish it: name, size in bytes and MD5 of the (gzip) file, its
/// SHA-256 where a publisher gives one, and the size and MD5 of its decompressed contents (when
/// published; a size is given only with an MD5, and both are checked together).
struct PublishedFile {
    let name: String
    let size: Int
    let md5: String
    let uncompressedSize: Int?
    let uncompressedMD5: String?
    /// The SHA-256 hex digest, checked after a download when known.
    var sha256: String? = nil

    /// The name without `.gz`, under which an already decompressed copy is accepted.
    var uncompressedName: String { name.hasSuffix(".gz") ? String(name.dropLast(3)) : name }
}

/// A named dataset's folder (also its name: `mnist`, `cifar10`), files and download mirrors
/// (base URLs: a file is at `<mirror><file name>`).
struct PublishedDataset {
    let folder: String
    let files: [PublishedFile]
    let mirrors: [URL]

    /// The file called `name`; only called with the names written in the tables.
    func file(_ name: String) -> PublishedFile { files.first { $0.name == name }! }

    /// Every dataset with a public source, by name.
    static let all: [PublishedDataset] = [MNIST.publication(.mnist), MNIST.publication(.fashion), MNIST5k.publication,
                                          CIFAR10.publication]

    /// The dataset called `name`, nil for names without published files.
    static func named(_ name: String) -> PublishedDataset? { all.first { $0.folder == name } }
}
