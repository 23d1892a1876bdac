import XCTest
@testable import LatentBenchmarks

final class MachinePeakTests: XCTestCase {
    func testCurrentPeakIsMeasuredForTheGemmPath() {
        let peak = MachinePeak.current
        XCTAssertTrue(["avx512", "avx2", "portable"].contains(peak.isa), peak.isa)
        XCTAssertTrue(peak.gflopsPerThread.isFinite && peak.gflopsPerThread > 0.1, "\(peak.gflopsPerThread)")
        XCTAssertFalse(peak.cpu.isEmpty)
        XCTAssertEqual(peak.gflops(threads: 2), 2 * peak.gflopsPerThread)
        XCTAssertTrue(peak.summary.contains("isa \(peak.isa)"), peak.summary)
    }

    func testCPUModelFromProcCpuinfo() {
        let twoProcessors = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 25
            model\t\t: 17
            model name\t: AMD EPYC

            processor\t: 1
            model name\t: something else
            """
        XCTAssertEqual(MachineDescription.describe(cpuinfo: twoProcessors), "AMD EPYC (family 25, model 17)")
        XCTAssertEqual(MachineDescription.describe(cpuinfo: "model name\t: Neoverse\n"), "Neoverse")
        XCTAssertEqual(MachineDescription.describe(cpuinfo: ""), "unknown CPU")
    }
}
