import CLatentKernels

/// Matrix products: 2-d, batched with broadcast batch axes, and vector cases (NumPy `matmul` rules).
extension Tensor {
    /// The matrix product. `[m, k]·[k, n] → [m, n]`; `[..., m, k]·[..., k, n] → [..., m, n]` with the
    /// batch axes broadcast; a 1-d operand is a row (left) or column (right) vector whose axis is
    /// dropped from the result. Gradients: dA = dC·Bᵀ, dB = Aᵀ·dC, computed with transposed
    /// kernels (no transposed copies).
    public func matmul(_ other: Tensor) -> Tensor {
        require(rank >= 1 && other.rank >= 1, "matmul: operands must have rank ≥ 1, got \(shape) and \(other.shape)")
        if rank == 1 || other.rank == 1 {
            let a = rank == 1 ? reshaped([1, count]) : self
            let b = other.rank == 1 ? other.reshaped([other.count, 1]) : other
            var r = a.matmul(b)
            if other.rank == 1 { r = r.squeezed(axis: -1) }
            if rank == 1 { r = r.squeezed(axis: other.rank == 1 ? -1 : -2) }
            return r
        }
        let (m, k) = (shape[rank - 2], shape[rank - 1])
        let (k2, n) = (other.shape[other.rank - 2], other.shape[other.rank - 1])
        require(k == k2, "matmul: inner sizes differ: \(shape) · \(other.shape) (\(k) vs \(k2)); expected [..., m, k] · [..., k, n]")
        if rank == 2 && other.rank == 2 { return Tensor.matmul2D(self, other) }
        let batch = Shape.broadcast(Array(shape.dropLast(2)), Array(other.shape.dropLast(2)), op: "matmul (batch axes)")
        let b = Shape.count(batch)
        let a3 = expanded(to: batch + [m, k]).reshaped([b, m, k])
        let b3 = other.expanded(to: batch + [k, n]).reshaped([b, k, n])
        return Tensor.batchedMatmul(a3, b3).reshaped(batch + [m, n])
    }

    static func matmul2D(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        let out = Tensor(uninitializedShape: [m, n])
        Gemm.multiply(transA: false, transB: false, m: m, n: n, k: k, a: a.storage.pointer, b: b.storage.pointer, c: out.storage.pointer)
        guard recording(a, b) else { return out }
        let (x, y, na, nb) = (a.detached(), b.detached(), a.node != nil, b.node != nil)
        return out.recorded("matmul", [a, b]) { g in
            var ga: Tensor? = nil, gb: Tensor? = nil
            if na {
                let t = Tensor(uninitializedShape: [m, k])
                Gemm.multiply(transA: false, transB: true, m: m, n: k, k: n, a: g.storage.pointer, b: y.storage.pointer, c: t.storage.pointer)
                ga = t
            }
            if nb {
                let t = Tensor(uninitializedShape: [k, n])
                Gemm.multiply(transA: true, transB: false, m: k, n: n, k: m, a: x.storage.pointer, b: g.storage.pointer, c: t.storage.pointer)
                gb = t
            }
            return [ga, gb]
        }
    }

    /// [b, m, k]·[b, k, n] with equal batch sizes.
    static func batchedMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
        let out = Tensor(uninitializedShape: [batch, m, n])
        batchedGemm(batch: batch, transA: false, transB: false, m: m, n: n, k: k,
                    a: a.storage.pointer, aStride: m * k, b: b.storage.pointer, bStride: k * n, c: out.storage.pointer)
        guard recording(a, b) else { return out }
        let (x, y, na, nb) = (a.detached(), b.detached(), a.node != nil, b.node != nil)
        return out.recorded("batchedMatmul", [a, b]) { g in
            var ga: Tensor? = nil, gb: Tensor? = nil
            if na {
                let t = Tensor(uninitializedShape: [batch, m, k])
                batchedGemm(batch: batch, transA: false, transB: true, m: m, n: k, k: n,
                            a: g.storage.pointer, aStride: m * n, b: y.storage.pointer, bStride: k * n, c: t.storage.pointer)
                ga = t
            }
            if nb {
                let t = Tensor(uninitializedShape: [batch, k, n])
                batchedGemm(batch: batch, transA: true, transB: false, m: k, n: n, k: m,
                            a: x.storage.pointer, aStride: m * k, b: g.storage.pointer, bStride: m * n, c: t.storage.pointer)
                gb = t
            }
            return [ga, gb]
        }
    }

    /// One product per batch entry; batches go to threads when there are enough of them,
    /// otherwise each product is split over threads.
    static func batchedGemm(batch: Int, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, aStride: Int, b: UnsafePointer<Float>, bStride: Int,
                            c: UnsafeMutablePointer<Float>) {
        let threads = Swift.min(Threads.count, batch)
        if threads > 1 && m * n * k * batch >= Gemm.parallelThreshold {
            let per = (batch + threads - 1) / threads
            Threads.parallelFor(threads) { t in
                for i in (t * per)..<Swift.min(batch, (t + 1) * per) {
                    lk_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, 1, a + i * aStride, transA ? m : k,
                             b + i * bStride, transB ? k : n, 0, c + i * m * n, n)
                }
            }
        } else {
            for i in 0..<batch {
                Gemm.multiply(transA: transA, transB: transB, m: m, n: n, k: k,
                              a: a + i * aStride, b: b + i * bStride, c: c + i * m * n)
            }
        }
    }
}
