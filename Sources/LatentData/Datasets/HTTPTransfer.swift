import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET streamed onto the end of a partial file: the delegate-based URLSession data task
/// writes each chunk as it arrives (memory stays flat for a 170 MB archive) and reports progress.
///
/// Resuming: when the partial file already holds `start` bytes, the request asks for
/// `Range: bytes=start-`. A 206 whose `Content-Range` starts there is appended; a 200 (a server
/// that ignores ranges) truncates the file and starts over from byte 0; anything else ends the
/// transfer with its status. A transfer that receives nothing for `timeout` seconds is cancelled
/// (URLSession's own request timeout is set looser, so this watchdog names the stall).
final class HTTPTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// How one transfer ended (the partial file holds `bytes` bytes either way).
    enum Ending: Equatable {
        /// The server closed the response normally.
        case completed
        /// The server answered with this HTTP status (not 200 or 206).
        case status(Int, String)
        /// The connection failed (refused, reset, cut short) with this description.
        case connection(String)
        /// Nothing arrived for the timeout.
        case stalled(Double)
        /// The server sent more than the file's published size.
        case oversized
        /// Writing to the partial file failed with this description.
        case writeFailed(String)
        /// A 206 that does not continue where the partial file ends (its Content-Range).
        case wrongRange(String)
    }

    private let partial: URL
    private let expected: Int
    private let timeout: Double
    private let progress: ((Int, Int) -> Void)?
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var handle: FileHandle?
    private var bytes: Int
    private var ending: Ending?
    private var lastActivity = Date()

    /// A transfer appending to `partial` (which holds `start` bytes) towards `expected` bytes.
    private init(partial: URL, start: Int, expected: Int, timeout: Double, progress: ((Int, Int) -> Void)?) {
        (self.partial, self.bytes, self.expected, self.timeout, self.progress) = (partial, start, expected, timeout, progress)
    }

    /// GETs `url` onto `partial` (created if missing), resuming from its current length; returns
    /// how it ended and the partial file's length afterwards. Blocks the calling thread.
    static func run(_ url: URL, partial: URL, expected: Int, timeout: Double,
                    progress: ((Int, Int) -> Void)?) -> (ending: Ending, bytes: Int) {
        let manager = FileManager.default
        if !manager.fileExists(atPath: partial.path) { _ = manager.createFile(atPath: partial.path, contents: nil) }
        let handle: FileHandle
        let start: Int
        do {
            handle = try FileHandle(forWritingTo: partial)
            start = Int(try handle.seekToEnd())
        } catch {
            return (.writeFailed("could not open \(partial.path) for writing: \(error.localizedDescription)"), 0)
        }
        let transfer = HTTPTransfer(partial: partial, start: start, expected: expected, timeout: timeout, progress: progress)
        transfer.handle = handle
        defer { try? handle.close() }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout * 4 + 5)
        if start > 0 { request.setValue("bytes=\(start)-", forHTTPHeaderField: "Range") }
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout * 4 + 5
        configuration.urlCache = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: queue)
        let task = session.dataTask(with: request)
        task.resume()
        while transfer.done.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            transfer.lock.lock()
            let idle = Date().timeIntervalSince(transfer.lastActivity)
            if idle > timeout && transfer.ending == nil { transfer.ending = .stalled(timeout) }
            let stalled = transfer.ending != nil
            transfer.lock.unlock()
            if stalled { task.cancel() }
        }
        session.finishTasksAndInvalidate()
        transfer.lock.lock()
        defer { transfer.lock.unlock() }
        return (transfer.ending ?? .completed, transfer.bytes)
    }

    /// Records the first reason the transfer ends (later ones, such as the cancellation it causes, are ignored).
    private func end(_ reason: Ending) {
        if ending == nil { ending = reason }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        lastActivity = Date()
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        switch status {
        case 200 where bytes == 0:
            break
        case 200:
            do {
                try handle?.truncate(atOffset: 0)
                bytes = 0
            } catch {
                end(.writeFailed("could not truncate \(partial.path) to restart: \(error.localizedDescription)"))
            }
        case 206:
            let range = (http?.allHeaderFields["Content-Range"] as? String) ?? (http?.allHeaderFields["content-range"] as? String) ?? ""
            if !range.hasPrefix("bytes \(bytes)-") { end(.wrongRange(range.isEmpty ? "no Content-Range" : range)) }
        default:
            end(.status(status, HTTPURLResponse.localizedString(forStatusCode: status)))
        }
        completionHandler(ending == nil ? .allow : .cancel)
        if ending != nil { done.signal() }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        guard ending == nil else {
            lock.unlock()
            return
        }
        lastActivity = Date()
        if bytes + data.count > expected {
            end(.oversized)
        } else {
            do {
                try handle?.write(contentsOf: data)
                bytes += data.count
            } catch {
                end(.writeFailed("could not write to \(partial.path) after \(bytes) bytes: \(error.localizedDescription)"))
            }
        }
        let (now, failed) = (bytes, ending != nil)
        lock.unlock()
        if failed { dataTask.cancel() } else { progress?(now, expected) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        if let error { end(.connection(error.localizedDescription)) }
        lock.unlock()
        done.signal()
    }
}
