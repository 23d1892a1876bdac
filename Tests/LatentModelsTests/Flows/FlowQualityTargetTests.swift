import XCTest
import Foundation
import LatentTensor
import LatentData
import LatentModels

/// The quality targets, run only when `LATENT_FLOW_EXPERIMENTS` is set (they take minutes
/// in release mode; MNIST needs the data, e.g. `LATENT_DATA=../shared/data`):
/// `LATENT_FLOW_EXPERIMENTS=moons,splines,mnist swift test -c release -Xswiftc -enable-testing --filter FlowQualityTargetTests`.
final class FlowQualityTargetTests: XCTestCase {
    private func enabled(_ name: String) throws {
        let list = ProcessInfo.processInfo.environment["LATENT_FLOW_EXPERIMENTS"] ?? ""
        try XCTSkipUnless(list.split(separator: ",").contains { $0 == name }, "set LATENT_FLOW_EXPERIMENTS=\(name) to run")
    }

    /// RealNVP on two moons (noise 0.05): test NLL ≤ 0.35 nats after 5,000 steps.
    func testTwoMoonsRealNVP() throws {
        try enabled("moons")
        let result = FlowExperiments.twoMoonsRealNVP()
        print(result)
        XCTAssertLessThanOrEqual(result.testNLL, 0.35)
    }

    /// A spline flow beats RealNVP of the same size on checkerboard and pinwheel.
    func testSplineFlowBeatsRealNVP() throws {
        try enabled("splines")
        for density in [Checkerboard(), Pinwheel()] as [any Toy2DDensity] {
            let (spline, affine) = FlowExperiments.splineVersusRealNVP(density: density)
            print(spline)
            print(affine)
            XCTAssertLessThan(spline.testNLL, affine.testNLL, density.name)
        }
    }

    /// RealNVP on MNIST, one epoch: ≤ 2.05 test bits/dim.
    func testMNISTRealNVP() throws {
        try enabled("mnist")
        let result = try FlowExperiments.mnistRealNVP { step, bpd in print("step \(step): \(bpd) bits/dim") }
        print(result)
        XCTAssertLessThanOrEqual(try XCTUnwrap(result.testBitsPerDim), 2.05)
    }
}
