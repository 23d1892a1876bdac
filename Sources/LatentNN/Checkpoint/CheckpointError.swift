import Foundation

/// Why a checkpoint could not be read, written or loaded into a model.
///
/// The message names the file, then every problem found, each naming the tensor or header field,
/// what was seen and what was expected:
///
///     checkpoint /runs/vae.safetensors does not match the model:
///       - tensor 'encoder.weight': shape [784, 400] in the file, the model expects [784, 256]
///       - missing tensor 'decoder.bias' (shape [784])
///
/// Loading checks everything before changing anything, so when this is thrown the model and the
/// optimizer hold the values they had before the call.
public struct CheckpointError: Error, CustomStringConvertible, LocalizedError {
    /// The class of failure, for code that reacts differently to, say, a truncated download and
    /// a model that changed shape.
    public enum Kind: String, Sendable {
        /// The file could not be opened, read, created, written or renamed.
        case io = "cannot be read or written"
        /// The file ends before the header or the tensor data it announces.
        case truncated = "is truncated"
        /// The header is not a safetensors header: bad length, bad JSON, missing or mistyped fields.
        case invalidHeader = "has an invalid safetensors header"
        /// The tensors' byte ranges disagree with their shapes or with each other (gaps, overlaps).
        case invalidLayout = "has an invalid tensor layout"
        /// A tensor is stored in a dtype Latent does not convert to Float32 (e.g. I64).
        case unsupportedDType = "holds a tensor of an unsupported dtype"
        /// Tensor names or shapes do not match the model or the optimizer (also the kind of a
        /// load that found problems of several kinds).
        case mismatch = "does not match the model"
        /// A tensor to load holds NaN or ±∞ (a diverged run or a corrupt file); see
        /// `Module.load(from:optimizer:strict:allowNonFinite:)`.
        case nonFinite = "holds non-finite values"
        /// The tensors or metadata handed to a writer cannot be stored (e.g. a reserved name).
        case invalidInput = "cannot be written from these tensors"
    }

    /// The class of failure.
    public let kind: Kind
    /// The file the error is about.
    public let path: String
    /// One entry per problem found; loading reports all of them at once. `description` lists the
    /// first `CheckpointError.listedProblems` of them.
    public let problems: [String]

    /// How many problems `description` lists before summing up the rest as "… and N more": a
    /// hostile or badly broken file can have hundreds of thousands, and a message that long helps no one.
    public static let listedProblems = 20

    /// The longest tensor name or metadata key quoted whole in a message, in characters.
    public static let quotedNameLength = 80

    /// An error about the file at `path`.
    public init(_ kind: Kind, path: String, problems: [String]) {
        self.kind = kind
        self.path = path
        self.problems = problems
    }

    /// An error with a single problem.
    init(_ kind: Kind, path: String, _ problem: String) {
        self.init(kind, path: path, problems: [problem])
    }

    public var description: String {
        let head = "checkpoint \(path) \(kind.rawValue)"
        if problems.count == 1 { return head + ": " + problems[0] }
        var lines = problems.prefix(CheckpointError.listedProblems).map { "  - " + $0 }
        if problems.count > CheckpointError.listedProblems {
            lines.append("  … and \(problems.count - CheckpointError.listedProblems) more problems")
        }
        return head + ":\n" + lines.joined(separator: "\n")
    }

    /// `name` for a message: whole when at most `quotedNameLength` characters, else its first
    /// `quotedNameLength` characters and "…" (a name can be as long as the header).
    static func shortened(_ name: String) -> String {
        let head = name.prefix(quotedNameLength)
        return head.endIndex == name.endIndex ? name : head + "…"
    }

    public var errorDescription: String? { description }
}
