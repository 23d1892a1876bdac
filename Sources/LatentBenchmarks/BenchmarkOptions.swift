import LatentData

/// How `Benchmarks.run` and `Benchmarks.profile` measure a workload.
public struct BenchmarkOptions {
    /// Threads for the kernels (`Threads.count` while the benchmark runs).
    public var threads: Int
    /// Length of the throughput window in seconds, after warm-up; split into `repeats` parts whose
    /// median throughput is reported.
    public var seconds: Double
    /// Also run the model issue's full quality experiment and report the number it reached.
    public var quality: Bool
    /// Where MNIST is found.
    public var source: DataSource
    /// Seed of initialization, batches and sampling.
    public var seed: UInt64
    /// Number of timed parts of the window (the median is reported).
    public var repeats: Int
    /// Seconds of untimed training before the window (caches, allocator and thread pool warm up).
    public var warmupSeconds: Double

    /// Options; the defaults measure 10 s on 2 threads without the quality run.
    public init(threads: Int = 2, seconds: Double = 10, quality: Bool = false, source: DataSource = DataSource(),
                seed: UInt64 = 0, repeats: Int = 5, warmupSeconds: Double = 1) {
        self.threads = threads
        self.seconds = seconds
        self.quality = quality
        self.source = source
        self.seed = seed
        self.repeats = repeats
        self.warmupSeconds = warmupSeconds
    }
}
