import Foundation
import LatentTensor
import LatentNN

/// Averages the gradients of a data-parallel step over the ranks, the way PyTorch DDP does:
/// parameters grouped in buckets of at least `bucketBytes` (1 MB: buckets of 1–2 MB sit in the
/// fast range of Open MPI's shared-memory allreduce measured in docs/DISTRIBUTED.md; 4 MB and
/// more ran 4–10× slower per byte), in reverse order (the last layers'
/// gradients are complete first during backward), each bucket's sum started as soon as all of
/// its gradients are in — while backward still runs on the earlier layers — and waited for at
/// the end.
///
/// Rank r's gradient is that of its own examples' mean loss; it enters the sum multiplied by
/// rowsᵣ / total, so the sum is the gradient of the global batch's mean loss, exactly as one
/// process would compute it (up to float rounding). A parameter that no rank gave a gradient
/// keeps none (optimizers skip it), as on one process. Buckets always start in bucket order, so
/// every rank issues the same operations in the same order.
final class GradientReducer {
    /// One bucket: parameters (indices), where each one's values start in `buffer`, and one
    /// presence count per parameter after the values.
    private struct Bucket {
        var members: [Int]
        var offsets: [Int]
        var values: Int
        var buffer: UnsafeMutableBufferPointer<Float>
        var ready = 0
        var request: Int?
    }

    private let parameters: [Parameter]
    private let communicator: any Communicator
    private var buckets: [Bucket] = []
    /// (bucket, member slot) of every parameter.
    private var place: [(bucket: Int, slot: Int)] = []
    private var index: [ObjectIdentifier: Int] = [:]
    private var packed: [Bool] = []
    private var nextToStart = 0
    private var weight: Float = 1
    private var failure: Error?

    /// Float values sent per step (gradients and presence counts).
    let floatsPerStep: Int
    /// Seconds spent in the final wait of `finish`, summed over steps (the part of the reduction
    /// that did not overlap backward).
    private(set) var waitSeconds = 0.0
    /// Steps reduced.
    private(set) var steps = 0

    init(parameters: [Parameter], communicator: any Communicator, bucketBytes: Int = 1 << 20) {
        self.parameters = parameters
        self.communicator = communicator
        var current: [Int] = [], size = 0
        var groups: [[Int]] = []
        for i in parameters.indices.reversed() {
            current.append(i)
            size += parameters[i].count * 4
            if size >= bucketBytes { groups.append(current); (current, size) = ([], 0) }
        }
        if !current.isEmpty { groups.append(current) }
        place = Array(repeating: (0, 0), count: parameters.count)
        var floats = 0
        for (b, members) in groups.enumerated() {
            var offsets: [Int] = [], values = 0
            for (slot, i) in members.enumerated() {
                place[i] = (b, slot)
                offsets.append(values)
                values += parameters[i].count
            }
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: values + members.count)
            buckets.append(Bucket(members: members, offsets: offsets, values: values, buffer: buffer))
            floats += values + members.count
        }
        floatsPerStep = floats
    }

    deinit { for b in buckets { b.buffer.deallocate() } }

    /// Prepares a step whose local gradients are weighted by `weight` (rowsᵣ / total).
    func begin(weight: Float) {
        self.weight = weight
        index = [:]
        for (i, p) in parameters.enumerated() { if let id = p.value.gradientIdentity { index[id] = i } }
        packed = Array(repeating: false, count: parameters.count)
        for b in buckets.indices { buckets[b].ready = 0; buckets[b].request = nil }
        nextToStart = 0
        failure = nil
    }

    /// Backward's report that the gradient of the leaf `id` is complete: copies it into its
    /// bucket and starts every bucket, in order, whose gradients are all in.
    func leafReady(_ id: ObjectIdentifier) {
        guard failure == nil, let i = index[id], !packed[i] else { return }
        pack(i)
        do {
            try startReadyBuckets()
            try communicator.progress()
        } catch { failure = error }
    }

    /// Packs what backward did not report (parameters without gradients count as absent), starts
    /// the remaining buckets, waits for all, and stores the averaged gradients.
    func finish() throws {
        if let failure = failure { throw failure }
        for i in parameters.indices where !packed[i] { pack(i) }
        try startReadyBuckets()
        let start = Date()
        for b in buckets.indices {
            try communicator.wait(buckets[b].request!, what: "the gradient sum (bucket \(b + 1) of \(buckets.count))")
        }
        waitSeconds += Date().timeIntervalSince(start)
        steps += 1
        for bucket in buckets {
            for (slot, i) in bucket.members.enumerated() {
                let p = parameters[i]
                guard bucket.buffer[bucket.values + slot] > 0 else { p.zeroGrad(); continue }
                let start = bucket.buffer.baseAddress! + bucket.offsets[slot]
                p.value.grad = Tensor(shape: p.shape, copying: UnsafeBufferPointer(start: start, count: p.count))
            }
        }
    }

    private func pack(_ i: Int) {
        let (b, slot) = place[i]
        let p = parameters[i]
        let destination = buckets[b].buffer.baseAddress! + buckets[b].offsets[slot]
        if let g = p.grad {
            g.copy(to: destination, scale: weight)
            buckets[b].buffer[buckets[b].values + slot] = 1
        } else {
            destination.update(repeating: 0, count: p.count)
            buckets[b].buffer[buckets[b].values + slot] = 0
        }
        packed[i] = true
        buckets[b].ready += 1
    }

    private func startReadyBuckets() throws {
        while nextToStart < buckets.count, buckets[nextToStart].ready == buckets[nextToStart].members.count {
            buckets[nextToStart].request = try communicator.startSum(buckets[nextToStart].buffer)
            nextToStart += 1
        }
    }
}
