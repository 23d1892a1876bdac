import Foundation

/// Fetches one published dataset file into place, safely: a kill, a truncated transfer or a
/// corrupt mirror never leaves a wrong file under the real name.
///
/// The bytes stream into `<folder>/.<name>.partial`. A partial file left by an earlier attempt
/// (or an earlier run) is resumed with an HTTP `Range` request; a server that ignores ranges
/// answers 200 and the file restarts from byte 0. Mirrors are tried in order, each up to
/// `attemptsPerMirror` times while attempts make progress. A complete file is checked against
/// the published size, MD5 and (when published) SHA-256, and only then renamed to its real name
/// — `rename(2)` within one folder, atomic. A file that fails its checksum is deleted (it
/// cannot be resumed into a right one) and the next mirror is tried.
struct Downloader {
    /// Seconds without receiving data after which a transfer is abandoned.
    var timeout: Double = 30
    /// Transfers tried per mirror while each one adds bytes (resuming after a cut connection).
    var attemptsPerMirror = 3
    /// Called with (bytes so far, total bytes) as data arrives, from URLSession's delegate queue.
    var progress: ((Int, Int) -> Void)?

    /// The hidden name the file is streamed to before it is verified.
    static func partialURL(for destination: URL) -> URL {
        destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).partial")
    }

    /// Downloads `file` from the first of `urls` that serves the published bytes and places it
    /// at `destination`; returns the URL it came from. Throws one `DataError` naming the
    /// destination and, for every URL tried, why it failed.
    func fetch(_ file: PublishedFile, from urls: [URL], to destination: URL) throws -> URL {
        let folder = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DataError(path: folder.path, "could not create the folder to download \(file.name) into: \(error.localizedDescription)")
        }
        let partial = Downloader.partialURL(for: destination)
        var failures: [String] = []
        for url in urls {
            do {
                try fetch(file, from: url, partial: partial)
                try place(partial, at: destination)
                return url
            } catch let failure as Failure {
                if failure.fatal { throw DataError(path: destination.path, failure.message) }
                failures.append("\(url.absoluteString): \(failure.message)")
            }
        }
        throw DataError(path: destination.path, "could not be downloaded; no mirror served the published file (\(file.size) bytes, MD5 \(file.md5)): \(failures.joined(separator: "; "))")
    }

    /// Why one URL did not give the file; `fatal` when no other mirror can help (the disk).
    private struct Failure: Error {
        let message: String
        var fatal = false
    }

    /// Brings `partial` to the complete, verified file from `url`, resuming while attempts add bytes.
    private func fetch(_ file: PublishedFile, from url: URL, partial: URL) throws {
        var lastProblem = ""
        for _ in 0..<max(attemptsPerMirror, 1) {
            let before = Downloader.length(of: partial)
            if before > file.size { try? FileManager.default.removeItem(at: partial) }
            let ending: HTTPTransfer.Ending, bytes: Int
            if before == file.size {
                (ending, bytes) = (.completed, before)
            } else {
                (ending, bytes) = HTTPTransfer.run(url, partial: partial, expected: file.size, timeout: timeout, progress: progress)
            }
            switch ending {
            case let .status(code, text):
                throw Failure(message: "HTTP \(code) (\(text))")
            case let .writeFailed(message):
                throw Failure(message: "\(message) — check the free space and permissions of the data folder", fatal: true)
            case .oversized:
                try? FileManager.default.removeItem(at: partial)
                throw Failure(message: "sent more than the published \(file.size) bytes; not the published file")
            case let .wrongRange(range):
                try? FileManager.default.removeItem(at: partial)
                lastProblem = "answered a resume from byte \(before) with \(range); restarting from byte 0"
                continue
            case let .stalled(seconds):
                lastProblem = "stalled: no data for \(String(format: "%g", seconds)) s after \(bytes) of \(file.size) bytes"
            case let .connection(message):
                lastProblem = bytes == 0 ? "connection failed: \(message)"
                    : "truncated: the transfer ended after \(bytes) of \(file.size) bytes (\(message))"
            case .completed:
                lastProblem = "truncated: the server closed the response after \(bytes) of \(file.size) bytes"
            }
            if bytes == file.size {
                try verify(partial, file)
                return
            }
            if bytes <= before { break }
        }
        throw Failure(message: lastProblem)
    }

    /// Checks the complete partial file's MD5 (and SHA-256 when published); deletes it on a mismatch.
    private func verify(_ partial: URL, _ file: PublishedFile) throws {
        let (md5, sha256): (String, String)
        do {
            (md5, sha256) = try Downloader.digests(of: partial, sha256: file.sha256 != nil)
        } catch {
            throw Failure(message: "could not read back \(partial.path): \(error.localizedDescription)", fatal: true)
        }
        if md5 != file.md5 {
            try? FileManager.default.removeItem(at: partial)
            throw Failure(message: "MD5 mismatch: downloaded \(md5), expected the published \(file.md5) (a corrupt or different file; deleted)")
        }
        if let expected = file.sha256, sha256 != expected {
            try? FileManager.default.removeItem(at: partial)
            throw Failure(message: "SHA-256 mismatch: downloaded \(sha256), expected the published \(expected) (a corrupt or different file; deleted)")
        }
    }

    /// Renames the verified `partial` to `destination` (replacing an older file there) in one step.
    private func place(_ partial: URL, at destination: URL) throws {
        guard rename(partial.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw Failure(message: "verified, but could not be renamed from \(partial.path): \(reason)", fatal: true)
        }
    }

    /// The length of the file at `url` in bytes (0 if it does not exist).
    static func length(of url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The MD5 and (when `sha256`, else "") SHA-256 hex digests of the file at `url`, read in 1 MB chunks.
    static func digests(of url: URL, sha256 withSHA: Bool) throws -> (md5: String, sha256: String) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var md5 = MD5(), sha = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { raw in
                md5.update(raw)
                if withSHA { sha.update(raw) }
            }
        }
        return (md5.hexDigest(), withSHA ? sha.hexDigest() : "")
    }
}
