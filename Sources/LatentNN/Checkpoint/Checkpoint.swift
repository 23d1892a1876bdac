import Foundation
import LatentTensor
import CLatentKernels

/// Names used by model checkpoints (`Module.save(to:optimizer:metadata:)` and
/// `Module.load(from:optimizer:strict:allowNonFinite:)`).
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
    /// tensor (missing names, shapes, dtypes, non-finite values) and, with `strict`, every file
    /// tensor the model does not have; all problems are reported together in one `CheckpointError`.
    /// Only when the module side is clean is the optimizer asked to `loadState` (which itself
    /// changes nothing when it throws), and only after that are the values assigned. So on any
    /// error the module and the optimizer keep their previous values.
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
    ///   - allowNonFinite: when false (the default), a parameter, buffer or optimizer tensor holding
    ///     NaN or ±∞ is an error (kind `.nonFinite`) naming the tensor, how many such values it
    ///     holds and the first one's index: such weights come from a diverged run or a corrupt
    ///     file, and would otherwise surface much later as NaN losses or blank samples. Pass true
    ///     to inspect such a checkpoint anyway. (F64 values beyond Float32's range become ±∞ on
    ///     conversion and count as non-finite.)
    @discardableResult
    public func load(from url: URL, optimizer: Optimizer? = nil, strict: Bool = true,
                     allowNonFinite: Bool = false) throws -> [String: String] {
        let file = try SafeTensorsFile(contentsOf: url)
        let module = checkpointEntries()
        var problems = CheckpointProblems()
        for problem in reservedNameProblems(module) { problems.add(.mismatch, problem) }
        var values: [Tensor] = []
        for entry in module {
            guard let stored = file.entries[entry.name] else {
                problems.add(.mismatch, "missing tensor '\(entry.name)' (the model expects shape \(entry.value.shape))")
                continue
            }
            guard stored.shape == entry.value.shape else {
                problems.add(.mismatch, "tensor '\(entry.name)': shape \(stored.shape) in the file, the model expects \(entry.value.shape)")
                continue
            }
            do {
                let value = try file.tensor(named: entry.name)
                if !allowNonFinite, let problem = nonFiniteProblem(value, name: entry.name) { problems.add(.nonFinite, problem) }
                values.append(value)
            } catch let error as CheckpointError {
                for problem in error.problems { problems.add(error.kind, problem) }
            }
        }
        if strict {
            let known = Set(module.map(\.name))
            for name in file.names where !name.hasPrefix(Checkpoint.optimizerPrefix) && !known.contains(name) {
                let stored = file.entries[name]!
                problems.add(.mismatch, "unexpected tensor '\(CheckpointError.shortened(name))' (\(stored.dtype.rawValue) \(stored.shape)) is not in the model; load with strict: false to ignore it")
            }
        }
        var optimizerState: [String: Tensor] = [:]
        if optimizer != nil {
            let names = file.names.filter { $0.hasPrefix(Checkpoint.optimizerPrefix) }
            if names.isEmpty {
                problems.add(.mismatch, "no optimizer state: the file has no tensor named '\(Checkpoint.optimizerPrefix)…' (saved without an optimizer?)")
            }
            for name in names {
                do {
                    let value = try file.tensor(named: name)
                    if !allowNonFinite, let problem = nonFiniteProblem(value, name: name) { problems.add(.nonFinite, problem) }
                    optimizerState[String(name.dropFirst(Checkpoint.optimizerPrefix.count))] = value
                } catch let error as CheckpointError {
                    for problem in error.problems { problems.add(error.kind, problem) }
                }
            }
        }
        if let error = problems.error(path: file.path) { throw error }

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

    /// The problem of a tensor holding NaN or ±∞, or nil when every value is finite.
    private func nonFiniteProblem(_ value: Tensor, name: String) -> String? {
        var first = -1
        let count = value.withUnsafeBufferPointer { lk_count_nonfinite($0.baseAddress, $0.count, &first) }
        guard count > 0 else { return nil }
        let seen = value.withUnsafeBufferPointer { $0[first] }
        return "tensor '\(CheckpointError.shortened(name))' holds \(count) non-finite value\(count == 1 ? "" : "s") (NaN or ±inf) of \(value.count), "
            + "the first at flat index \(first) (\(seen)); load with allowNonFinite: true to accept them"
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

/// The problems found while checking a checkpoint against a module, and the kind of error they
/// make: the one kind they share, else `.mismatch`.
private struct CheckpointProblems {
    private var messages: [String] = []
    private var kinds = Set<CheckpointError.Kind>()
    private var kind: CheckpointError.Kind = .mismatch

    mutating func add(_ kind: CheckpointError.Kind, _ message: String) {
        messages.append(message)
        kinds.insert(kind)
        self.kind = kinds.count == 1 ? kind : .mismatch
    }

    /// The error to throw, or nil when nothing was found.
    func error(path: String) -> CheckpointError? {
        messages.isEmpty ? nil : CheckpointError(kind, path: path, problems: messages)
    }
}
