import CLatentKernels

/// Tensors filled with constants, ranges and random draws.
extension Tensor {
    /// All zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    /// All ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// Every element equal to `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        lk_fill(t.storage.pointer, t.count, value)
        t.node = nil
        return t
    }

    /// Zeros with the shape of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }
    /// Ones with the shape of `other`.
    public static func ones(like other: Tensor) -> Tensor { ones(other.shape) }

    /// `start, start + step, …` up to but excluding `end` (1-d).
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        require(step != 0, "Tensor.arange: step must be non-zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step })
    }

    /// `count` evenly spaced values from `start` to `end` inclusive (1-d).
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        require(count >= 1, "Tensor.linspace: count must be at least 1, got \(count)")
        if count == 1 { return Tensor([start]) }
        let step = (end - start) / Float(count - 1)
        return Tensor((0..<count).map { $0 == count - 1 ? end : start + Float($0) * step })
    }

    /// The n×n identity matrix.
    public static func eye(_ n: Int) -> Tensor {
        let t = zeros([n, n])
        for i in 0..<n { t.storage.pointer[i * n + i] = 1 }
        return t
    }

    /// Independent draws from U[low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               generator: RandomGenerator = .global) -> Tensor {
        require(low <= high, "Tensor.uniform: low (\(low)) must not exceed high (\(high))")
        let t = Tensor(uninitializedShape: shape)
        let p = t.storage.pointer
        let width = high - low
        let around = generator.rowShard?.surroundings(of: t.count)
        for _ in 0..<(around?.before ?? 0) { _ = generator.nextUniform() }
        for i in 0..<t.count { p[i] = low + width * generator.nextUniform() }
        for _ in 0..<(around?.after ?? 0) { _ = generator.nextUniform() }
        if Profiler.isActive { Profiler.mark("random.uniform") }
        return t
    }

    /// Independent draws from N(mean, std²).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              generator: RandomGenerator = .global) -> Tensor {
        require(std >= 0, "Tensor.normal: std must be non-negative, got \(std)")
        var t = Tensor(uninitializedShape: shape)
        if let around = generator.rowShard?.surroundings(of: t.count) {
            // Box–Muller pairs straddle the shard's edges: draw the whole batch's values, keep ours.
            let all = UnsafeMutableBufferPointer<Float>.allocate(capacity: around.before + t.count + around.after)
            defer { all.deallocate() }
            generator.fillNormal(all)
            t.storage.pointer.update(from: all.baseAddress! + around.before, count: t.count)
        } else {
            t.withUnsafeMutableBufferPointer { generator.fillNormal($0) }
        }
        if mean != 0 || std != 1 { lk_unary(LK_AFFINE, t.storage.pointer, t.storage.pointer, t.count, std, mean) }
        if Profiler.isActive { Profiler.mark("random.normal") }
        return t
    }

    /// Standard normal draws (N(0, 1)).
    public static func randn(_ shape: [Int], generator: RandomGenerator = .global) -> Tensor {
        normal(shape, generator: generator)
    }

    /// Bernoulli draws: 1 with probability `probabilities[i]`, else 0. Probabilities must lie in [0, 1].
    public static func bernoulli(_ probabilities: Tensor, generator: RandomGenerator = .global) -> Tensor {
        let t = Tensor(uninitializedShape: probabilities.shape)
        let p = probabilities.storage.pointer, out = t.storage.pointer
        let around = generator.rowShard?.surroundings(of: t.count)
        defer { for _ in 0..<(around?.after ?? 0) { _ = generator.nextUniform() } }
        for _ in 0..<(around?.before ?? 0) { _ = generator.nextUniform() }
        for i in 0..<t.count {
            let pi = p[i]
            require(pi >= 0 && pi <= 1, "Tensor.bernoulli: probability \(pi) at flat index \(i) is outside [0, 1]")
            out[i] = generator.nextUniform() < pi ? 1 : 0
        }
        return t
    }

    /// Bernoulli draws with one probability `p` for every element.
    public static func bernoulli(_ shape: [Int], p: Float, generator: RandomGenerator = .global) -> Tensor {
        require(p >= 0 && p <= 1, "Tensor.bernoulli: probability \(p) is outside [0, 1]")
        let t = Tensor(uninitializedShape: shape)
        let out = t.storage.pointer
        let around = generator.rowShard?.surroundings(of: t.count)
        for _ in 0..<(around?.before ?? 0) { _ = generator.nextUniform() }
        for i in 0..<t.count { out[i] = generator.nextUniform() < p ? 1 : 0 }
        for _ in 0..<(around?.after ?? 0) { _ = generator.nextUniform() }
        return t
    }
}
