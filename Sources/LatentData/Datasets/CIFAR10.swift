import Foundation
import LatentTensor

/// CIFAR-10 (Krizhevsky, 2009) from its binary version: 50 000 training and 10 000 test colour
/// images of 32 × 32 pixels in 10 classes.
///
/// The publisher's `cifar-10-binary.tar.gz` holds `cifar-10-batches-bin/data_batch_1.bin` …
/// `data_batch_5.bin` (the training part) and `test_batch.bin`; each is a run of 3 073-byte
/// records: one label byte (0–9), then 3 072 pixel bytes — the red plane, the green, the blue,
/// each 32 × 32 row-major. Images come as `[N, 3, 32, 32]` Float32 in [0, 1] (pixel / 255),
/// labels as `[N]`. Files are looked for under `<root>/cifar10/`: the extracted `.bin` files
/// (in `cifar-10-batches-bin/` or directly), else the archive (gzip'd or not; checked against
/// its published size and MD5, downloaded if the source allows).
public enum CIFAR10 {
    /// Bytes per record: the label, then 3 × 32 × 32 pixels.
    public static let recordSize = 1 + 3 * 32 * 32

    /// The class names, indexed by label.
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    /// The batch files of the training part, in order.
    public static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
    /// The batch file of the test part.
    public static let testFile = "test_batch.bin"
    /// The folder inside the archive that holds the batch files.
    public static let archiveFolder = "cifar-10-batches-bin"

    /// Both official splits (the archive, when that is what is found, is read once); with a
    /// positive `trainLimit` / `testLimit`, only the first that many images of a split are decoded
    /// (batches in order), which saves most of the 740 MB of Float32 pixels a small run never uses.
    public static func load(source: DataSource = DataSource(), trainLimit: Int = 0, testLimit: Int = 0) throws -> DatasetSplits {
        let batches = try batchFiles(trainFiles + [testFile], source: source)
        var train: [Dataset] = []
        var wanted = trainLimit > 0 ? trainLimit : Int.max
        for batch in batches.dropLast() where wanted > 0 {
            let part = try decode(batch.bytes, path: batch.path, limit: wanted)
            train.append(part)
            wanted -= part.count
        }
        let last = batches[batches.count - 1]
        let test = try decode(last.bytes, path: last.path, limit: testLimit > 0 ? testLimit : Int.max)
        return DatasetSplits(train: Dataset(name: "cifar10/train", inputs: Tensor.concat(train.map(\.inputs), axis: 0),
                                            labels: Tensor.concat(train.map { $0.labels! }, axis: 0)),
                             test: Dataset(name: "cifar10/test", inputs: test.inputs, labels: test.labels))
    }

    /// The images `[N, 3, 32, 32]` in [0, 1] and labels `[N]` of one batch file's `bytes` (its
    /// first `limit` records when it holds more). A length that is not a whole number of records,
    /// or a label over 9, is a `DataError` naming `path`.
    public static func decode(_ bytes: ArraySlice<UInt8>, path: String, limit: Int = .max) throws -> Dataset {
        guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
            throw DataError(path: path, "is \(bytes.count) bytes, not a positive multiple of the \(recordSize)-byte CIFAR-10 record (1 label byte + 3×32×32 pixels); not a CIFAR-10 binary batch file")
        }
        let count = min(bytes.count / recordSize, max(limit, 1)), pixels = recordSize - 1
        var images = Tensor.zeros([count, 3, 32, 32])
        var labels = [Float](repeating: 0, count: count)
        var badLabel: (record: Int, value: UInt8)? = nil
        bytes.withUnsafeBytes { raw in
            images.withUnsafeMutableBufferPointer { out in
                for record in 0..<count {
                    let label = raw[record * recordSize]
                    if label > 9 && badLabel == nil { badLabel = (record, label) }
                    labels[record] = Float(label)
                    decodeScalars(raw.baseAddress! + record * recordSize + 1, count: pixels, type: .uint8, bigEndian: false,
                                  scale: 1 / 255, into: out.baseAddress! + record * pixels)
                }
            }
        }
        if let (record, value) = badLabel {
            throw DataError(path: path, "record \(record) (byte \(record * recordSize)) has label \(value); expected 0…9 (is this the CIFAR-100 binary file?)")
        }
        return Dataset(name: path, inputs: images, labels: Tensor(labels))
    }

    /// The bytes of the batch files `names`, extracted files if a folder holds them all, else
    /// from the archive.
    static func batchFiles(_ names: [String], source: DataSource) throws -> [(path: String, bytes: ArraySlice<UInt8>)] {
        for root in source.searchRoots {
            let folder = root.appendingPathComponent(publication.folder)
            for place in [folder.appendingPathComponent(archiveFolder), folder] {
                let urls = names.map { place.appendingPathComponent($0) }
                guard urls.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else { continue }
                return try urls.map { ($0.path, try source.readChecked($0, md5: nil, size: nil)[...]) }
            }
        }
        let (archive, url) = try source.bytes(of: publication.files[0], in: publication)
        let members = try Tar.members(archive, path: url.path)
        return try names.map { name in
            guard let member = members.first(where: { $0.name == "\(archiveFolder)/\(name)" }) else {
                throw DataError(path: url.path, "has no member \(archiveFolder)/\(name); expected the CIFAR-10 binary version (cifar-10-binary.tar.gz), which holds \(archiveFolder)/{\(trainFiles.joined(separator: ","))," + "\(testFile)}")
            }
            return ("\(url.path):\(member.name)", archive[member.range])
        }
    }

    /// The archive with its published size and MD5, and the publisher's site.
    static let publication = PublishedDataset(folder: "cifar10", files: [
        PublishedFile(name: "cifar-10-binary.tar.gz", size: 170_052_171, md5: "c32a1d4ab5d03f1284b67883e8d87530",
                      uncompressedSize: nil, uncompressedMD5: nil),
    ], mirrors: [URL(string: "https://www.cs.toronto.edu/~kriz/")!])
}
