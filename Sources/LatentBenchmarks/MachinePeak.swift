/// The arithmetic limit the benchmarks report against.
public enum MachinePeak {
    /// Float32 GFLOP/s of one core of the reference machine (AMD Zen 5 with full AVX-512): two
    /// 512-bit FMA pipes × 16 lanes × 2 FLOPs × ≈ 4.33 GHz ≈ 277. The packed SGEMM reaches
    /// 233–252 of it on one core. Another machine has another limit: the fraction of peak is only
    /// meaningful on the reference machine.
    public static let gflopsPerCore: Double = 277

    /// The limit for `threads` cores, GFLOP/s.
    public static func gflops(threads: Int) -> Double { gflopsPerCore * Double(threads) }
}
