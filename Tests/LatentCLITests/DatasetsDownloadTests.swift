import Foundation
import XCTest
import LatentTestSupport
import Latent

/// `latent datasets download` end to end: the built `latent` fetches from a `TestHTTPServer` on
/// 127.0.0.1 (`--mirror`), into `--data-dir`, as a user with a local mirror would.
final class DatasetsDownloadTests: XCTestCase {
    /// The real `mnist_5k.csv.gz` (so its published size and MD5 hold), served at `/mnist-5k/…`.
    func serve(_ modes: [TestHTTPServer.Mode] = [.normal]) throws -> (TestHTTPServer, [UInt8]) {
        let csv = try [UInt8](Data(contentsOf: sharedDataRoot().appendingPathComponent("mnist-5k/mnist_5k.csv.gz")))
        let server = try TestHTTPServer(files: ["mnist-5k/mnist_5k.csv.gz": csv])
        server.setModes(modes)
        addTeardownBlock { server.stop() }
        return (server, csv)
    }

    func download(_ latent: LatentRunner, _ server: TestHTTPServer, _ extra: [String] = []) throws -> LatentRunner.Outcome {
        try latent.run(["datasets", "download", "mnist-5k", "--data-dir", latent.path("data").path,
                        "--mirror", server.baseURL.absoluteString, "--timeout", "5"] + extra)
    }

    func testDownloadsVerifiesAndKeepsAVerifiedCopy() throws {
        let (server, csv) = try serve()
        let latent = try LatentRunner(self)
        let first = try download(latent, server, ["--json"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let events = LatentRunner.jsonLines(first.stdout)
        let file = try XCTUnwrap(events.first { $0["event"] as? String == "file" })
        XCTAssertEqual(file["source"] as? String, server.baseURL.appendingPathComponent("mnist-5k/mnist_5k.csv.gz").absoluteString)
        XCTAssertEqual(file["bytes"] as? Int, csv.count)
        XCTAssertEqual(try [UInt8](Data(contentsOf: latent.path("data/mnist-5k/mnist_5k.csv.gz"))), csv)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: latent.path("data/mnist-5k").path), ["mnist_5k.csv.gz"],
                       "no partial file left")

        // Again: the verified copy is kept, nothing is fetched; quiet prints the one result line.
        let second = try download(latent, server, ["--quiet"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.stdout.split(separator: "\n"), ["mnist-5k: 1 files verified in \(latent.path("data/mnist-5k").path) (0 downloaded, 1 already present)"])
        XCTAssertEqual(second.stderr, "", "no progress bar without a terminal")
        XCTAssertEqual(server.requests.count, 1)

        // The listing finds it, and training reads it.
        let list = try latent.succeed(["datasets", "--data-dir", latent.path("data").path])
        XCTAssertTrue(list.stdout.contains("mnist-5k       found"), list.stdout)
        try latent.succeed(["train", "realnvp", "--data", "mnist-5k", "--data-dir", latent.path("data").path, "--epochs", "1",
                            "--train-size", "64", "--test-size", "32", "--layers", "2", "--hidden", "8", "--output", "run", "--quiet"])
    }

    /// A transfer cut short is resumed with a Range request within the same command; a partial
    /// file left by a killed run is resumed by the next one.
    func testTruncatedAndInterruptedDownloadsResume() throws {
        let (server, csv) = try serve([.truncated(after: 300_000), .honourRange])
        let latent = try LatentRunner(self)
        XCTAssertEqual(try download(latent, server).status, 0)
        XCTAssertEqual(server.requests.map(\.range), [nil, "bytes=300000-"])
        XCTAssertEqual(try [UInt8](Data(contentsOf: latent.path("data/mnist-5k/mnist_5k.csv.gz"))), csv)

        let other = try LatentRunner(self)
        try FileManager.default.createDirectory(at: other.path("data/mnist-5k"), withIntermediateDirectories: true)
        try Data(csv[..<500_000]).write(to: other.path("data/mnist-5k/.mnist_5k.csv.gz.partial"))
        XCTAssertEqual(try download(other, server).status, 0)
        XCTAssertEqual(server.requests.last?.range, "bytes=500000-")
        XCTAssertEqual(try [UInt8](Data(contentsOf: other.path("data/mnist-5k/mnist_5k.csv.gz"))), csv)
    }

    /// 404, corrupt bytes and a stalled server each fail with exit 1 and one line saying why; no
    /// file appears under the real name.
    func testFailuresAreOneLineAndLeaveNoFile() throws {
        let cases: [(TestHTTPServer.Mode, String)] = [
            (.notFound, "HTTP 404"), (.wrongBytes, "MD5 mismatch: downloaded"), (.slow(chunk: 100_000, delay: 3), "stalled: no data for 0.5 s"),
        ]
        for (mode, fragment) in cases {
            let (server, _) = try serve([mode])
            let latent = try LatentRunner(self)
            let outcome = try download(latent, server, ["--timeout", "0.5"])
            XCTAssertEqual(outcome.status, 1, "\(mode)")
            XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
            XCTAssertTrue(outcome.stderr.hasPrefix("error: mnist-5k: ") && outcome.stderr.contains(fragment), "\(mode): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("1edea4bd327f562974bd5a5321bbb524"), "names the published MD5: \(outcome.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: latent.path("data/mnist-5k/mnist_5k.csv.gz").path))
        }
    }

    func testBadArgumentsAreUsageErrors() throws {
        let latent = try LatentRunner(self)
        for (arguments, fragment) in [(["sprites"], "built in"), (["cifar"], "did you mean cifar10"),
                                      (["mnist", "--mirror", "ftp://host/"], "http:// or https://"),
                                      (["mnist", "--timeout", "0"], "bad value for 'timeout'"), ([], "Missing expected argument")] {
            let outcome = try latent.run(["datasets", "download"] + arguments)
            XCTAssertEqual(outcome.status, 64, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(fragment), "\(arguments): \(outcome.stderr)")
        }
        // Training on missing files says how to download them.
        let missing = try latent.run(["train", "vae", "--data", "mnist", "--data-dir", latent.path("empty").path, "--epochs", "1"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("latent datasets download mnist"), missing.stderr)
    }
}
