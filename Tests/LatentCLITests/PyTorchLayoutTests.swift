import Foundation
import XCTest
import Latent
import LatentCLI

/// `PyTorchLayout` against files PyTorch wrote (Fixtures/make_torch_vae.py): the imported models
/// compute what the PyTorch modules computed, the layouts name what PyTorch's `state_dict` names,
/// export → import gives back the same bits, and every kind of mismatch is refused by name.
final class PyTorchLayoutTests: XCTestCase {
    /// The MLP VAE 784-16-4 of the fixture, as Latent settings.
    static func vaeSettings(_ extra: [String: String] = [:]) throws -> RunSettings {
        try RunSettings.resolve(model: "vae", flags: ["data": "mnist", "hidden": "16", "latent": "4"].merging(extra) { $1 })
    }

    static func vae(_ extra: [String: String] = [:]) throws -> VAE {
        guard case let .vae(vae, _) = try RunModel.build(try vaeSettings(extra)) else { throw XCTSkip("not a VAE") }
        return vae
    }

    /// |a − b| ≤ 1e-5 · max(1, |b|) everywhere, shapes aside.
    func assertClose(_ a: Tensor, _ b: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 1e-5, "\(what): largest relative difference \(worst)", file: file, line: line)
    }

    func testImportedVAEComputesWhatPyTorchComputed() throws {
        let outputs = try SafeTensorsFile(contentsOf: try fixture("torch_vae_outputs.safetensors")).tensors()
        let x = outputs["x"]!.reshaped([3, 1, 28, 28]), z = outputs["z"]!
        // Latent's default log σ head (fc_logvar × 0.5) and the log σ² head (copied as is).
        for head in ["log-sigma", "log-variance"] {
            let vae = try Self.vae(["posterior-scale": head])
            let layout = PyTorchLayout.standard(for: vae)
            XCTAssertEqual(layout.name, "pytorch-mlp-vae")
            try layout.load(from: try SafeTensorsFile(contentsOf: try fixture("torch_vae.safetensors")), into: vae)
            withoutGrad {
                let q = vae.encoder(x)
                assertClose(q.loc, outputs["mu"]!, "μ (\(head))")
                assertClose(q.logScale, outputs["log_sigma"]!, "log σ (\(head))")
                let raw = vae.encoder.body(x).split(count: 2, axis: 1)[1] * (head == "log-sigma" ? 2 : 1)
                assertClose(raw, outputs["logvar"]!, "log σ² (\(head))")
                assertClose(vae.decoder.parameters(z), outputs["logits"]!, "decoder logits (\(head))")
            }
        }
    }

    func testImportedRealNVPComputesWhatPyTorchComputed() throws {
        let settings = try RunSettings.resolve(model: "realnvp", flags: ["data": "moons", "layers": "4", "hidden": "8,8"])
        guard case let .flow(flow) = try RunModel.build(settings) else { return XCTFail("not a flow") }
        let layout = PyTorchLayout.standard(for: flow)
        XCTAssertEqual(layout.name, "pytorch-realnvp")
        try layout.load(from: try SafeTensorsFile(contentsOf: try fixture("torch_realnvp.safetensors")), into: flow)
        let outputs = try SafeTensorsFile(contentsOf: try fixture("torch_realnvp_outputs.safetensors")).tensors()
        withoutGrad {
            assertClose(flow.logProb(outputs["x"]!), outputs["log_prob"]!, "log p(x)")
            assertClose(flow.flow.forward(outputs["z"]!, context: nil), outputs["sample"]!, "f(z)")
        }
    }

    /// The layouts' names and shapes are those of the reference modules' `state_dict()`.
    func testLayoutsNameWhatPyTorchStateDictsName() throws {
        let data = try Data(contentsOf: try fixture("torch_layouts.json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let layouts = try XCTUnwrap(root["layouts"] as? [[String: Any]])
        XCTAssertEqual(layouts.count, 6)
        for entry in layouts {
            var file = try XCTUnwrap(entry["settings"] as? [String: Any])
            let model = file.removeValue(forKey: "model") as? String
            let built = try RunModel.build(try RunSettings.resolve(model: model, file: file))
            let pairs = try XCTUnwrap(entry["state_dict"] as? [[Any]])
            let expected = Dictionary(uniqueKeysWithValues: pairs.map { ($0[0] as! String, ($0[1] as! [NSNumber]).map(\.intValue)) })
            let layout = PyTorchLayout.standard(for: built.module)
            let actual = Dictionary(uniqueKeysWithValues: layout.torchShapes.map { ($0.name, $0.shape) })
            XCTAssertEqual(actual, expected, "\(file) (\(layout.name))")
            XCTAssertNotEqual(layout.name, "latent")
        }
    }

    /// Export then import, for every family with a reference module, gives back every bit.
    func testExportThenImportIsBitIdentical() throws {
        let original = try SafeTensorsFile(contentsOf: try fixture("torch_vae.safetensors"))
        let vae = try Self.vae()
        try PyTorchLayout.standard(for: vae).load(from: original, into: vae)
        let exported = PyTorchLayout.standard(for: vae).torchTensors(of: vae)
        XCTAssertEqual(Set(exported.keys), Set(original.names))
        for (name, tensor) in try original.tensors() {
            XCTAssertEqual(exported[name]?.shape, tensor.shape, name)
            XCTAssertEqual(exported[name]?.scalars.map(\.bitPattern), tensor.scalars.map(\.bitPattern), "\(name): the fc_logvar × 0.5 × 2 round trip is exact")
        }
        let families: [(String, [String: String])] = [
            ("vae", ["data": "mnist", "architecture": "conv", "latent": "3", "hidden": "8"]),
            ("vae", ["data": "mnist", "architecture": "deep-mlp", "latent": "3", "hidden": "8,5", "likelihood": "gaussian-learned"]),
            ("cvae", ["data": "mnist", "latent": "3", "hidden": "8"]),
            ("realnvp", ["data": "moons", "layers": "3", "hidden": "6"]),
            ("vae", ["data": "mnist", "latent": "3", "hidden": "8", "prior": "mixture", "prior-components": "2"]),
        ]
        for (model, flags) in families {
            let source = try RunModel.build(try RunSettings.resolve(model: model, flags: flags)).module
            let target = try RunModel.build(try RunSettings.resolve(model: model, flags: flags.merging(["seed": "7"]) { $1 })).module
            // Random values everywhere (coupling heads start at zero) and random masks' partners.
            let generator = RandomGenerator(seed: 3)
            for (_, p) in source.namedParameters() { p.value = Tensor.randn(p.shape, generator: generator) }
            let layout = PyTorchLayout.standard(for: source)
            let bytes = try SafeTensors.encode(layout.torchTensors(of: source))
            try layout.load(from: try SafeTensorsFile(data: bytes, path: "exported"), into: target)
            for ((name, a), (_, b)) in zip(source.namedParameters(), target.namedParameters()) {
                XCTAssertEqual(a.value.scalars.map(\.bitPattern), b.value.scalars.map(\.bitPattern), "\(model) \(layout.name): \(name)")
            }
            // A file under Latent's own names (`latent export --layout latent`) loads as it is.
            let own = try SafeTensors.encode(PyTorchLayout.latentNames(of: target).torchTensors(of: target))
            let third = try RunModel.build(try RunSettings.resolve(model: model, flags: flags.merging(["seed": "8"]) { $1 })).module
            try layout.load(from: try SafeTensorsFile(data: own, path: "latent names"), into: third)
            for ((name, a), (_, b)) in zip(source.namedParameters(), third.namedParameters()) {
                XCTAssertEqual(a.value.scalars, b.value.scalars, "\(model) under Latent names: \(name)")
            }
        }
    }

    // MARK: - Mismatches

    /// The fixture's tensors, for editing.
    func fixtureTensors() throws -> [String: Tensor] {
        try SafeTensorsFile(contentsOf: try fixture("torch_vae.safetensors")).tensors()
    }

    /// The error of loading `tensors` (or raw `data`) into a fresh VAE, which must stay unchanged.
    func importError(_ tensors: [String: Tensor]? = nil, data: Data? = nil, mapping: [String: String?] = [:]) throws -> String {
        let vae = try Self.vae()
        let before = vae.namedParameters().map { $0.1.value.scalars }
        let file = try SafeTensorsFile(data: try data ?? SafeTensors.encode(tensors!), path: "sd.safetensors")
        do {
            try PyTorchLayout.standard(for: vae).load(from: file, mapping: mapping, into: vae)
            XCTFail("loaded without error")
            return ""
        } catch let error as PyTorchImportError {
            XCTAssertEqual(vae.namedParameters().map { $0.1.value.scalars }, before, "a failed import changed the model")
            XCTAssertTrue(error.description.hasPrefix("state dict sd.safetensors does not fit the pytorch-mlp-vae layout"), error.description)
            return error.description
        }
    }

    func testMissingExtraMisshapenAndNonFiniteTensorsAreNamed() throws {
        var tensors = try fixtureTensors()
        tensors["fc_logvar.bias"] = nil
        XCTAssertTrue(try importError(tensors).contains("missing tensor 'fc_logvar.bias' (expected shape [4]; rows 4..<8 of Latent's encoder.body.layers.3.bias)"))

        tensors = try fixtureTensors()
        tensors["extra.weight"] = Tensor.zeros([3])
        XCTAssertTrue(try importError(tensors).contains("unexpected tensor 'extra.weight' (F32 [3])"))

        tensors = try fixtureTensors()
        tensors["encoder.0.weight"] = Tensor.zeros([16, 783])
        XCTAssertTrue(try importError(tensors).contains("tensor 'encoder.0.weight': shape [16, 783] in the file, expected [16, 784] (Latent's encoder.body.layers.1.weight)"))

        tensors = try fixtureTensors()
        var bias = tensors["decoder.2.bias"]!.scalars
        bias[5] = .nan
        bias[9] = .infinity
        tensors["decoder.2.bias"] = Tensor(shape: [784], scalars: bias)
        XCTAssertTrue(try importError(tensors).contains("tensor 'decoder.2.bias' holds 2 non-finite values (NaN or ±inf) of 784, the first at flat index 5 (nan)"))

        // All problems at once.
        tensors = try fixtureTensors()
        tensors["fc_mu.weight"] = nil
        tensors["decoder.0.bias"] = Tensor.zeros([17])
        let both = try importError(tensors)
        XCTAssertTrue(both.contains("missing tensor 'fc_mu.weight'") && both.contains("tensor 'decoder.0.bias': shape [17]"), both)
    }

    func testIntegerDtypeIsRefused() throws {
        var tensors = try fixtureTensors()
        tensors["fc_mu.bias"] = nil
        let data = try SafeTensors.encode(tensors)
        // Append fc_mu.bias as I64 by rewriting the header: same tensors plus one 4 × 8-byte entry.
        let file = try SafeTensorsFile(data: data, path: "f32")
        var header: [String: Any] = [:]
        var blob = Data()
        for name in file.names {
            let values = try file.tensor(named: name).scalars
            header[name] = ["dtype": "F32", "shape": file.entries[name]!.shape, "data_offsets": [blob.count, blob.count + 4 * values.count]]
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { blob.append(contentsOf: $0) } }
        }
        header["fc_mu.bias"] = ["dtype": "I64", "shape": [4], "data_offsets": [blob.count, blob.count + 32]]
        for v in [Int64](repeating: 1, count: 4) { withUnsafeBytes(of: v.littleEndian) { blob.append(contentsOf: $0) } }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var bytes = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(json)
        bytes.append(blob)
        XCTAssertTrue(try importError(data: bytes).contains("tensor 'fc_mu.bias' has dtype I64, expected F32 (F16, BF16 and F64 are converted)"))
    }

    func testMappingRenamesIgnoresAndIsChecked() throws {
        let original = try fixtureTensors()
        var renamed: [String: Tensor] = [:]
        var mapping: [String: String?] = [:]
        for (name, tensor) in original {
            let other = "net." + name
            renamed[other] = tensor
            mapping[other] = .some(name)
        }
        // A Latent name stands for a whole Latent tensor; null drops a tensor PyTorch keeps (a step counter).
        renamed["net.decoder.2.weight"] = nil
        mapping["net.decoder.2.weight"] = nil
        renamed["dec.out.weight"] = original["decoder.2.weight"]
        mapping["dec.out.weight"] = .some("decoder.body.layers.2.weight")
        renamed["num_batches_tracked"] = Tensor([5])
        mapping["num_batches_tracked"] = .some(nil)
        let vae = try Self.vae()
        try PyTorchLayout.standard(for: vae).load(from: try SafeTensorsFile(data: try SafeTensors.encode(renamed), path: "m"), mapping: mapping, into: vae)
        let reference = try Self.vae()
        try PyTorchLayout.standard(for: reference).load(from: try SafeTensorsFile(contentsOf: try fixture("torch_vae.safetensors")), into: reference)
        for ((name, a), (_, b)) in zip(vae.namedParameters(), reference.namedParameters()) {
            XCTAssertEqual(a.value.scalars, b.value.scalars, name)
        }

        var problems = try importError(original, mapping: ["nope.weight": .some("fc_mu.weight")])
        XCTAssertTrue(problems.contains("the mapping renames 'nope.weight', which the file does not hold"), problems)
        problems = try importError(original, mapping: ["fc_logvar.weight": .some("fc_mu.weight")])
        XCTAssertTrue(problems.contains("'fc_logvar.weight' and 'fc_mu.weight' both stand for 'fc_mu.weight'"), problems)
        XCTAssertTrue(problems.contains("missing tensor 'fc_logvar.weight'"), problems)
        var twice = original
        twice["latent.head"] = Tensor.zeros([8, 16])
        problems = try importError(twice, mapping: ["latent.head": .some("encoder.body.layers.3.weight")])
        XCTAssertTrue(problems.contains("Latent's encoder.body.layers.3.weight is given twice"), problems)
    }

    func testRealNVPMaskMustMatchTheSettings() throws {
        let settings = try RunSettings.resolve(model: "realnvp", flags: ["data": "moons", "layers": "4", "hidden": "8,8"])
        guard case let .flow(flow) = try RunModel.build(settings) else { return XCTFail("not a flow") }
        var tensors = try SafeTensorsFile(contentsOf: try fixture("torch_realnvp.safetensors")).tensors()
        // Masks may be left out (the settings fix them) …
        for i in 0..<4 { tensors["couplings.\(i).mask"] = nil }
        try PyTorchLayout.standard(for: flow).load(from: try SafeTensorsFile(data: try SafeTensors.encode(tensors), path: "nomask"), into: flow)
        // … but a different one is refused.
        tensors["couplings.1.mask"] = Tensor([1, 0])
        XCTAssertThrowsError(try PyTorchLayout.standard(for: flow).load(from: try SafeTensorsFile(data: try SafeTensors.encode(tensors), path: "m"), into: flow)) {
            XCTAssertTrue("\($0)".contains("tensor 'couplings.1.mask' is [1.0, 0.0] but the settings build [0.0, 1.0]"), "\($0)")
        }
    }
}

/// A committed fixture of this test target (`Tests/LatentCLITests/Fixtures`).
func fixture(_ name: String) throws -> URL {
    let folder = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return folder.appendingPathComponent(name)
}
