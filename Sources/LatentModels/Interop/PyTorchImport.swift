import LatentTensor
import LatentNN

/// Why a PyTorch state dict does not fit a model: every problem names the tensor (as the file
/// calls it), the shape, dtype or value found and what the layout expects.
///
///     state dict sd.safetensors does not fit the pytorch-mlp-vae layout of this model:
///       - missing tensor 'fc_logvar.bias' (expected shape [4]; rows 4..<8 of Latent's encoder.body.layers.3.bias)
///       - tensor 'encoder.0.weight': shape [16, 783] in the file, expected [16, 784]
public struct PyTorchImportError: Error, CustomStringConvertible {
    /// The state dict file.
    public let path: String
    /// The layout it was read with.
    public let layout: String
    /// One line per problem, all of them.
    public let problems: [String]

    /// An error about the state dict at `path`, read with the layout called `layout`.
    public init(path: String, layout: String, problems: [String]) {
        (self.path, self.layout, self.problems) = (path, layout, problems)
    }

    /// The file and layout, then every problem (the first `CheckpointError.listedProblems` of them).
    public var description: String {
        let head = "state dict \(path) does not fit the \(layout) layout of this model"
        if problems.count == 1 { return head + ": " + problems[0] }
        var lines = problems.prefix(CheckpointError.listedProblems).map { "  - " + $0 }
        if problems.count > CheckpointError.listedProblems { lines.append("  … and \(problems.count - CheckpointError.listedProblems) more problems") }
        return head + ":\n" + lines.joined(separator: "\n")
    }
}

extension PyTorchLayout {
    /// The Latent tensors, by Latent name, that the state dict `file` holds in this layout.
    ///
    /// `mapping` renames the file's tensors first (file name → layout name or Latent name; nil
    /// ignores the tensor), for modules whose attributes are named otherwise. A mapped Latent name
    /// supplies that whole Latent tensor in Latent's own shape. Everything is checked and every
    /// problem reported at once (`PyTorchImportError`): a missing or unexpected tensor, a shape
    /// other than the layout's, a dtype other than F32/F16/BF16/F64 (the last three are
    /// converted, F64 rounded to nearest), NaN or ±∞ values, an architecture buffer that differs from
    /// the model's (`Rule.optional`), a mapping entry naming no tensor of the file or two tensors
    /// mapped to one name. Optional buffers absent from the file keep `model`'s values.
    public func tensors(from file: SafeTensorsFile, mapping: [String: String?] = [:], model: Module) throws -> [String: Tensor] {
        var problems: [String] = []
        // Names come from the file: quote at most 80 characters of each.
        func short(_ name: String) -> String { name.count > 80 ? name.prefix(80) + "…" : name }
        for source in mapping.keys.sorted() where file.entries[source] == nil {
            problems.append("the mapping renames '\(short(source))', which the file does not hold (it holds \(file.entries.count) tensors)")
        }
        var sources: [String: String] = [:]  // layout or Latent name → file name
        for name in file.names {
            let target: String?
            if let mapped = mapping[name] { target = mapped } else { target = name }
            guard let target else { continue }
            if let other = sources[target] {
                problems.append("'\(short(other))' and '\(short(name))' both stand for '\(short(target))'; map one of them elsewhere or to null")
                continue
            }
            sources[target] = name
        }
        func quoted(_ target: String) -> String {
            let name = sources[target] ?? target
            return name == target ? "'\(short(name))'" : "'\(short(name))' (mapped to '\(short(target))')"
        }
        func read(_ target: String, shape: [Int], what: String) -> [Float]? {
            let entry = file.entries[sources[target]!]!
            guard entry.shape == shape else {
                problems.append("tensor \(quoted(target)): shape \(entry.shape) in the file, expected \(shape) (\(what))")
                return nil
            }
            guard entry.dtype.isConvertibleToFloat32 else {
                problems.append("tensor \(quoted(target)) has dtype \(entry.dtype.rawValue), expected F32 (F16, BF16 and F64 are converted): \(what)")
                return nil
            }
            guard let scalars = try? file.tensor(named: entry.name).scalars else {
                problems.append("tensor \(quoted(target)) cannot be decoded")
                return nil
            }
            if let first = scalars.firstIndex(where: { !$0.isFinite }) {
                let count = scalars.lazy.filter { !$0.isFinite }.count
                problems.append("tensor \(quoted(target)) holds \(count) non-finite value\(count == 1 ? "" : "s") (NaN or ±inf) of \(scalars.count), the first at flat index \(first) (\(scalars[first]))")
                return nil
            }
            return scalars
        }

        let current = PyTorchLayout.entries(of: model)
        var used = Set<String>()
        var values: [String: Tensor] = [:]
        for rule in rules {
            let renames = rule.parts.count != 1 || rule.parts[0].name != rule.latentName
            let given = rule.parts.filter { sources[$0.name] != nil }
            if renames, sources[rule.latentName] != nil {
                used.insert(rule.latentName)
                if !given.isEmpty {
                    problems.append("Latent's \(rule.latentName) is given twice: as \(quoted(rule.latentName)) and as \(given.map { quoted($0.name) }.joined(separator: ", "))")
                    used.formUnion(given.map(\.name))
                } else if let scalars = read(rule.latentName, shape: rule.latentShape, what: "Latent's own shape") {
                    values[rule.latentName] = Tensor(shape: rule.latentShape, scalars: scalars)
                }
                continue
            }
            if given.isEmpty && rule.optional { continue }
            var scalars: [Float] = [], complete = true, start = 0
            let rowSize = max(1, rule.latentShape.dropFirst().reduce(1, *))
            for part in rule.parts {
                let what = rule.parts.count == 1
                    ? (renames ? "Latent's \(rule.latentName)" : "a tensor of the model outside the reference module, under its Latent name")
                    : "rows \(start / rowSize)..<\((start + part.count) / rowSize) of Latent's \(rule.latentName)"
                start += part.count
                guard sources[part.name] != nil else {
                    problems.append("missing tensor '\(part.name)' (expected shape \(part.shape); \(what))")
                    complete = false
                    continue
                }
                used.insert(part.name)
                guard let values = read(part.name, shape: part.shape, what: what) else { complete = false; continue }
                scalars += part.scale == 1 ? values : values.map { $0 * part.scale }
            }
            guard complete else { continue }
            let value = Tensor(shape: rule.latentShape, scalars: scalars)
            if rule.optional, let own = current[rule.latentName], own.scalars != scalars {
                problems.append("tensor \(quoted(rule.parts[0].name)) is \(scalars.prefix(16)) but the settings build \(own.scalars.prefix(16)) (\(rule.latentName)); check the settings or leave it out of the file")
                continue
            }
            values[rule.latentName] = value
        }
        for target in sources.keys.sorted() where !used.contains(target) {
            let entry = file.entries[sources[target]!]!
            problems.append("unexpected tensor \(quoted(target)) (\(entry.dtype.rawValue) \(entry.shape)) is not in the \(name) layout of this model; "
                            + "rename it with a mapping file (to a layout name or a Latent name, or to null to ignore it)")
        }
        guard problems.isEmpty else { throw PyTorchImportError(path: file.path, layout: name, problems: problems) }
        return values
    }

    /// Reads the state dict `file` as `tensors(from:mapping:model:)` does and, only when it fits,
    /// assigns the values to `model`'s parameters (which stay leaves that require gradients, or
    /// frozen) and buffers. On error the model is unchanged.
    public func load(from file: SafeTensorsFile, mapping: [String: String?] = [:], into model: Module) throws {
        let values = try tensors(from: file, mapping: mapping, model: model)
        for (name, parameter) in model.namedParameters() {
            guard let value = values[name] else { continue }
            parameter.value = parameter.isFrozen ? value.detached() : value.requiringGrad()
        }
        for (name, buffer) in model.namedBuffers() {
            if let value = values[name] { buffer.value = value.detached() }
        }
    }
}
