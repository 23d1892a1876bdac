import Foundation

/// What `DataSource.download` did for one file.
public struct DownloadedFile: Sendable {
    /// Where the verified file now is.
    public let path: URL
    /// Its size in bytes.
    public let bytes: Int
    /// The URL it was fetched from; nil when a verified copy was already there.
    public let source: URL?
}

/// How far a dataset download has got: file `index` (from 1) of `count`, `bytes` of its `total`.
public struct DownloadProgress: Sendable {
    /// The file's path inside the data root (`mnist/train-images-idx3-ubyte.gz`).
    public let file: String
    public let index: Int
    public let count: Int
    public let bytes: Int
    public let total: Int
}

extension DataSource {
    /// The datasets with published files that `download(_:)` can fetch.
    public static var downloadableNames: [String] { PublishedDataset.all.map(\.folder) }

    /// The data root downloads go to: the first search root (`directory`, else `$LATENT_DATA`,
    /// else `cacheDirectory`).
    public var downloadRoot: URL { searchRoots[0] }

    /// The files of dataset `name` (see `downloadableNames`) under `downloadRoot`, downloading each
    /// one that is missing or fails its published size and MD5 (a verified copy is kept, so a
    /// second call fetches nothing). `progress` is called as bytes arrive, from a network thread.
    /// Throws a `DataError` for an unknown name and, at the first file that cannot be had, one
    /// naming the file and why each mirror failed. Works whatever `allowDownload` says: calling
    /// it is the permission.
    public func download(_ name: String, progress: ((DownloadProgress) -> Void)? = nil) throws -> [DownloadedFile] {
        guard let dataset = PublishedDataset.named(name) else {
            throw DataError(path: name, "no published files to download; downloadable datasets: \(DataSource.downloadableNames.joined(separator: ", "))")
        }
        let folder = downloadRoot.appendingPathComponent(dataset.folder)
        var done: [DownloadedFile] = []
        for (index, file) in dataset.files.enumerated() {
            let target = folder.appendingPathComponent(file.name)
            if Downloader.length(of: target) == file.size, (try? Downloader.digests(of: target, sha256: false).md5) == file.md5 {
                done.append(DownloadedFile(path: target, bytes: file.size, source: nil))
                continue
            }
            var engine = downloader()
            if let progress {
                let label = "\(dataset.folder)/\(file.name)", count = dataset.files.count
                engine.progress = { progress(DownloadProgress(file: label, index: index + 1, count: count, bytes: $0, total: $1)) }
            }
            let url = try engine.fetch(file, from: urls(of: file, in: dataset), to: target)
            done.append(DownloadedFile(path: target, bytes: file.size, source: url))
        }
        return done
    }

    /// The URLs `file` is tried at, in order: `<mirror>/<folder>/<name>` for each of `mirrors`,
    /// else the dataset's published mirrors (`<base><name>`).
    func urls(of file: PublishedFile, in dataset: PublishedDataset) -> [URL] {
        if let mirrors { return mirrors.map { $0.appendingPathComponent(dataset.folder).appendingPathComponent(file.name) } }
        return dataset.mirrors.map { $0.appendingPathComponent(file.name) }
    }

    /// The download engine with this source's timeout.
    func downloader() -> Downloader {
        Downloader(timeout: timeout)
    }
}
