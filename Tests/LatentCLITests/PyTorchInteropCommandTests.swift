import Foundation
import XCTest
import LatentTestSupport
import Latent

/// `latent import` and `latent export` end to end on the state dict PyTorch wrote
/// (Fixtures/make_torch_vae.py): the imported run samples, evaluates, resumes training, and
/// exports back to the very same tensors.
final class PyTorchInteropCommandTests: XCTestCase {
    func testImportSampleEvalResumeExportCycle() throws {
        let latent = try LatentRunner(self)
        let stateDict = try fixture("torch_vae.safetensors").path
        let settings = "model: vae\ndata: mnist-5k\ndata-dir: \(try sharedDataRoot().path)\nhidden: [16]\nlatent: 4\ntrain-size: 256\ntest-size: 100\n"
        try settings.write(to: latent.path("vae.yaml"), atomically: true, encoding: .utf8)
        let imported = try latent.succeed(["import", stateDict, "--settings", "vae.yaml", "--output", "run", "--json"])
        let event = try XCTUnwrap(LatentRunner.jsonLines(imported.stdout).first { $0["event"] as? String == "import" })
        XCTAssertEqual(event["layout"] as? String, "pytorch-mlp-vae")
        XCTAssertEqual(event["parameters"] as? Int, 784 * 16 + 16 + 16 * 8 + 8 + 4 * 16 + 16 + 16 * 784 + 784)

        try latent.succeed(["sample", "run", "--count", "4", "--output", "s.npy", "--quiet"])
        XCTAssertEqual(try NPY.read(latent.path("s.npy")).shape, [4, 1, 28, 28])
        let metrics = try LatentRunner.evalMetrics(try latent.succeed(["eval", "run", "--samples", "10", "--images", "20", "--json"]).stdout)
        XCTAssertTrue(metrics["negative_elbo"].map { $0.isFinite && $0 > 0 } ?? false, "\(metrics)")

        // The export of the imported run is the PyTorch file, bit for bit (fc_logvar: × 0.5, then × 2).
        let exported = try latent.succeed(["export", "run", "--output", "back.safetensors"])
        XCTAssertTrue(exported.stdout.contains("pytorch-mlp-vae"), exported.stdout)
        let back = try SafeTensorsFile(contentsOf: latent.path("back.safetensors"))
        let original = try SafeTensorsFile(contentsOf: try fixture("torch_vae.safetensors"))
        XCTAssertEqual(back.names, original.names)
        for name in original.names {
            XCTAssertEqual(try back.tensor(named: name).scalars.map(\.bitPattern), try original.tensor(named: name).scalars.map(\.bitPattern), name)
        }
        XCTAssertEqual(back.metadata["format"], "pt")
        XCTAssertEqual(back.metadata["latent.model"], "vae")
        XCTAssertNotNil(back.metadata["latent.settings"])

        // The run's own config.json as settings, flags on top; and the model named by flag.
        try latent.succeed(["import", "back.safetensors", "--settings", "run/config.json", "--output", "again", "--quiet"])
        try latent.succeed(["import", "back.safetensors", "--model", "vae", "--data", "mnist", "--hidden", "16", "--latent", "4",
                            "--posterior-scale", "log-variance", "--output", "logvar", "--quiet"])
        let logvar = try SafeTensorsFile(contentsOf: latent.path("logvar/checkpoints/last.safetensors"))
        XCTAssertEqual(try logvar.tensor(named: "encoder.body.layers.3.bias").scalars.suffix(4),
                       try original.tensor(named: "fc_logvar.bias").scalars[...], "a log σ² head is copied as is")

        // Fine-tuning continues from the imported weights with a fresh optimizer: two Adam steps
        // (256 examples, batch 128) of learning rate 1e-3 move no weight by more than about 2e-3.
        let start = try SafeTensorsFile(contentsOf: latent.path("run/checkpoints/last.safetensors"))
        XCTAssertEqual(try start.tensor(named: "optimizer.step").scalars, [0])
        let resumed = try latent.succeed(["train", "--resume", "run", "--epochs", "1", "--json"])
        XCTAssertTrue(resumed.stdout.contains("\"event\":\"done\""), resumed.stdout)
        let tuned = try SafeTensorsFile(contentsOf: latent.path("run/checkpoints/last.safetensors"))
        XCTAssertEqual(try tuned.tensor(named: "optimizer.step").scalars, [2])
        XCTAssertEqual(tuned.metadata["trainer.epoch"], "1")
        for name in start.names where !name.hasPrefix("optimizer.") {
            let moved = zip(try tuned.tensor(named: name).scalars, try start.tensor(named: name).scalars).map { abs($0 - $1) }.max()!
            XCTAssertGreaterThan(moved, 0, name)
            XCTAssertLessThan(moved, 2.5e-3, "\(name) moved \(moved): training did not start from the imported weights")
        }

        // A module with other attribute names, through a YAML mapping file (null drops a tensor).
        var renamed: [String: Tensor] = ["step": Tensor([3])]
        var lines = ["step: null"]
        for name in original.names {
            renamed["net." + name] = try original.tensor(named: name)
            lines.append("net.\(name): \(name)")
        }
        try SafeTensors.write(renamed, to: latent.path("renamed.safetensors"))
        try lines.joined(separator: "\n").write(to: latent.path("mapping.yaml"), atomically: true, encoding: .utf8)
        try latent.succeed(["import", "renamed.safetensors", "--settings", "vae.yaml", "--mapping", "mapping.yaml", "--output", "mapped", "--quiet"])
        let unmapped = try latent.run(["import", "renamed.safetensors", "--settings", "vae.yaml", "--output", "unmapped"])
        XCTAssertEqual(unmapped.status, 1)
        XCTAssertTrue(unmapped.stderr.contains("unexpected tensor 'net.fc_mu.weight' (F32 [4, 16])") && unmapped.stderr.contains("missing tensor 'fc_mu.weight'"), unmapped.stderr)
        try "{\"step\": 3}".write(to: latent.path("bad.json"), atomically: true, encoding: .utf8)
        let bad = try latent.run(["import", "renamed.safetensors", "--settings", "vae.yaml", "--mapping", "bad.json", "--output", "bad"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("'step' maps to 3; expected a tensor name or null"), bad.stderr)

        // Errors: the wrong width names every tensor; the folder now holds a run; a bad layout.
        let wrong = try latent.run(["import", stateDict, "--model", "vae", "--data", "mnist", "--hidden", "32", "--latent", "4", "--output", "wide"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("tensor 'encoder.0.weight': shape [16, 784] in the file, expected [32, 784]"), wrong.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: latent.path("wide").path), "a failed import leaves no folder")
        XCTAssertEqual(try latent.run(["import", stateDict, "--settings", "vae.yaml", "--output", "run"]).status, 64)
        XCTAssertEqual(try latent.run(["export", "run", "--layout", "onnx", "--output", "x.safetensors"]).status, 64)
        let layout = try latent.succeed(["export", "run", "--show-layout"])
        XCTAssertTrue(layout.stdout.contains("fc_logvar.weight") && layout.stdout.contains("0.5 × PyTorch"), layout.stdout)
    }
}
