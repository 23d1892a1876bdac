import XCTest
import CLatentKernels

/// The FMA-throughput probe: sane numbers, the vector path above the portable one, and 0 for what
/// cannot be measured. No timing thresholds beyond sanity (these run in debug builds on shared
/// machines); CI runs this file with LATENT_GEMM_ISA=avx2 and =portable as well.
final class PeakTests: XCTestCase {
    func testProbeOfEveryAvailablePathIsPositiveAndFinite() {
        for isa in ["portable", "avx2", "avx512"] {
            let flops = lk_fma_probe(isa, 1 << 12)
            XCTAssertTrue(flops.isFinite, isa)
            if isa == "portable" { XCTAssertGreaterThan(flops, 0.1e9, isa) }
            else { XCTAssertTrue(flops == 0 || flops > 0.1e9, "\(isa): \(flops)") }   // 0: the CPU lacks it
        }
    }

    func testTheGemmPathsPeakIsMeasuredAndBeatsThePortablePath() throws {
        let isa = String(cString: lk_gemm_isa())
        let peak = lk_peak_flops_per_thread()
        XCTAssertTrue(peak.isFinite && peak > 0.1e9, "\(peak)")
        XCTAssertEqual(lk_peak_flops_per_thread(), peak, "measured once and cached")
        guard isa != "portable" else { throw XCTSkip("the GEMM runs the portable path") }
        XCTAssertGreaterThan(lk_fma_probe(isa, 1 << 14), lk_fma_probe("portable", 1 << 12))
    }

    func testUnknownPathsAndEmptyRunsMeasureNothing() {
        XCTAssertEqual(lk_fma_probe("sse9", 1 << 10), 0)
        XCTAssertEqual(lk_fma_probe(nil, 1 << 10), 0)
        XCTAssertEqual(lk_fma_probe("portable", 0), 0)
    }
}
