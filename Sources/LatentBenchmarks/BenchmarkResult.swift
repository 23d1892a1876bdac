import Foundation

/// One measured workload: throughput, arithmetic rate, and (with `quality`) the number reached.
/// `jsonLine()` is the line `latent bench` prints; the peers' scripts (`bench/peer_common.py`) print the same fields.
public struct BenchmarkResult: Codable, Equatable, Sendable {
    /// Which workload (`mlp-vae`, `cvae`, `conv-vae`, `realnvp-2d`, `realnvp-mnist`, `conv-vae-32`, `glow`).
    public var workload: String
    /// `Latent` here; `PyTorch <version>`, `torch.compile <version>` or `JAX <version> jit` in the peers' lines.
    public var framework: String
    /// `img/s` or `steps/s`.
    public var unit: String
    /// The median over `repeats` timed parts of the window, in `unit`.
    public var throughput: Double
    /// Training steps per second (the same number as `throughput` for `steps/s`).
    public var stepsPerSecond: Double
    /// Kernel threads.
    public var threads: Int
    /// Examples per step.
    public var batchSize: Int
    /// Trainable scalars of the model (the peers print theirs, to show the models are the same size).
    public var parameters: Int?
    /// Timed parts of the window.
    public var repeats: Int
    /// Steps in the whole timed window.
    public var steps: Int
    /// 2 × multiply-adds of the step's matrix products and convolutions, forward and backward.
    public var flopsPerStep: Double
    /// flops_per_step × steps_per_second, in GFLOP/s.
    public var gflops: Double
    /// gflops ÷ (`peak_gflops_per_thread` × threads).
    public var fractionOfPeak: Double
    /// The CPU model (`MachinePeak.cpu`, e.g. `AMD EPYC (family 25, model 17)`).
    public var cpu: String
    /// The GEMM's code path the peak was measured for: `avx512`, `avx2` or `portable`.
    public var isa: String
    /// The measured float32 limit of one thread on that path, GFLOP/s (`MachinePeak.gflopsPerThread`).
    public var peakGflopsPerThread: Double
    /// The quality run's numbers (e.g. `test_negative_elbo`), when it ran.
    public var quality: [String: Double]?
    /// The name of the metric the target applies to.
    public var qualityMetric: String?
    /// The model issue's bound on that metric (lower is better).
    public var qualityTarget: Double?
    /// Whether the quality run reached the target.
    public var qualityMet: Bool?
    /// Seconds the quality run took (training and evaluation).
    public var qualitySeconds: Double?
    /// ISO 8601 time of the measurement.
    public var date: String
    /// CPU model and core count.
    public var machine: String

    /// The JSON field names: snake_case, as every other output of the command (`steps_per_second`,
    /// `fraction_of_peak`, …); the peers' scripts print the same names.
    enum CodingKeys: String, CodingKey {
        case workload, framework, unit, throughput, threads, parameters, repeats, steps, gflops, cpu, isa, quality, date, machine
        case stepsPerSecond = "steps_per_second", batchSize = "batch_size", flopsPerStep = "flops_per_step"
        case fractionOfPeak = "fraction_of_peak", peakGflopsPerThread = "peak_gflops_per_thread"
        case qualityMetric = "quality_metric", qualityTarget = "quality_target", qualityMet = "quality_met"
        case qualitySeconds = "quality_seconds"
    }

    /// A result from its measured parts (the derived rates are computed here).
    public init(workload: BenchmarkWorkload, framework: String = "Latent", stepsPerSecond: Double, threads: Int,
                repeats: Int, steps: Int, parameters: Int? = nil, date: Date = Date(), machine: String = MachineDescription.current,
                peak: MachinePeak = .current) {
        self.workload = workload.rawValue
        self.framework = framework
        self.unit = workload.unit
        self.batchSize = workload.batchSize
        self.parameters = parameters
        self.stepsPerSecond = stepsPerSecond
        self.throughput = workload.unit == "img/s" ? stepsPerSecond * Double(workload.batchSize) : stepsPerSecond
        self.threads = threads
        self.repeats = repeats
        self.steps = steps
        self.flopsPerStep = FLOPCount.perStep(workload)
        self.gflops = flopsPerStep * stepsPerSecond * 1e-9
        self.cpu = peak.cpu
        self.isa = peak.isa
        self.peakGflopsPerThread = peak.gflopsPerThread
        self.fractionOfPeak = gflops / peak.gflops(threads: threads)
        let target = workload.qualityTarget
        self.qualityMetric = target?.metric
        self.qualityTarget = target?.value
        self.date = ISO8601DateFormatter().string(from: date)
        self.machine = machine
    }

    /// Records the quality run's metrics and whether the target metric reached its bound.
    public mutating func setQuality(_ metrics: [String: Double], seconds: Double) {
        quality = metrics
        qualitySeconds = seconds
        if let name = qualityMetric, let bound = qualityTarget, let value = metrics[name] {
            qualityMet = value <= bound
        }
    }

    /// The result as one line of JSON, keys sorted, rates rounded to readable precision.
    public func jsonLine() -> String {
        var r = self
        r.throughput = Self.round(throughput, 1)
        r.stepsPerSecond = Self.round(stepsPerSecond, 2)
        r.gflops = Self.round(gflops, 2)
        r.fractionOfPeak = Self.round(fractionOfPeak, 4)
        r.peakGflopsPerThread = Self.round(peakGflopsPerThread, 1)
        r.qualitySeconds = qualitySeconds.map { Self.round($0, 1) }
        r.quality = quality?.mapValues { Self.round($0, 4) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(r)) ?? Data(), as: UTF8.self)
    }

    private static func round(_ x: Double, _ digits: Int) -> Double {
        let scale = Foundation.pow(10, Double(digits))
        return (x * scale).rounded() / scale
    }
}
