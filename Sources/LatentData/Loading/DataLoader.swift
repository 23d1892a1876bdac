import Dispatch
import LatentTensor

/// Batches of a dataset, epoch after epoch: `for (x, y) in loader { … }` runs one epoch.
///
/// Each pass (`makeIterator()`) starts the next epoch. With `shuffle`, epoch e visits the
/// examples in a permutation drawn from a generator seeded by (`seed`, e), and any random
/// `transform` (dynamic binarization, dequantization) draws from a second generator seeded the
/// same way — so every epoch is reproducible, different from the others, and identical with or
/// without `prefetch`. Batches are copies (`indexSelect`), `x` of shape `[B, …]`, `y` `[B, …]`.
public final class DataLoader: Sequence {
    /// One batch: inputs and, when the data are labelled, labels.
    public typealias Element = (x: Tensor, y: Tensor?)

    /// All inputs, first axis = example.
    public let inputs: Tensor
    /// All labels (first axis = example), or nil.
    public let labels: Tensor?
    /// Examples per batch (the last batch may be smaller unless `dropLast`).
    public let batchSize: Int
    /// Whether each epoch visits the examples in a fresh random order.
    public let shuffle: Bool
    /// The seed from which every epoch's order and transform noise derive.
    public let seed: UInt64
    /// Whether an incomplete last batch is skipped (keeps every batch the same size).
    public let dropLast: Bool
    /// Applied to each batch's inputs with the epoch's generator.
    public let transform: BatchTransform?
    /// Whether the next batch is prepared on a background thread while the current one is used.
    public let prefetch: Bool
    /// For data-parallel training: the process's part of every batch (nil: whole batches).
    public let shard: DataShard?
    /// The number of epochs started so far; the next `for … in` runs epoch `epoch`.
    public private(set) var epoch = 0

    /// A loader over a dataset's inputs and labels.
    public convenience init(_ dataset: Dataset, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0,
                            dropLast: Bool = false, transform: BatchTransform? = nil, prefetch: Bool = false) {
        self.init(inputs: dataset.inputs, labels: dataset.labels, batchSize: batchSize, shuffle: shuffle,
                  seed: seed, dropLast: dropLast, transform: transform, prefetch: prefetch)
    }

    /// A loader over tensors whose first axes are examples (`labels`, if given, must match).
    public init(inputs: Tensor, labels: Tensor? = nil, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0,
                dropLast: Bool = false, transform: BatchTransform? = nil, prefetch: Bool = false, shard: DataShard? = nil) {
        require(inputs.rank >= 1, "DataLoader: inputs need an example axis, got shape \(inputs.shape)")
        require(batchSize > 0, "DataLoader: batchSize must be positive, got \(batchSize)")
        if let labels = labels {
            require(labels.rank >= 1 && labels.shape[0] == inputs.shape[0],
                    "DataLoader: \(inputs.shape[0]) inputs but labels of shape \(labels.shape)")
        }
        self.inputs = inputs
        self.labels = labels
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
        self.transform = transform
        self.prefetch = prefetch
        self.shard = shard
    }

    /// The same loader giving process `rank` of `count` its rows of every batch: `batchSize` is
    /// then the *global* batch, split as evenly as possible (`DataShard.rows`), and every process
    /// sees the same epochs, orders and batches.
    public func sharded(rank: Int, count: Int) -> DataLoader {
        DataLoader(inputs: inputs, labels: labels, batchSize: batchSize, shuffle: shuffle, seed: seed, dropLast: dropLast,
                   transform: transform, prefetch: prefetch, shard: DataShard(rank: rank, count: count))
    }

    /// The number of examples.
    public var count: Int { inputs.shape[0] }

    /// Batches in one epoch. Sharded, a last batch with fewer examples than processes is skipped
    /// (every process must hold at least one row of every batch).
    public var batchesPerEpoch: Int {
        let full = count / batchSize, rest = count % batchSize
        return dropLast || rest == 0 || rest < (shard?.count ?? 1) ? full : full + 1
    }

    /// The examples of batch `index` of any epoch (the global batch when sharded).
    public func batchRows(_ index: Int) -> Int { Swift.min(batchSize, count - index * batchSize) }

    /// This process's rows of batch `index` as a `RowShard` (nil when not sharded).
    public func rowShard(ofBatch index: Int) -> RowShard? {
        guard let shard = shard else { return nil }
        let total = batchRows(index), rows = shard.rows(of: total)
        return RowShard(first: rows.lowerBound, rows: rows.count, total: total)
    }

    /// Starts the next epoch.
    public func makeIterator() -> Iterator {
        defer { epoch += 1 }
        return iterator(forEpoch: epoch)
    }

    /// The batches of epoch `e` (0-based) without advancing `epoch`: the same batches a
    /// `for … in` pass over that epoch yields.
    public func iterator(forEpoch e: Int) -> Iterator { iterator(forEpoch: e, startingAt: 0) }

    /// The batches of epoch `e` from batch `first` on: exactly the tail of `iterator(forEpoch: e)`.
    /// With a transform, the skipped batches are still built (and dropped) so that its generator
    /// makes the same draws for the batches that follow. `first` must be in 0…`batchesPerEpoch`.
    public func iterator(forEpoch e: Int, startingAt first: Int) -> Iterator {
        require(first >= 0 && first <= batchesPerEpoch, "DataLoader: start batch \(first) is outside 0…\(batchesPerEpoch)")
        let order = shuffle ? RandomGenerator(seed: derivedSeed(epoch: e, stream: 1)).permutation(count) : Array(0..<count)
        let source = BatchSource(inputs: inputs, labels: labels, order: order, batchSize: batchSize, shard: shard,
                                 transform: transform, generator: RandomGenerator(seed: derivedSeed(epoch: e, stream: 2)))
        if transform != nil { for index in 0..<first { _ = source.batch(index) } }
        return Iterator(source: source, batches: batchesPerEpoch, first: first, prefetch: prefetch)
    }

    /// A seed for epoch `e`'s stream `stream`, well mixed by the generator's SplitMix64 seeding.
    private func derivedSeed(epoch e: Int, stream: UInt64) -> UInt64 {
        seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(e) &* 0xD1B5_4A32_D192_ED03 ^ stream &* 0xFF51_AFD7_ED55_8CCD
    }

    /// Yields one epoch's batches, optionally one batch ahead on a background queue.
    public struct Iterator: IteratorProtocol {
        private let source: BatchSource
        private let batches: Int
        private let queue: DispatchQueue?
        private var nextIndex: Int
        private var started = false
        private var pending: PendingBatch?

        init(source: BatchSource, batches: Int, first: Int, prefetch: Bool) {
            self.source = source
            self.batches = batches
            nextIndex = first
            queue = prefetch ? DispatchQueue(label: "latent.dataloader.prefetch") : nil
        }

        /// The next batch of the epoch, or nil after the last one.
        public mutating func next() -> Element? {
            guard let queue = queue else {
                guard nextIndex < batches else { return nil }
                defer { nextIndex += 1 }
                return source.batch(nextIndex)
            }
            if !started {
                started = true
                pending = schedule(nextIndex, on: queue)
            }
            guard let current = pending else { return nil }
            current.ready.wait()
            nextIndex += 1
            pending = nextIndex < batches ? schedule(nextIndex, on: queue) : nil
            return current.batch
        }

        /// Starts building batch `index` in the background. Batches are built strictly in order
        /// (one at a time), so the generator's draws are the same as without prefetch.
        private func schedule(_ index: Int, on queue: DispatchQueue) -> PendingBatch? {
            guard index < batches else { return nil }
            let slot = PendingBatch()
            let source = self.source
            queue.async {
                slot.batch = source.batch(index)
                slot.ready.signal()
            }
            return slot
        }
    }
}

/// Everything needed to build an epoch's batches, shared with the prefetch thread.
struct BatchSource: @unchecked Sendable {
    let inputs: Tensor
    let labels: Tensor?
    let order: [Int]
    let batchSize: Int
    let shard: DataShard?
    let transform: BatchTransform?
    let generator: RandomGenerator

    /// Batch `index`: the examples `order[index·B ..< (index+1)·B]` (this shard's part of them),
    /// transformed — a shard's transform draws are its part of the whole batch's draws.
    func batch(_ index: Int) -> DataLoader.Element {
        var rows = Array(order[(index * batchSize)..<min((index + 1) * batchSize, order.count)])
        if let shard = shard {
            let part = shard.rows(of: rows.count)
            generator.rowShard = RowShard(first: part.lowerBound, rows: part.count, total: rows.count)
            rows = Array(rows[part])
        }
        defer { generator.rowShard = nil }
        var x = inputs.indexSelect(axis: 0, indices: rows)
        if let transform = transform { x = transform.apply(x, generator) }
        return (x, labels?.indexSelect(axis: 0, indices: rows))
    }
}

/// A batch being built on the prefetch queue; `ready` is signalled once `batch` is set.
final class PendingBatch: @unchecked Sendable {
    var batch: DataLoader.Element?
    let ready = DispatchSemaphore(value: 0)
}

/// One process's share of data-parallel batches: process `rank` of `count`.
public struct DataShard: Equatable {
    /// This process's index, 0 ..< count.
    public let rank: Int
    /// The number of processes.
    public let count: Int

    public init(rank: Int, count: Int) {
        require(count >= 1 && rank >= 0 && rank < count, "DataShard: rank \(rank) is not in 0..<\(count)")
        (self.rank, self.count) = (rank, count)
    }

    /// This process's rows of a batch of `total` examples: `rank·total/count ..< (rank+1)·total/count`,
    /// so the parts differ in size by at most one and cover the batch in rank order.
    public func rows(of total: Int) -> Range<Int> { (rank * total / count)..<((rank + 1) * total / count) }
}
