import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The data-parallel side of `Trainer`: what every rank agrees on each step, and how.
extension Trainer {
    /// The communicator when training on more than one rank, else nil.
    var ranks: (any Communicator)? { communicator.flatMap { $0.size > 1 ? $0 : nil } }

    /// Whether this process writes the run's files (rank 0, or the only process).
    public var isWriter: Bool { (communicator?.rank ?? 0) == 0 }

    /// Seconds per step that the gradient sums did not overlap backward, and floats sent per
    /// step (nil on one process) — for benchmarks.
    public var reductionStatistics: (waitSecondsPerStep: Double, floatsPerStep: Int)? {
        guard let reducer = reducer, reducer.steps > 0 else { return nil }
        return (reducer.waitSeconds / Double(reducer.steps), reducer.floatsPerStep)
    }

    func shardedForRanks(_ loader: DataLoader, _ group: any Communicator) -> DataLoader {
        loader.shard == nil ? loader.sharded(rank: group.rank, count: group.size) : loader
    }

    /// Checks that every rank stands at the same place of the run, then gives every rank rank 0's
    /// parameters and buffers (bit for bit), and builds the gradient reducer.
    func synchronizeRanks(_ group: any Communicator) throws {
        let own = [Double(epoch), Double(step), Double(epochPosition.batches), Double(model.parameterCount)]
        var high = own, low = own.map { -$0 }
        try group.max(&high, what: "the start of training")
        try group.max(&low, what: "the start of training")
        guard high == own, low == own.map({ -$0 }) else {
            throw DistributedError.inconsistent(rank: group.rank, what: "epoch, step, batch or parameter count at the start differ (this rank: epoch \(epoch), step \(step), batch \(epochPosition.batches), \(model.parameterCount) parameters) — every rank must build the same model and resume the same checkpoint")
        }
        let tensors = model.namedParameters().map { $0.1.value } + model.namedBuffers().map { $0.1.value }
        var bytes = [UInt8](repeating: 0, count: tensors.reduce(0) { $0 + $1.count } * 4)
        var offset = 0
        bytes.withUnsafeMutableBytes { raw in
            for t in tensors {
                t.withUnsafeBufferPointer { raw.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: t.count * 4) }
                offset += t.count * 4
            }
        }
        try group.broadcast(&bytes, from: 0, what: "rank 0's initial parameters")
        if group.rank != 0 {
            func values(_ count: Int, _ shape: [Int]) -> Tensor {
                defer { offset += count * 4 }
                return bytes.withUnsafeBytes { raw in
                    let start = raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Float.self)
                    return Tensor(shape: shape, scalars: Array(UnsafeBufferPointer(start: start, count: count)))
                }
            }
            offset = 0
            for (_, p) in model.namedParameters() {
                let loaded = values(p.count, p.shape)
                p.value = p.isFrozen ? loaded : loaded.requiringGrad()
            }
            for (_, b) in model.namedBuffers() { b.value = values(b.value.count, b.value.shape) }
        }
        if reducer == nil { reducer = GradientReducer(parameters: model.trainableParameters(), communicator: group) }
    }

    /// The global batch's loss and parts from every rank's own (each a mean over its rows), the
    /// global batch's size, and whether any rank was asked to stop (`shouldStop`).
    func combineStep(loss: Double, parts: [String: Double], rows: Int,
                     _ group: any Communicator) throws -> (Double, [String: Double], Int, Bool) {
        let keys = parts.keys.sorted()
        var values = [Double(rows), shouldStop?() == true ? 1 : 0, loss * Double(rows)] + keys.map { parts[$0]! * Double(rows) }
        if verifiedLossParts != keys {
            // Once per run (and whenever the parts change): the sums below need equal lengths.
            var count = [Double(keys.count), -Double(keys.count)]
            try group.max(&count, what: "step \(step + 1)'s loss parts")
            guard count[0] == Double(keys.count), -count[1] == Double(keys.count) else {
                throw DistributedError.inconsistent(rank: group.rank, what: "the loss has \(keys.count) parts here (\(keys.joined(separator: ", "))) but not on another rank")
            }
            verifiedLossParts = keys
        }
        try group.sum(&values, what: "step \(step + 1)'s loss")
        let total = values[0]
        var combined: [String: Double] = [:]
        for (i, k) in keys.enumerated() { combined[k] = values[3 + i] / total }
        return (values[2] / total, combined, Int(total), values[1] > 0)
    }

    /// Whether any rank answers true (the local answer alone on one process).
    func stopAgreed(_ local: Bool) throws -> Bool {
        guard let group = ranks else { return local }
        var flag = [local ? 1.0 : 0]
        try group.max(&flag, what: "the end of epoch \(epoch)")
        return flag[0] > 0
    }

    /// A barrier: returns when every rank has reached it (at once on one process).
    func waitForRanks(_ what: String) throws {
        guard let group = ranks else { return }
        var nothing = [0.0]
        try group.sum(&nothing, what: what)
    }

    /// `evaluate` over every rank's rows of the test batches, summed over the ranks.
    func evaluateOverRanks(_ loader: DataLoader) throws -> [String: Double] {
        guard let group = ranks else { return evaluate(loader) }
        let (sums, seen) = evaluationSums(loader)
        let keys = sums.keys.sorted()
        var values = [Double(seen)] + keys.map { sums[$0]! }
        try group.sum(&values, what: "the evaluation after epoch \(epoch + 1)")
        var metrics: [String: Double] = [:]
        for (i, k) in keys.enumerated() { metrics[k] = values[1 + i] / max(values[0], 1) }
        return metrics
    }
}
