import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for download tests (this machine has no internet): it
/// serves `files` by path (`/mnist/a.gz`) from its own threads, one connection per request
/// (`Connection: close`), and misbehaves on demand — see `Mode`.
///
/// Port 0 is bound, so the kernel picks a free port; `baseURL` names it. Every request's path and
/// `Range` header are recorded in `requests`, so a test can check that a resume asked for the
/// right bytes.
public final class TestHTTPServer: @unchecked Sendable {
    /// How the next responses are served.
    public enum Mode: Equatable, Sendable {
        /// 200 with the whole file, ignoring any `Range` header (as many servers do).
        case normal
        /// 206 with the bytes a `Range: bytes=N-` header asks for (200 without one; 416 past the end).
        case honourRange
        /// Announces the whole file's length but sends only its first `after` bytes, then closes.
        case truncated(after: Int)
        /// 404 Not Found for every path.
        case notFound
        /// 200 with the whole file in `chunk`-byte pieces, sleeping `delay` seconds before each.
        case slow(chunk: Int, delay: Double)
        /// 200 with the file's length but one byte changed (a corrupt mirror).
        case wrongBytes
    }

    /// One request the server answered.
    public struct Request: Equatable, Sendable {
        /// The path asked for, e.g. `/mnist/t10k-labels-idx1-ubyte.gz`.
        public let path: String
        /// The `Range` header's value (`bytes=100-`), nil without one.
        public let range: String?

        public init(path: String, range: String?) { (self.path, self.range) = (path, range) }
    }

    /// The port the kernel gave.
    public let port: UInt16
    /// `http://127.0.0.1:<port>/`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/")! }

    private let files: [String: [UInt8]]
    private let listener: Int32
    private let lock = NSLock()
    private var modes: [Mode] = [.normal]
    private var log: [Request] = []
    private var stopped = false

    /// Starts serving `files` (keys are paths without the leading slash) in `.normal` mode.
    public init(files: [String: [UInt8]]) throws {
        self.files = files
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestHTTPServerError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw TestHTTPServerError("bind/listen on 127.0.0.1 failed: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Serves the next responses in these modes, one per request; the last one then stays.
    public func setModes(_ modes: [Mode]) {
        lock.lock()
        self.modes = modes.isEmpty ? [.normal] : modes
        lock.unlock()
    }

    /// The requests answered so far, in order.
    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    /// Stops accepting connections within 50 ms and closes the port (responses under way finish
    /// on their own threads). Call it when the test ends: the accept thread keeps the server alive.
    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Polls the listening socket (so `stop` ends the loop within 50 ms) and answers each
    /// connection on a thread of its own.
    private func acceptLoop() {
        while !isStopped {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0, !isStopped else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            let thread = Thread { [self] in
                serve(connection)
                close(connection)
            }
            thread.start()
        }
        close(listener)
    }

    /// The next mode: the first of the queue, which advances unless only one is left.
    private func nextMode(recording request: Request) -> Mode {
        lock.lock()
        defer { lock.unlock() }
        log.append(request)
        return modes.count > 1 ? modes.removeFirst() : modes[0]
    }

    private func serve(_ connection: Int32) {
        guard let head = readHead(connection) else { return }
        let lines = head.components(separatedBy: "\r\n")
        let words = lines.first?.split(separator: " ") ?? []
        let path = words.count > 1 ? String(words[1]) : "/"
        let range = lines.dropFirst().first { $0.lowercased().hasPrefix("range:") }
            .map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
        let mode = nextMode(recording: Request(path: path, range: range))
        guard mode != .notFound, let body = files[String(path.dropFirst())] else {
            transmit(connection, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found")
            return
        }
        switch mode {
        case .honourRange:
            guard let range, range.hasPrefix("bytes="), let start = Int(range.dropFirst(6).prefix { $0 != "-" }) else {
                respond(connection, status: "200 OK", body: body[...])
                return
            }
            guard start < body.count else {
                transmit(connection, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */\(body.count)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            }
            respond(connection, status: "206 Partial Content", body: body[start...],
                    extra: "Content-Range: bytes \(start)-\(body.count - 1)/\(body.count)\r\n")
        case let .truncated(after):
            transmit(connection, "HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n")
            transmit(connection, body[..<min(after, body.count)])
        case let .slow(chunk, delay):
            transmit(connection, "HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n")
            var start = 0
            while start < body.count {
                usleep(useconds_t(delay * 1_000_000))
                guard transmit(connection, body[start..<min(start + max(chunk, 1), body.count)]) else { return }
                start += max(chunk, 1)
            }
        case .wrongBytes:
            var corrupt = body
            if !corrupt.isEmpty { corrupt[corrupt.count / 2] ^= 0x5A }
            respond(connection, status: "200 OK", body: corrupt[...])
        case .normal, .notFound:
            respond(connection, status: "200 OK", body: body[...])
        }
    }

    private func respond(_ connection: Int32, status: String, body: ArraySlice<UInt8>, extra: String = "") {
        transmit(connection, "HTTP/1.1 \(status)\r\nContent-Length: \(body.count)\r\nContent-Type: application/octet-stream\r\n\(extra)Connection: close\r\n\r\n")
        transmit(connection, body)
    }

    /// The request line and headers (up to the blank line), nil if the client hung up first.
    private func readHead(_ connection: Int32) -> String? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            bytes += buffer[..<n]
            if let text = String(bytes: bytes, encoding: .utf8), let end = text.range(of: "\r\n\r\n") {
                return String(text[..<end.lowerBound])
            }
        }
        return nil
    }

    @discardableResult
    private func transmit(_ connection: Int32, _ text: String) -> Bool { transmit(connection, Array(text.utf8)[...]) }

    /// Writes all of `bytes`; false once the client has gone (no SIGPIPE).
    @discardableResult
    private func transmit(_ connection: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var sent = 0
        while sent < bytes.count {
            #if os(Linux)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let n = bytes.withUnsafeBytes { send(connection, $0.baseAddress! + sent, $0.count - sent, flags) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }
}

/// The server could not start (no socket, no loopback port).
public struct TestHTTPServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
