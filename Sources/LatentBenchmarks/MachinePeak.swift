import Foundation
import CLatentKernels

/// The arithmetic limit the benchmarks report against, measured on the machine they run on.
///
/// The project's machines change CPU generation between sessions (Zen 2 AVX2, Zen 4 half-rate
/// AVX-512, Zen 5 full-rate AVX-512: ~72, ~105 and ~277 GFLOP/s per core), so the limit is not a
/// constant: `current` runs a short FMA-throughput probe in the C kernels (`lk_peak_flops_per_thread`:
/// 12 independent multiply-add chains of the GEMM's vector registers, the best of 25 runs of ~1 ms)
/// once per process, for the code path the GEMM actually dispatched (`LATENT_GEMM_ISA` included).
public struct MachinePeak: Codable, Equatable, Sendable {
    /// The CPU model (`MachineDescription.cpu`).
    public var cpu: String
    /// The GEMM's code path: `avx512`, `avx2` or `portable`.
    public var isa: String
    /// Float32 GFLOP/s of one thread on that path: 2 × lanes × multiply-adds per second.
    public var gflopsPerThread: Double

    /// A peak from known numbers (tests, or a record of another machine).
    public init(cpu: String, isa: String, gflopsPerThread: Double) {
        self.cpu = cpu
        self.isa = isa
        self.gflopsPerThread = gflopsPerThread
    }

    /// This machine, measured at first use (~30 ms) and cached for the process.
    public static let current = MachinePeak(cpu: MachineDescription.cpu, isa: String(cString: lk_gemm_isa()),
                                            gflopsPerThread: lk_peak_flops_per_thread() * 1e-9)

    /// The limit for `threads` threads, GFLOP/s (threads × the one-thread peak).
    public func gflops(threads: Int) -> Double { gflopsPerThread * Double(threads) }

    /// One line for people: `cpu AMD EPYC (family 25, model 17), isa avx512, peak 118.2 GFLOP/s per thread (measured)`.
    public var summary: String {
        "cpu \(cpu), isa \(isa), peak " + String(format: "%.1f", gflopsPerThread) + " GFLOP/s per thread (measured)"
    }
}
