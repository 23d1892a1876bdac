import Foundation
import LatentTensor

/// Names used by model checkpoints (`Module.save(to:optimizer:metadata:)` and
/// `Module.load(from:optimizer:strict:)`).
///
/// A checkpoint is a safetensors file holding:
/// - every parameter and buffer under its dotted path (`encoder.layers.0.weight`), as F32 — the
///   same names PyTorch's `state_dict` uses for the same tree, so weights move both ways;
/// - the optimizer's `stateTensors()` under `optimizerPrefix` (`optimizer.step`,
///   `optimizer.encoder.layers.0.weight.exp_avg`);
/// - free-form string metadata (model config, step, metrics) in the header's `__metadata__`.
public enum Checkpoint {
    /// The prefix of optimizer entries. Module tensor names may not start with it (a property
    /// named `optimizer` holding a module would collide), which save and load both check.
    public static let optimizerPrefix = "optimizer."
}

extension Module {
    /// Saves this module's parameters and buffers, the optimizer's state and `metadata` to `url`
    /// in the safetensors format (see `Checkpoint`).
    ///
    /// The write is atomic (temporary file + rename): if it fails, a previous file at `url` is
    /// left as it was. Throws `CheckpointError`.
    public func save(to url: URL, optimizer: Optimizer? = nil, metadata: [String: String] = [:]) throws {
        let module = checkpointEntries()
        let reserved = reservedNameProblems(module)
        guard reserved.isEmpty else { throw CheckpointError(.invalidInput, path: url.path, problems: reserved) }
        var tensors: [String: Tensor] = [:]
        for entry in module { tensors[entry.name] = entry.value }
        for (key, value) in optimizer?.stateTensors() ?? [:] { tensors[Checkpoint.optimizerPrefix + key] = value }
        try SafeTensors.write(tensors, metadata: metadata, to: url)
    }

    /// Restores parameters, buffers and (if given) the optimizer's state from the safetensors file
    /// at `url`, and returns the file's metadata.
    ///
    /// Everything is checked before anything is assigned: the file's format, then every module
    /// tensor (missing names, shapes, dtypes) and, with `strict`, every file tensor the model does
    /// not have; all problems are reported together in one `CheckpointError`. Only when the module
    /// side is clean is the optimizer asked to `loadState` (which itself changes nothing when it
    /// throws), and only after that are the values assigned. So on any error the module and the
    /// optimizer keep their previous values.
    ///
    /// Dtypes F16, BF16 and F64 are converted to Float32. Parameters stay leaves that require
    /// gradients (frozen ones stay frozen); their gradients are cleared.
    ///
    /// - Parameters:
    ///   - optimizer: receives the entries under `Checkpoint.optimizerPrefix`; the file must have
    ///     some. When nil, optimizer entries in the file are ignored, even with `strict`.
    ///   - strict: when false, tensors in the file that the model lacks are ignored (e.g. loading
    ///     an encoder out of a full VAE, or PyTorch's integer `num_batches_tracked`). Missing
    ///     tensors and wrong shapes are errors either way.
    @discardableResult
    public func load(from url: URL, optimizer: Optimizer? = nil, strict: Bool = true) throws -> [String: String] {
        let file = try SafeTensorsFile(contentsOf: url)
        let module = checkpointEntries()
        var problems = reservedNameProblems(module)
        var onlyDTypeProblems = problems.isEmpty
        var values: [Tensor] = []
        for entry in module {
            guard let stored = file.entries[entry.name] else {
                problems.append("missing tensor '\(entry.name)' (the model expects shape \(entry.value.shape))")
                onlyDTypeProblems = false
                continue
            }
            guard stored.shape == entry.value.shape else {
                problems.append("tensor '\(entry.name)': shape \(stored.shape) in the file, the model expects \(entry.value.shape)")
                onlyDTypeProblems = false
                continue
            }
            do { values.append(try file.tensor(named: entry.name)) } catch let error as CheckpointError {
                problems.append(contentsOf: error.problems)
            }
        }
        if strict {
            let known = Set(module.map(\.name))
            for name in file.names where !name.hasPrefix(Checkpoint.optimizerPrefix) && !known.contains(name) {
                let stored = file.entries[name]!
                problems.append("unexpected tensor '\(name)' (\(stored.dtype.rawValue) \(stored.shape)) is not in the model; load with strict: false to ignore it")
                onlyDTypeProblems = false
            }
        }
        var optimizerState: [String: Tensor] = [:]
        if optimizer != nil {
            let names = file.names.filter { $0.hasPrefix(Checkpoint.optimizerPrefix) }
            if names.isEmpty {
                problems.append("no optimizer state: the file has no tensor named '\(Checkpoint.optimizerPrefix)…' (saved without an optimizer?)")
                onlyDTypeProblems = false
            }
            for name in names {
                do { optimizerState[String(name.dropFirst(Checkpoint.optimizerPrefix.count))] = try file.tensor(named: name) }
                catch let error as CheckpointError { problems.append(contentsOf: error.problems) }
            }
        }
        guard problems.isEmpty else {
            throw CheckpointError(onlyDTypeProblems ? .unsupportedDType : .mismatch, path: file.path, problems: problems)
        }

        if let optimizer {
            do { try optimizer.loadState(optimizerState) } catch let error as OptimizerStateError {
                throw CheckpointError(.mismatch, path: file.path, problems: error.problems.map { "optimizer state: " + $0 })
            } catch {
                throw CheckpointError(.mismatch, path: file.path, "optimizer state: \(error)")
            }
        }
        for (entry, value) in zip(module, values) { entry.assign(value) }
        return file.metadata
    }

    /// A tensor of the module's state: its name, current value and how to replace it.
    private struct CheckpointEntry {
        let name: String
        let value: Tensor
        let assign: (Tensor) -> Void
    }

    /// Parameters then buffers, by dotted path.
    private func checkpointEntries() -> [CheckpointEntry] {
        let parameters = namedParameters().map { name, parameter in
            CheckpointEntry(name: name, value: parameter.value) { loaded in
                parameter.value = parameter.isFrozen ? loaded.detached() : loaded.requiringGrad()
            }
        }
        let buffers = namedBuffers().map { name, buffer in
            CheckpointEntry(name: name, value: buffer.value) { buffer.value = $0.detached() }
        }
        return parameters + buffers
    }

    /// Module tensors whose names would be taken for optimizer state.
    private func reservedNameProblems(_ entries: [CheckpointEntry]) -> [String] {
        entries.filter { $0.name.hasPrefix(Checkpoint.optimizerPrefix) }.map {
            "module tensor '\($0.name)' starts with '\(Checkpoint.optimizerPrefix)', which checkpoints reserve for optimizer state; rename the property"
        }
    }
}
