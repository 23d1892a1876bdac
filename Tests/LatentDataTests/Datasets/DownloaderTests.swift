import Foundation
import XCTest
import LatentTestSupport
@testable import LatentData

/// The download engine against a real HTTP server on 127.0.0.1 (`TestHTTPServer`), in every way a
/// transfer goes wrong: cut short, ignored Range, corrupt, missing, stalled, unwritable.
final class DownloaderTests: XCTestCase {
    /// 200 000 seeded bytes, published under `payload.bin` with their true size and digests.
    let payload: [UInt8] = {
        var state: UInt64 = 0x5EED
        return (0..<200_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }()

    var file: PublishedFile {
        PublishedFile(name: "payload.bin", size: payload.count, md5: MD5.hexDigest(payload), uncompressedSize: nil,
                      uncompressedMD5: nil, sha256: SHA256.hexDigest(payload))
    }

    /// A server holding the payload at `/payload.bin`, stopped when the test ends.
    func server(_ modes: [TestHTTPServer.Mode] = [.normal]) throws -> TestHTTPServer {
        let server = try TestHTTPServer(files: ["payload.bin": payload])
        server.setModes(modes)
        addTeardownBlock { server.stop() }
        return server
    }

    func url(_ server: TestHTTPServer) -> URL { server.baseURL.appendingPathComponent("payload.bin") }

    /// The downloaded file's bytes, and no partial file left beside it.
    func assertPlaced(_ destination: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try [UInt8](Data(contentsOf: destination)), payload, "downloaded bytes", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: Downloader.partialURL(for: destination).path), "partial file left", file: file, line: line)
    }

    func testServedFileArrivesVerifiedWithProgressUpToItsSize() throws {
        let server = try server()
        let destination = try temporaryDirectory(self).appendingPathComponent("sub/payload.bin")
        let seen = Locked<[Int]>([])
        var engine = Downloader(timeout: 5)
        engine.progress = { done, total in
            XCTAssertEqual(total, 200_000)
            seen.mutate { $0.append(done) }
        }
        XCTAssertEqual(try engine.fetch(file, from: [url(server)], to: destination), url(server))
        try assertPlaced(destination)
        let reports = seen.value
        XCTAssertEqual(reports.last, 200_000)
        XCTAssertEqual(reports, reports.sorted(), "progress only grows")
        XCTAssertEqual(server.requests, [TestHTTPServer.Request(path: "/payload.bin", range: nil)])
    }

    /// A transfer cut after 70 000 bytes is resumed from byte 70 000 with a Range request.
    func testTruncatedTransferResumesWithARangeRequest() throws {
        let server = try server([.truncated(after: 70_000), .honourRange])
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        _ = try Downloader(timeout: 5).fetch(file, from: [url(server)], to: destination)
        try assertPlaced(destination)
        XCTAssertEqual(server.requests.map(\.range), [nil, "bytes=70000-"])
    }

    /// A partial file left by an earlier run (say, a killed one) is resumed, not restarted.
    func testPartialFileFromAnEarlierRunIsResumed() throws {
        let server = try server([.honourRange])
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        try Data(payload[..<123_456]).write(to: Downloader.partialURL(for: destination))
        _ = try Downloader(timeout: 5).fetch(file, from: [url(server)], to: destination)
        try assertPlaced(destination)
        XCTAssertEqual(server.requests.map(\.range), ["bytes=123456-"])
    }

    /// A server that ignores Range answers 200 with the whole file: the partial restarts from byte 0.
    func testServerIgnoringRangeRestartsFromTheStart() throws {
        let server = try server([.truncated(after: 70_000), .normal])
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        _ = try Downloader(timeout: 5).fetch(file, from: [url(server)], to: destination)
        try assertPlaced(destination)
        XCTAssertEqual(server.requests.map(\.range), [nil, "bytes=70000-"])
    }

    /// A server that always cuts the file short: the error names the bytes received, the partial
    /// file stays for a later resume, and nothing appears under the real name.
    func testAlwaysTruncatedTransferFailsNamingTheBytesAndKeepsThePartial() throws {
        let server = try server([.truncated(after: 70_000)])
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        assertDataError(destination.path, "could not be downloaded", "truncated", "after 70000 of 200000 bytes", url(server).absoluteString) {
            try Downloader(timeout: 5).fetch(file, from: [url(server)], to: destination)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: destination.path))
        XCTAssertEqual(Downloader.length(of: Downloader.partialURL(for: destination)), 70_000)
    }

    /// Corrupt bytes of the right length fail the MD5 check; the message gives both digests.
    func testWrongBytesFailTheChecksumNamingBothDigests() throws {
        let server = try server([.wrongBytes])
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        var corrupt = payload
        corrupt[100_000] ^= 0x5A
        assertDataError("MD5 mismatch", "downloaded \(MD5.hexDigest(corrupt))", "expected the published \(file.md5)") {
            try Downloader(timeout: 5).fetch(file, from: [url(server)], to: destination)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: destination.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: Downloader.partialURL(for: destination).path), "a corrupt file cannot be resumed; it is deleted")
    }

    /// A published SHA-256 is checked too (here the MD5 matches but the SHA-256 given does not).
    func testPublishedSHA256IsChecked() throws {
        let server = try server()
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        var wrong = file
        wrong.sha256 = String(repeating: "0", count: 64)
        assertDataError("SHA-256 mismatch", "downloaded \(SHA256.hexDigest(payload))", "expected the published \(wrong.sha256!)") {
            try Downloader(timeout: 5).fetch(wrong, from: [url(server)], to: destination)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: destination.path))
    }

    /// Mirrors are tried in order: a 404 on the first, the file from the second.
    func testNotFoundFallsThroughToTheNextMirror() throws {
        let missing = try server([.notFound]), good = try server()
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        XCTAssertEqual(try Downloader(timeout: 5).fetch(file, from: [url(missing), url(good)], to: destination), url(good))
        try assertPlaced(destination)
        assertDataError("no mirror served", "\(url(missing).absoluteString): HTTP 404") {
            try Downloader(timeout: 5).fetch(file, from: [url(missing)], to: destination.deletingLastPathComponent().appendingPathComponent("other.bin"))
        }
    }

    /// A slow server within the timeout is waited for; one silent for longer is abandoned quickly.
    func testSlowServerSucceedsAndStalledServerTimesOut() throws {
        let slow = try server([.slow(chunk: 20_000, delay: 0.05)])
        let folder = try temporaryDirectory(self)
        _ = try Downloader(timeout: 3).fetch(file, from: [url(slow)], to: folder.appendingPathComponent("payload.bin"))
        try assertPlaced(folder.appendingPathComponent("payload.bin"))

        let stalled = try server([.slow(chunk: 50_000, delay: 3)])
        let start = Date()
        assertDataError("stalled: no data for 0.5 s after 0 of 200000 bytes") {
            try Downloader(timeout: 0.5).fetch(file, from: [url(stalled)], to: folder.appendingPathComponent("stalled.bin"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.5, "the stall is noticed after the timeout, not at the end")
    }

    func testNoMirrorAnsweringIsOneErrorListingEach() throws {
        let gone = try server()
        gone.stop()
        usleep(200_000)
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        assertDataError(destination.path, "no mirror served the published file (200000 bytes, MD5 \(file.md5))", "127.0.0.1:\(gone.port)", "127.0.0.1:9") {
            try Downloader(timeout: 2).fetch(file, from: [url(gone), URL(string: "http://127.0.0.1:9/payload.bin")!], to: destination)
        }
    }

    /// A full disk (the partial file is /dev/full) is reported as a write failure, without trying other mirrors.
    func testDiskWriteFailureIsReported() throws {
        #if os(Linux)
        let server = try server()
        let destination = try temporaryDirectory(self).appendingPathComponent("payload.bin")
        try FileManager.default.createSymbolicLink(atPath: Downloader.partialURL(for: destination).path, withDestinationPath: "/dev/full")
        assertDataError(destination.path, "could not write to", "free space") {
            try Downloader(timeout: 5).fetch(file, from: [url(server), url(server)], to: destination)
        }
        XCTAssertEqual(server.requests.count, 1, "a disk failure does not try the next mirror")
        XCTAssertFalse(FileManager.default.fileExists(atPath: destination.path))
        #endif
        let blocker = try temporaryDirectory(self).appendingPathComponent("a-file")
        try Data([1]).write(to: blocker)
        assertDataError("could not create the folder") {
            try Downloader(timeout: 5).fetch(file, from: [], to: blocker.appendingPathComponent("payload.bin"))
        }
    }

    /// `DataSource.download` of a real dataset from a local mirror laid out as a data root: the
    /// files arrive verified, a second call finds them and fetches nothing, and they load.
    func testDataSourceDownloadsAWholeDatasetOnce() throws {
        let shared = try sharedDataRoot()
        let csv = try [UInt8](Data(contentsOf: shared.appendingPathComponent("mnist-5k/mnist_5k.csv.gz")))
        let server = try TestHTTPServer(files: ["mnist-5k/mnist_5k.csv.gz": csv])
        addTeardownBlock { server.stop() }
        let root = try temporaryDirectory(self)
        let source = DataSource(directory: root, timeout: 5, mirrors: [server.baseURL], cacheDirectory: root)
        let first = try source.download("mnist-5k")
        XCTAssertEqual(first.map(\.source), [server.baseURL.appendingPathComponent("mnist-5k/mnist_5k.csv.gz")])
        XCTAssertEqual(first.map(\.path), [root.appendingPathComponent("mnist-5k/mnist_5k.csv.gz")])
        XCTAssertEqual(try source.download("mnist-5k").map(\.source), [nil])
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(try MNIST5k.load(source: source).train.count, 4000)
        assertDataError("no published files to download", "mnist, fashion-mnist, mnist-5k, cifar10") { try source.download("sprites") }
    }

    /// With `allowDownload`, loading a missing dataset fetches it from the mirror first.
    func testAllowDownloadFetchesMissingFilesWhileLoading() throws {
        let shared = try sharedDataRoot()
        let csv = try [UInt8](Data(contentsOf: shared.appendingPathComponent("mnist-5k/mnist_5k.csv.gz")))
        let server = try TestHTTPServer(files: ["mnist-5k/mnist_5k.csv.gz": csv])
        addTeardownBlock { server.stop() }
        let root = try temporaryDirectory(self)
        let source = DataSource(directory: root, allowDownload: true, timeout: 5, mirrors: [server.baseURL], cacheDirectory: root)
        XCTAssertEqual(try MNIST5k.load(source: source).test.count, 1000)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("mnist-5k/mnist_5k.csv.gz").path))
    }
}

/// A value shared with URLSession's delegate queue.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate(_ change: (inout Value) -> Void) { lock.lock(); change(&stored); lock.unlock() }
}
