import Foundation
import XCTest
import LatentTestSupport
import Latent
@testable import LatentCLI

/// `--data folder:PATH`, `npy:`, `npz:`, `csv:` end to end through the built `latent`: short
/// training runs on tiny files, the splits, and the one-line errors for bad files.
final class OwnDataTests: XCTestCase {
    /// `perClass` 8×8 gray PNGs in `dir/<class>/`: class "bars" horizontal stripes, "columns" vertical ones.
    private func imageFolder(_ dir: URL, perClass: Int = 16) throws {
        for (name, stripe) in [("bars", { (x: Int, y: Int) in y }), ("columns", { (x: Int, y: Int) in x })] {
            let folder = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let pixels = (0..<64).map { p in UInt8((stripe(p % 8, p / 8) + i) % 2 == 0 ? 230 : 20) }
                try PNG.write(GrayImage(width: 8, height: 8, pixels: pixels), to: folder.appendingPathComponent("\(i).png").path)
            }
        }
    }

    func testFolderOfPNGsTrainsWithASeededSplitAndEvaluatesFromElsewhere() throws {
        let latent = try LatentRunner(self)
        try imageFolder(latent.path("imgs"))
        // A relative path is stored absolute, so eval finds the data from any folder.
        let train = try latent.succeed(["train", "vae", "--data", "folder:imgs", "--epochs", "1", "--hidden", "16", "--latent", "2",
                                        "--batch-size", "8", "--test-fraction", "0.25", "--output", "run"])
        XCTAssertTrue(train.stdout.contains("(24 train / 8 test examples"), train.stdout)
        let config = try RunSettings.decode(json: String(contentsOf: latent.path("run/config.json"), encoding: .utf8), source: "config.json")
        XCTAssertEqual(config.data, "folder:" + latent.path("imgs").standardizedFileURL.path)
        XCTAssertEqual(config.double("test-fraction"), 0.25)
        XCTAssertTrue(TrainCommand.defaultFolder(config).hasPrefix("runs/vae-imgs-"), TrainCommand.defaultFolder(config))
        let eval = try latent.run(["eval", latent.path("run").path, "--json"], timeout: 120, in: FileManager.default.temporaryDirectory)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let metrics = try LatentRunner.evalMetrics(eval.stdout)
        let elbo = try XCTUnwrap(metrics["negative_elbo"])
        XCTAssertTrue(elbo > 0 && elbo < 64 * 0.7, "−ELBO \(elbo) nats for 64 pixels of two stripe patterns")
        // The class sub-folders label the images: a class-conditional VAE trains and samples a class.
        try latent.succeed(["train", "cvae", "--data", "folder:imgs", "--epochs", "1", "--hidden", "16", "--latent", "2", "--output", "cvae", "--quiet"])
        try latent.succeed(["sample", "cvae", "--class", "1", "--count", "4", "--output", "c.npy", "--quiet"])
        XCTAssertEqual(try NPY.read(latent.path("c.npy")).shape, [4, 1, 8, 8])
    }

    func testTrainAndTestSubFoldersAreUsedAndTestFractionIsRefusedThere() throws {
        let latent = try LatentRunner(self)
        try imageFolder(latent.path("split/train"), perClass: 6)
        try imageFolder(latent.path("split/test"), perClass: 2)
        let run = try latent.succeed(["train", "realnvp", "--data", "folder:split", "--epochs", "1", "--hidden", "16", "--layers", "2", "--output", "run"])
        XCTAssertTrue(run.stdout.contains("(12 train / 4 test examples"), run.stdout)
        let refused = try latent.run(["train", "realnvp", "--data", "folder:split", "--test-fraction", "0.2", "--dry-run"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("'test-fraction' does not apply") && refused.stderr.contains("own test split"), refused.stderr)
        let mnist = try latent.run(["train", "vae", "--data", "mnist", "--test-fraction", "0.2", "--dry-run"])
        XCTAssertEqual(mnist.status, 64, mnist.stderr)
    }

    /// A MAF on 4-D tabular data from a CSV file (header, label column ignored by the flow) and
    /// the same data as .npy: the test NLL of a standard normal's draws approaches its entropy.
    func testFlowsTrainOnTabularCSVAndNPY() throws {
        let latent = try LatentRunner(self)
        let generator = RandomGenerator(seed: 11)
        let x = Tensor.randn([1200, 4], generator: generator)
        let rows = (0..<1200).map { i in (0..<4).map { String(x[i, $0]) }.joined(separator: ",") + ",\(i % 3)" }
        try ("a,b,c,d,label\n" + rows.joined(separator: "\n") + "\n").write(to: latent.path("t.csv"), atomically: true, encoding: .utf8)
        let csv = try latent.succeed(["train", "maf", "--data", "csv:t.csv", "--epochs", "3", "--batch-size", "100", "--json"])
        let entropy = 4 * 0.5 * log(2 * Double.pi * M_E)  // 5.675 nats
        let summary = try XCTUnwrap(LatentRunner.jsonLines(csv.stdout).last { $0["event"] as? String == "done" }, csv.stdout)
        let nll = try XCTUnwrap((summary["test"] as? [String: Double])?["nll"], "\(summary)")
        XCTAssertLessThan(abs(nll - entropy), 0.5, "test NLL \(nll) vs the entropy \(entropy)")
        try NPY.write(x, to: latent.path("x.npy"))
        try latent.succeed(["train", "nsf", "--data", "npy:x.npy", "--epochs", "1", "--batch-size", "200", "--quiet", "--output", "nsf"])
        try latent.succeed(["sample", "nsf", "--count", "5", "--output", "s.npy", "--quiet"])
        XCTAssertEqual(try NPY.read(latent.path("s.npy")).shape, [5, 4])
    }

    func testBadFilesGiveOneLineErrorsNamingFileAndPlace() throws {
        let latent = try LatentRunner(self)
        try imageFolder(latent.path("odd"), perClass: 2)
        try PNG.write(GrayImage(width: 9, height: 8, pixels: Array(repeating: 0, count: 72)), to: latent.path("odd/bars/wide.png").path)
        try "1,2,3\n4,5\n".write(to: latent.path("ragged.csv"), atomically: true, encoding: .utf8)
        try "1,2\n3,nan\n".write(to: latent.path("nan.csv"), atomically: true, encoding: .utf8)
        try "1,2\n3,4\n".write(to: latent.path("good.csv"), atomically: true, encoding: .utf8)
        try NPY.write(Tensor([1, 2, 3]), to: latent.path("flat.npy"))
        try NPY.write(Tensor.zeros([0, 2]), to: latent.path("empty.npy"))
        try Data(ZipFixture.archive([.init(name: "w.npy", data: try NPY.encode(Tensor.zeros([2, 2])))])).write(to: latent.path("keys.npz"))
        let cases: [([String], Int32, [String])] = [
            (["vae", "--data", "folder:odd"], 1, ["wide.png", "9×8", "8×8"]),
            (["maf", "--data", "csv:ragged.csv"], 1, ["ragged.csv", "line 2 has 2 cells, expected 3"]),
            (["maf", "--data", "csv:nan.csv"], 1, ["nan.csv", "data row 2, column 2 is nan"]),
            (["maf", "--data", "npy:flat.npy"], 1, ["flat.npy", "shape [3]", "expected [N, D]"]),
            (["maf", "--data", "npy:empty.npy"], 1, ["empty.npy", "empty array"]),
            (["maf", "--data", "npz:keys.npz"], 1, ["keys.npz", "w", "expected inputs under train"]),
            (["maf", "--data", "csv:missing.csv"], 1, ["missing.csv", "not found"]),
            (["maf", "--data", "tsv:x.tsv"], 64, ["'data'", "folder:PATH"]),
            (["maf", "--data", "csv:good.csv", "--test-fraction", "0.95"], 64, ["test-fraction", "0.01…0.9"]),
            (["vae", "--data", "csv:good.csv"], 64, ["needs image data", "is points"]),
        ]
        for (arguments, status, fragments) in cases {
            let outcome = try latent.run(["train"] + arguments + ["--epochs", "1", "--dry-run"])
            XCTAssertEqual(outcome.status, status, "\(arguments): \(outcome.stderr)")
            let message = outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertFalse(message.contains("\n"), "one line: \(message)")
            for fragment in fragments { XCTAssertTrue(message.contains(fragment), "\(arguments): \(message) lacks \(fragment)") }
        }
    }
}

/// `--data dsprites` without the original file: the exact factor grid, generated, and said so.
final class DSpritesDataTests: XCTestCase {
    func testWithoutTheFileTheGridIsGeneratedAndTheStartLineSaysSo() throws {
        let latent = try LatentRunner(self)
        let empty = latent.path("nodata")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let run = try latent.succeed(["train", "beta-vae", "--data", "dsprites", "--data-dir", empty.path, "--train-size", "64",
                                      "--test-size", "32", "--epochs", "1", "--hidden", "32", "--output", "run"])
        XCTAssertTrue(run.stdout.contains("on dsprites, generated grid (64 train / 32 test"), run.stdout)
        let splits = try DatasetCatalog.load("dsprites", source: DataSource(directory: empty), trainSize: 5, testSize: 2, seed: 3)
        let sprites = try DatasetCatalog.load("sprites", source: DataSource(directory: empty), trainSize: 5, testSize: 2, seed: 3)
        XCTAssertEqual(splits.train.labels?.scalars, sprites.train.labels?.scalars, "the same factor draws as sprites")
        XCTAssertEqual(splits.train.inputs.scalars, sprites.train.inputs.scalars)
    }
}
