import Foundation

/// Where named datasets (`mnist`, `fashion-mnist`, `mnist-5k`, `cifar10`) are looked for, and whether a
/// missing file may be downloaded.
///
/// Files are looked for under the data root — `directory` if given, else `$LATENT_DATA` if set
/// (an explicit argument overrides the environment, as a flag does) — and then under
/// `cacheDirectory`, in a subfolder named after the dataset
/// (`<root>/mnist/train-images-idx3-ubyte.gz`; the raw file without `.gz` is accepted too).
/// Downloading is opt-in: with `allowDownload`, a missing file is fetched from the published
/// mirrors into the first search root and checked against its published MD5 before use
/// (`Downloader`: resumable, verified, placed atomically); `download(_:)` fetches a whole dataset.
/// Files found on disk are checked against the published sizes and MD5s too (by default; about
/// 20 ms for MNIST's training images in a release build): the size before reading, the MD5 while
/// reading in 1 MB chunks. Files over `maxFileSize` are refused before reading, verified or not.
public struct DataSource {
    /// A data root chosen by the caller, searched instead of `$LATENT_DATA` (and the download target).
    public var directory: URL?
    /// Whether missing files may be fetched from the internet (off by default: no surprise traffic).
    public var allowDownload: Bool
    /// Seconds a download may wait without receiving data before it is abandoned.
    public var timeout: Double
    /// Whether files found on disk are checked against their published MD5 (downloads always are).
    public var verifyChecksums: Bool
    /// Data roots served over HTTP, tried instead of the published mirrors (a local mirror; the
    /// tests' server): a file is fetched from `<mirror>/<dataset folder>/<file name>`, the layout
    /// of a data root, so any data root served by a web server is a mirror. Nil uses the published ones.
    public var mirrors: [URL]?
    /// The cache searched last (and the download target when no data root is set).
    public var cacheDirectory: URL

    /// A source; the defaults search `$LATENT_DATA` and the cache, verify checksums, and do not download.
    public init(directory: URL? = nil, allowDownload: Bool = false, timeout: Double = 30,
                verifyChecksums: Bool = true, mirrors: [URL]? = nil,
                cacheDirectory: URL = DataSource.defaultCacheDirectory) {
        self.directory = directory
        self.allowDownload = allowDownload
        self.timeout = timeout
        self.verifyChecksums = verifyChecksums
        self.mirrors = mirrors
        self.cacheDirectory = cacheDirectory
    }

    /// `$XDG_CACHE_HOME/latent` when that variable is set, else `~/.cache/latent`.
    public static var defaultCacheDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("latent")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/latent")
    }

    /// The data roots searched, in order: `directory` (or else `$LATENT_DATA`), then `cacheDirectory`.
    public var searchRoots: [URL] {
        var roots: [URL] = []
        if let directory = directory {
            roots.append(directory)
        } else if let env = ProcessInfo.processInfo.environment["LATENT_DATA"], !env.isEmpty {
            roots.append(URL(fileURLWithPath: env))
        }
        if !roots.contains(cacheDirectory) { roots.append(cacheDirectory) }
        return roots
    }

    /// The largest dataset file (and decompressed content) read, in bytes: four times MNIST's
    /// 47 MB training images. A larger file is not one of the datasets; refusing it before
    /// reading keeps a wrong multi-gigabyte file from being loaded into memory.
    public static let maxFileSize = 200_000_000

    /// Bytes read (and hashed) at a time.
    static let chunkSize = 1 << 20

    /// The bytes of `file` of `dataset` (decompressed when gzip), found on disk or downloaded.
    ///
    /// A file on disk is sized before it is read: over `maxFileSize`, or (when checksums are
    /// verified) not the published size, it is refused naming both sizes. Otherwise it is read
    /// and hashed in chunks of `chunkSize` bytes.
    func bytes(of file: PublishedFile, in dataset: PublishedDataset) throws -> (bytes: [UInt8], url: URL) {
        let folders = searchRoots.map { $0.appendingPathComponent(dataset.folder) }
        for folder in folders {
            let candidates: [(name: String, md5: String?, size: Int?)] = [
                (file.name, file.md5, file.size), (file.uncompressedName, file.uncompressedMD5, file.uncompressedSize),
            ]
            for (name, md5, size) in candidates {
                let url = folder.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                let raw = try readChecked(url, md5: verifyChecksums ? md5 : nil, size: verifyChecksums ? size : nil)
                return (Gzip.isCompressed(raw) ? try Gzip.decompress(raw, path: url.path, maxSize: DataSource.maxFileSize) : raw, url)
            }
        }
        let looked = folders.map(\.path).joined(separator: ", ")
        let supply = "Supply the files: put \(dataset.files.map(\.name).joined(separator: ", ")) (gzip or raw) in <root>/\(dataset.folder)/ and pass that root as the directory, or set LATENT_DATA=<root>"
        guard allowDownload else {
            throw DataError(path: "\(dataset.folder)/\(file.name)", "not found; looked in \(looked). \(supply), or download them: `latent datasets download \(dataset.folder)` (from Swift: DataSource(allowDownload: true))")
        }
        let target = folders[0].appendingPathComponent(file.name)
        do {
            _ = try downloader().fetch(file, from: urls(of: file, in: dataset), to: target)
        } catch let error as DataError {
            throw DataError(path: "\(dataset.folder)/\(file.name)", "not found; looked in \(looked); downloading failed (offline?): \(error). \(supply)")
        }
        let raw = try readChecked(target, md5: file.md5, size: file.size)
        return (Gzip.isCompressed(raw) ? try Gzip.decompress(raw, path: target.path, maxSize: DataSource.maxFileSize) : raw, target)
    }

    /// The bytes of the file at `url`, refused before reading when its size is over `maxFileSize`
    /// or is not `size` (when given), and hashed while read in chunks when `md5` is given.
    func readChecked(_ url: URL, md5: String?, size expected: Int?) throws -> [UInt8] {
        let size: Int
        do {
            size = try (FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw DataError(path: url.path, "could not be read: \(error.localizedDescription)")
        }
        if let expected, size != expected {
            throw DataError(path: url.path, "is \(size) bytes, expected the published \(expected) bytes: the file is corrupt, truncated or not the expected one; delete it and supply it again")
        }
        guard size <= DataSource.maxFileSize else {
            throw DataError(path: url.path, "is \(size) bytes, more than the \(DataSource.maxFileSize) bytes of the largest dataset file Latent reads (DataSource.maxFileSize): not a dataset file; delete it and supply the published one")
        }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw DataError(path: url.path, "could not be read: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var hash = MD5()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: DataSource.chunkSize) ?? Data() } catch {
                throw DataError(path: url.path, "could not be read after \(bytes.count) bytes: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            guard bytes.count + chunk.count <= DataSource.maxFileSize else {
                throw DataError(path: url.path, "grew past \(DataSource.maxFileSize) bytes while being read (DataSource.maxFileSize): not a dataset file")
            }
            chunk.withUnsafeBytes { raw in
                if md5 != nil { hash.update(raw) }
                bytes.append(contentsOf: raw)
            }
        }
        if let md5 { try check(hash.hexDigest(), md5: md5, path: url.path) }
        return bytes
    }

    func check(_ actual: String, md5 expected: String, path: String) throws {
        guard actual == expected else {
            throw DataError(path: path, "MD5 is \(actual), expected the published \(expected): the file is corrupt, truncated or not the expected one; delete it and supply it again")
        }
    }
}
