import XCTest
import Foundation
import LatentTensor
import LatentNN

/// A layer with two parameters.
private final class TinyDense: Module {
    let weight: Parameter
    let bias: Parameter
    init(inputs: Int, outputs: Int, fill: Float) {
        weight = Parameter(Tensor(shape: [outputs, inputs], scalars: (0..<(inputs * outputs)).map { fill + Float($0) }))
        bias = Parameter(Tensor(shape: [outputs], scalars: [Float](repeating: -fill, count: outputs)))
    }
}

/// Parameters, a buffer, a child module and children in an array.
private final class TinyNet: Module {
    let dense: TinyDense
    let blocks: [TinyDense]
    let scale: Parameter
    let runningMean: Buffer
    init(fill: Float, hidden: Int = 3) {
        dense = TinyDense(inputs: 2, outputs: hidden, fill: fill)
        blocks = [TinyDense(inputs: hidden, outputs: hidden, fill: fill * 2), TinyDense(inputs: hidden, outputs: 1, fill: fill * 3)]
        scale = Parameter(Tensor(fill))
        runningMean = Buffer(Tensor([fill, fill / 2]))
    }
}

/// TinyNet with one more layer, so that a TinyNet checkpoint misses `extra.*`.
private final class Wider: Module {
    let dense: TinyDense
    let blocks: [TinyDense]
    let scale: Parameter
    let runningMean: Buffer
    let extra: TinyDense
    init(fill: Float) {
        let net = TinyNet(fill: fill)
        (dense, blocks, scale, runningMean) = (net.dense, net.blocks, net.scale, net.runningMean)
        extra = TinyDense(inputs: 1, outputs: 1, fill: fill)
    }
}

/// The names and values of a module's state, for before/after comparisons.
private func snapshot(_ module: Module) -> [String: [Float]] {
    var out: [String: [Float]] = [:]
    for (name, p) in module.namedParameters() { out[name] = p.value.scalars }
    for (name, b) in module.namedBuffers() { out[name] = b.value.scalars }
    return out
}

/// Thrown by `FakeOptimizer.loadState`.
private struct FakeStateError: Error, CustomStringConvertible {
    let description: String
}

/// An optimizer with one moment tensor per parameter name, checking names and shapes on load.
private final class FakeOptimizer: Optimizer {
    var learningRate: Float = 0.01
    var stepCount: Int
    var moments: [String: Tensor]
    init(_ module: Module, fill: Float, steps: Int) {
        stepCount = steps
        moments = Dictionary(uniqueKeysWithValues: module.namedParameters().map { name, p in
            (name + ".exp_avg", Tensor(shape: p.shape, scalars: [Float](repeating: fill, count: p.count)))
        })
    }
    func step() { stepCount += 1 }
    func zeroGrad() {}
    func stateTensors() -> [String: Tensor] { moments.merging(["step": Tensor([Float(stepCount)])]) { a, _ in a } }
    func loadState(_ state: [String: Tensor]) throws {
        let problems = moments.compactMap { key, value in state[key]?.shape == value.shape ? nil : "'\(key)' missing or wrongly shaped" }
            + (state["step"] == nil ? ["'step' missing"] : [])
        guard problems.isEmpty else { throw FakeStateError(description: problems.sorted().joined(separator: "; ")) }
        for key in moments.keys { moments[key] = state[key] }
        stepCount = Int(state["step"]!.item)
    }
}

final class CheckpointTests: XCTestCase {
    func testRoundTripRestoresModuleOptimizerAndMetadata() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("model.safetensors")
        let source = TinyNet(fill: 1.5)
        let sourceOptimizer = FakeOptimizer(source, fill: 0.25, steps: 42)
        try source.save(to: url, optimizer: sourceOptimizer, metadata: ["config": "{\"hidden\": 3}", "step": "42", "loss": "0.125"])

        let target = TinyNet(fill: -9)
        target.blocks[1].freeze()
        let targetOptimizer = FakeOptimizer(target, fill: 0, steps: 0)
        let metadata = try target.load(from: url, optimizer: targetOptimizer)

        XCTAssertEqual(metadata, ["config": "{\"hidden\": 3}", "step": "42", "loss": "0.125"])
        XCTAssertEqual(snapshot(target), snapshot(source))
        XCTAssertEqual(targetOptimizer.stepCount, 42)
        XCTAssertEqual(targetOptimizer.moments.mapValues(\.scalars), sourceOptimizer.moments.mapValues(\.scalars))
        XCTAssertTrue(target.dense.weight.value.requiresGrad && target.dense.weight.value.isLeaf, "loaded parameters stay trainable leaves")
        XCTAssertTrue(target.blocks[1].weight.isFrozen, "frozen parameters stay frozen")
        XCTAssertFalse(target.blocks[0].weight.isFrozen)
        XCTAssertFalse(target.runningMean.value.requiresGrad)
    }

    func testFileNamesAreDottedPathsAndOptimizerEntriesArePrefixed() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("names.safetensors")
        let net = TinyNet(fill: 1)
        try net.save(to: url, optimizer: FakeOptimizer(net, fill: 0, steps: 3))
        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(file.names, [
            "blocks.0.bias", "blocks.0.weight", "blocks.1.bias", "blocks.1.weight", "dense.bias", "dense.weight",
            "optimizer.blocks.0.bias.exp_avg", "optimizer.blocks.0.weight.exp_avg", "optimizer.blocks.1.bias.exp_avg",
            "optimizer.blocks.1.weight.exp_avg", "optimizer.dense.bias.exp_avg", "optimizer.dense.weight.exp_avg",
            "optimizer.scale.exp_avg", "optimizer.step", "runningMean", "scale",
        ])
        XCTAssertEqual(file.entries["blocks.1.weight"]?.shape, [1, 3])
        XCTAssertEqual(file.entries["scale"]?.shape, [])
        XCTAssertEqual(file.metadata, [:])
        XCTAssertEqual(try file.tensor(named: "optimizer.step").scalars, [3])
    }

    func testWrongShapesAreAllReportedAndChangeNothing() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("wide.safetensors")
        try TinyNet(fill: 2, hidden: 4).save(to: url)
        let target = TinyNet(fill: 5)
        let before = snapshot(target)
        let message = assertCheckpointError(.mismatch, containing: [
            url.path,
            "tensor 'dense.weight': shape [4, 2] in the file, the model expects [3, 2]",
            "tensor 'blocks.0.weight': shape [4, 4] in the file, the model expects [3, 3]",
            "tensor 'blocks.1.weight': shape [1, 4] in the file, the model expects [1, 3]",
        ]) { try target.load(from: url) }
        XCTAssertEqual(message.components(separatedBy: "\n  - ").count, 6, "five problems: \(message)")
        XCTAssertEqual(snapshot(target), before)
    }

    func testMissingTensorIsReportedAndChangesNothing() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("partial.safetensors")
        var tensors: [String: Tensor] = [:]
        for (name, p) in TinyNet(fill: 1).namedParameters() where name != "blocks.0.bias" { tensors[name] = p.value }
        try SafeTensors.write(tensors, to: url)
        let target = TinyNet(fill: 4)
        let before = snapshot(target)
        assertCheckpointError(.mismatch, containing: ["missing tensor 'blocks.0.bias' (the model expects shape [3])",
                                                      "missing tensor 'runningMean' (the model expects shape [2])"]) {
            try target.load(from: url, strict: false)
        }
        XCTAssertEqual(snapshot(target), before)
    }

    func testExtraTensorFailsStrictLoadsAndIsIgnoredOtherwise() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("extra.safetensors")
        let source = TinyNet(fill: 3)
        var tensors = Dictionary(uniqueKeysWithValues: source.namedParameters().map { ($0.0, $0.1.value) } + source.namedBuffers().map { ($0.0, $0.1.value) })
        tensors["decoder.weight"] = Tensor([[1, 2]])
        try SafeTensors.write(tensors, to: url)

        let target = TinyNet(fill: 0)
        let before = snapshot(target)
        assertCheckpointError(.mismatch, containing: ["unexpected tensor 'decoder.weight' (F32 [1, 2]) is not in the model", "strict: false"]) {
            try target.load(from: url)
        }
        XCTAssertEqual(snapshot(target), before)
        try target.load(from: url, strict: false)
        XCTAssertEqual(snapshot(target), snapshot(source))
    }

    func testCorruptFilesLeaveTheModelUnchanged() throws {
        let directory = try temporaryDirectory(self)
        let url = directory.appendingPathComponent("model.safetensors")
        try TinyNet(fill: 1).save(to: url)
        let full = try Data(contentsOf: url)
        let target = TinyNet(fill: 7)
        let before = snapshot(target)

        try full.prefix(full.count - 1).write(to: url)
        assertCheckpointError(.truncated, containing: [url.path, "only"]) { try target.load(from: url) }
        var corrupted = full
        corrupted[8] = UInt8(ascii: "x")  // the header's opening brace
        try corrupted.write(to: url)
        assertCheckpointError(.invalidHeader, containing: [url.path, "not valid UTF-8 JSON"]) { try target.load(from: url) }
        corrupted = full
        let headerLength = full.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        // A header length 9 bytes short (padding is at most 7): the JSON loses its closing brace.
        corrupted.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(headerLength - 9).littleEndian) { Array($0) })
        try corrupted.write(to: url)
        assertCheckpointError(.invalidHeader, containing: [url.path, "not valid UTF-8 JSON"]) { try target.load(from: url) }
        corrupted = full
        corrupted[10] = UInt8(ascii: "}")  // a name inside the header: still JSON, now a different tensor
        try corrupted.write(to: url)
        assertCheckpointError(.mismatch, containing: ["missing tensor 'blocks.0.bias'", "unexpected tensor '}locks.0.bias'"]) { try target.load(from: url) }
        XCTAssertEqual(snapshot(target), before)
    }

    func testOptimizerProblemsLeaveModelAndOptimizerUnchanged() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("opt.safetensors")
        let source = TinyNet(fill: 1)
        try source.save(to: url)
        let target = TinyNet(fill: 2)
        let optimizer = FakeOptimizer(target, fill: 0.5, steps: 9)
        let before = snapshot(target)
        assertCheckpointError(.mismatch, containing: ["no optimizer state", "'optimizer.…'"]) { try target.load(from: url, optimizer: optimizer) }

        // State saved for a different optimizer layout: the optimizer rejects it after the module checks pass.
        let other = FakeOptimizer(source, fill: 1, steps: 5)
        other.moments.removeValue(forKey: "scale.exp_avg")
        try source.save(to: url, optimizer: other)
        assertCheckpointError(.mismatch, containing: ["optimizer state: 'scale.exp_avg' missing or wrongly shaped"]) {
            try target.load(from: url, optimizer: optimizer)
        }
        XCTAssertEqual(snapshot(target), before)
        XCTAssertEqual(optimizer.stepCount, 9)
        XCTAssertTrue(optimizer.moments.values.allSatisfy { $0.scalars.allSatisfy { $0 == 0.5 } })

        try target.load(from: url)  // without an optimizer its entries are ignored, even when strict
        XCTAssertEqual(snapshot(target), snapshot(source))
    }

    /// NaN or ±∞ in a weight (a diverged run, a corrupt file) is refused by default, changing nothing.
    func testNonFiniteWeightsAreRefusedUnlessAllowed() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("nan.safetensors")
        let source = TinyNet(fill: 1)
        source.dense.weight.value = Tensor(shape: [3, 2], scalars: [0, 1, 2, 3, .nan, -.infinity])
        try source.save(to: url)
        let target = TinyNet(fill: 2)
        let before = snapshot(target)
        assertCheckpointError(.nonFinite, containing: [
            url.path, "tensor 'dense.weight' holds 2 non-finite values (NaN or ±inf) of 6, the first at flat index 4 (nan)",
            "allowNonFinite: true",
        ]) { try target.load(from: url) }
        XCTAssertEqual(snapshot(target), before)

        try target.load(from: url, allowNonFinite: true)
        XCTAssertEqual(Array(target.dense.weight.value.scalars.prefix(4)), [0, 1, 2, 3])
        XCTAssertTrue(target.dense.weight.value.scalars[4].isNaN)
        XCTAssertEqual(target.dense.weight.value.scalars[5], -.infinity)

        // With a problem of another kind too, the error is a mismatch listing both.
        assertCheckpointError(.mismatch, containing: ["'dense.weight' holds 2 non-finite", "missing tensor 'extra.weight'"]) {
            try Wider(fill: 0).load(from: url, strict: false)
        }
    }

    func testNonFiniteOptimizerStateIsRefusedUnlessAllowed() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("inf.safetensors")
        let source = TinyNet(fill: 1)
        let diverged = FakeOptimizer(source, fill: 1, steps: 5)
        diverged.moments["scale.exp_avg"] = Tensor(shape: [], scalars: [.infinity])
        try source.save(to: url, optimizer: diverged)
        let target = TinyNet(fill: 2)
        let optimizer = FakeOptimizer(target, fill: 0.5, steps: 9)
        let before = snapshot(target)
        assertCheckpointError(.nonFinite, containing: ["tensor 'optimizer.scale.exp_avg' holds 1 non-finite value (NaN or ±inf) of 1, the first at flat index 0 (inf)"]) {
            try target.load(from: url, optimizer: optimizer)
        }
        XCTAssertEqual(snapshot(target), before)
        XCTAssertEqual(optimizer.stepCount, 9)

        try target.load(from: url, optimizer: optimizer, allowNonFinite: true)
        XCTAssertEqual(optimizer.stepCount, 5)
        XCTAssertEqual(optimizer.moments["scale.exp_avg"]?.scalars, [.infinity])
    }

    func testFailedSaveKeepsThePreviousCheckpoint() throws {
        let directory = try temporaryDirectory(self)
        let url = directory.appendingPathComponent("model.safetensors")
        let saved = TinyNet(fill: 1)
        try saved.save(to: url, metadata: ["step": "1"])

        assertCheckpointError(.io, containing: ["no-such-dir", "cannot create a temporary file"]) {
            try TinyNet(fill: 2).save(to: directory.appendingPathComponent("no-such-dir/model.safetensors"))
        }
        // The rename fails after the data was written: the target is a non-empty directory.
        let blocker = directory.appendingPathComponent("blocker.safetensors")
        try FileManager.default.createDirectory(at: blocker.appendingPathComponent("inside"), withIntermediateDirectories: true)
        assertCheckpointError(.io, containing: ["blocker.safetensors", "cannot move the temporary file into place"]) {
            try TinyNet(fill: 2).save(to: blocker)
        }
        final class Clashing: Module { let optimizer = TinyDense(inputs: 1, outputs: 1, fill: 0) }
        assertCheckpointError(.invalidInput, containing: ["'optimizer.weight'", "reserve"]) { try Clashing().save(to: url) }

        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["blocker.safetensors", "model.safetensors"], "no temporary files left behind")
        let reloaded = TinyNet(fill: 5)
        XCTAssertEqual(try reloaded.load(from: url), ["step": "1"])
        XCTAssertEqual(snapshot(reloaded), snapshot(saved))

        try TinyNet(fill: 3).save(to: url)  // a successful save replaces the file
        XCTAssertEqual(try SafeTensorsFile(contentsOf: url).metadata, [:])
    }

    /// Weights written by the reference Python library load into a matching model by name.
    func testPythonFixtureLoadsIntoAModel() throws {
        final class Dense: Module {
            let weight = Parameter(Tensor.zeros([2, 3]))
            let bias = Parameter(Tensor.zeros([4]))
        }
        final class FromPython: Module {
            let dense = Dense()
            let scale = Parameter(Tensor(0))
            let embedding = Buffer(Tensor.zeros([2, 2]))
        }
        let url = try fixturesDirectory().appendingPathComponent("python_reference.safetensors")
        let model = FromPython()
        assertCheckpointError(.mismatch, containing: ["unexpected tensor 'counter' (I64 [])", "unexpected tensor 'step' (F32 [1])"]) {
            try model.load(from: url)
        }
        XCTAssertEqual(try model.load(from: url, strict: false)["model"], "tiny")
        XCTAssertEqual(model.dense.weight.value.scalars, [0.5, -1.25, 2.0, 3.5, -0.125, 1024.0])
        XCTAssertEqual(model.dense.bias.value.scalars, [1.5, -2.0, 65504.0, 0x1p-24])
        XCTAssertEqual(model.scale.value.scalars, [Float(3.141592653589793 as Double)])
        XCTAssertEqual(model.embedding.value.scalars, [1.0, -2.5, 0.15625, 384.0])

        final class WantsCounter: Module { let counter = Buffer(Tensor(0)) }
        assertCheckpointError(.unsupportedDType, containing: ["'counter' has dtype I64"]) {
            try WantsCounter().load(from: url, strict: false)
        }
    }
}
