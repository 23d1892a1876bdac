import Foundation

/// Why the training loop stopped.
public enum TrainingError: Error, CustomStringConvertible, LocalizedError {
    /// The loss (or one of its parts, or a test metric) became NaN or ±∞ — or beyond
    /// `TrainerConfiguration.divergenceLimit` — at `epoch` (1-based), global optimizer step `step`
    /// (0-based), with the parts seen then.
    case nonFiniteLoss(epoch: Int, step: Int, loss: Double, parts: [String: Double])
    /// A checkpoint or metrics file lacks a field or holds an unreadable value.
    case unreadableFile(path: String, problem: String)
    /// `Trainer.shouldStop` asked the loop to stop; a resumable checkpoint was saved (when the
    /// configuration has a checkpoint folder) after `batch` batches of epoch `epoch` (1-based;
    /// batch 0: at the end of the previous epoch) and `step` optimizer steps.
    case interrupted(epoch: Int, batch: Int, step: Int)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, step, loss, parts):
            let listed = parts.keys.sorted().map { "\($0)=\(parts[$0]!)" }.joined(separator: ", ")
            let what = loss.isFinite ? "diverging loss" : "non-finite loss"
            return "Trainer: \(what) \(loss) at epoch \(epoch), step \(step)"
                + (listed.isEmpty ? "" : " (parts: \(listed))")
                + "; lower the learning rate, clip gradients or clamp log-scales"
        case let .unreadableFile(path, problem):
            return "Trainer: cannot read \(path): \(problem)"
        case let .interrupted(epoch, batch, step):
            return "Trainer: interrupted at epoch \(epoch), batch \(batch), step \(step)"
        }
    }

    public var errorDescription: String? { description }
}
