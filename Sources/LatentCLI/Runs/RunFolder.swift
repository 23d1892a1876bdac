import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Latent

/// The files of one training run, all under one folder:
///
///     config.json                 resolved settings (also inside every checkpoint)
///     checkpoints/last.safetensors, best.safetensors
///     metrics.jsonl, metrics.csv  one record per epoch
///     pictures/…png               samples, reconstructions, traversals, density maps, curves
///     summary.json                final metrics
///     report.html                 everything above in one self-contained page
public struct RunFolder {
    /// The folder.
    public let url: URL

    public init(_ url: URL) { self.url = url }

    public var config: URL { url.appendingPathComponent("config.json") }
    public var checkpoints: URL { url.appendingPathComponent("checkpoints") }
    public var lastCheckpoint: URL { checkpoints.appendingPathComponent("last.safetensors") }
    public var bestCheckpoint: URL { checkpoints.appendingPathComponent("best.safetensors") }
    public var metricsJSONL: URL { url.appendingPathComponent("metrics.jsonl") }
    public var metricsCSV: URL { url.appendingPathComponent("metrics.csv") }
    public var pictures: URL { url.appendingPathComponent("pictures") }
    public var summary: URL { url.appendingPathComponent("summary.json") }
    public var report: URL { url.appendingPathComponent("report.html") }

    /// A picture's path in `pictures/`.
    public func picture(_ name: String) -> URL { pictures.appendingPathComponent(name) }

    /// Creates the folder and its subfolders.
    public func create() throws {
        for folder in [url, checkpoints, pictures] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    /// Removes the temporary files an atomic write leaves when the process is killed mid-write
    /// (hidden `.NAME.….tmp` files beside the run's files); the files they were meant to replace
    /// are intact.
    public func removeTemporaryFiles() {
        let manager = FileManager.default
        for folder in [url, checkpoints, pictures] {
            for name in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                try? manager.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    /// Removes the metrics files (before a run starts over in this folder).
    public func removeMetrics() {
        for file in [metricsJSONL, metricsCSV] { try? FileManager.default.removeItem(at: file) }
    }

    /// Whether training has saved a checkpoint here (a folder without one can be started over).
    public var hasCheckpoint: Bool {
        FileManager.default.fileExists(atPath: lastCheckpoint.path) || FileManager.default.fileExists(atPath: bestCheckpoint.path)
    }

    /// The checkpoint a command given `path` should read: the path itself if it is a file,
    /// else the run folder's best (or last) checkpoint.
    public static func checkpoint(for path: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.failed("\(path) does not exist; pass a run folder written by `latent train` or one of its .safetensors checkpoints")
        }
        if !isDirectory.boolValue { return URL(fileURLWithPath: path) }
        let run = RunFolder(URL(fileURLWithPath: path))
        for candidate in [run.bestCheckpoint, run.lastCheckpoint] where FileManager.default.fileExists(atPath: candidate.path) {
            return candidate
        }
        throw CLIError.failed("\(path) holds no checkpoints/best.safetensors or checkpoints/last.safetensors; is it a run folder of `latent train`?")
    }

    /// The run folder a checkpoint belongs to (its parent's parent when inside `checkpoints/`), or nil.
    public static func containing(checkpoint url: URL) -> RunFolder? {
        let parent = url.deletingLastPathComponent()
        guard parent.lastPathComponent == "checkpoints" else { return nil }
        return RunFolder(parent.deletingLastPathComponent())
    }
}

/// Writes files so that a crash never leaves a half-written one: temporary file, then rename.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating the parent folder: a hidden `.NAME.UUID.tmp`
    /// beside it, flushed to disk, then renamed over `url` (`RunFolder.removeTemporaryFiles`
    /// clears what a kill leaves behind).
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw CLIError.failed("cannot create a file in \(directory.path) (does it exist and is it writable?)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            guard rename(temporary.path, url.path) == 0 else {
                throw CLIError.failed("cannot move \(temporary.lastPathComponent) over \(url.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? CLIError { throw error }
            throw CLIError.failed("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Writes UTF-8 `text` atomically.
    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// Writes `image` as PNG atomically.
    public static func write(_ image: RGBImage, to url: URL) throws { try write(Data(PNG.encode(image)), to: url) }
}
