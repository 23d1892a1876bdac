import Foundation

/// Why a flow model could not sample or be restored.
public enum FlowModelError: Error, CustomStringConvertible, LocalizedError {
    /// `count` of `total` samples (drawn at `temperature`) had a NaN or ±∞ coordinate — the
    /// flow's forward map overflowed; lower the temperature or train longer/with a tighter
    /// log-scale bound.
    case nonFiniteSamples(count: Int, total: Int, temperature: Float)
    /// The fixed-point inverse of residual block `block` left `rows` of `total` samples unconverged
    /// after `iterations` iterations (last step `lastStep`): the block is not a contraction there.
    case inverseDidNotConverge(block: Int, rows: Int, total: Int, iterations: Int, lastStep: Float)
    /// The checkpoint at `path` has no flow configuration in its metadata (key `key`).
    case missingConfiguration(path: String, key: String)

    public var description: String {
        switch self {
        case let .nonFiniteSamples(count, total, temperature):
            return "FlowModel.sample: \(count) of \(total) samples at temperature \(temperature) are not finite (NaN or ±inf): the flow's forward map overflowed; try a lower temperature"
        case let .inverseDidNotConverge(block, rows, total, iterations, lastStep):
            return "FlowModel.sample: the fixed-point inverse of residual block \(block) did not converge for \(rows) of \(total) samples in \(iterations) iterations (last step \(lastStep)); the block's Lipschitz constant is near or above 1 there — raise inverseMaxIterations or train with a smaller lipschitzCoefficient"
        case let .missingConfiguration(path, key):
            return "FlowModel.load: checkpoint \(path) has no '\(key)' metadata entry; it was not saved by FlowModel.save(checkpointTo:)"
        }
    }

    public var errorDescription: String? { description }
}
