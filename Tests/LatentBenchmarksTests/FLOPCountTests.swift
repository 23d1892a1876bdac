import XCTest
@testable import LatentBenchmarks

final class FLOPCountTests: XCTestCase {
    /// 2 × multiply-adds × batch: forward, weight gradient, and input gradient except on the data.
    func testCountsOfEveryWorkload() {
        // MLP VAE: 784·400 (no input gradient) + 400·40 + 20·400 + 400·784, batch 128.
        XCTAssertEqual(FLOPCount.perStep(.mlpVAE), 2 * 128 * Double(2 * 313_600 + 3 * (16_000 + 8_000 + 313_600)))
        XCTAssertEqual(FLOPCount.perStep(.conditionalVAE), 2 * 128 * Double(2 * 794 * 400 + 3 * (16_000 + 30 * 400 + 313_600)))
        // Conv VAE: conv1 14²·32·16 (no input gradient), conv2 7²·64·32·16, 3136·32, 16·3136, and the two adjoints.
        let conv1 = 196 * 32 * 16, conv2 = 49 * 64 * 32 * 16
        XCTAssertEqual(FLOPCount.perStep(.convolutionalVAE),
                       2 * 128 * Double(2 * conv1 + 3 * (conv2 + 3136 * 32 + 16 * 3136 + conv2 + conv1)))
        // RealNVP: 8 couplings × 2 networks; the first coupling's first layers need no input gradient.
        let net2D = 2 * 64 + 64 * 64 + 64 * 2
        XCTAssertEqual(FLOPCount.perStep(.realNVP2D), 2 * 512 * Double(3 * 16 * net2D - 2 * 2 * 64))
        // The 3×32×32 conv VAE: conv1 16²·32·3·16 (no input gradient), conv2 8²·64·32·16, 4096·32, 16·4096, adjoints.
        let conv1At32 = 256 * 32 * 3 * 16, conv2At32 = 64 * 64 * 32 * 16
        XCTAssertEqual(FLOPCount.perStep(.convolutionalVAE32),
                       2 * 128 * Double(2 * conv1At32 + 3 * (conv2At32 + 4096 * 32 + 16 * 4096 + conv2At32 + conv1At32)))
        let netMNIST = 784 * 512 + 512 * 512 + 512 * 784
        XCTAssertEqual(FLOPCount.perStep(.realNVPMNIST), 2 * 128 * Double(3 * 16 * netMNIST - 2 * 784 * 512))
    }

    /// Glow, by hand. Level 1: 4 channels on 14² positions; a step is the 1×1 convolution 4·4, the
    /// conditioner 3×3 4 → 32, 1×1 32 → 32, 3×3 32 → 8. The split prior: 3×3 2 → 4. Level 2:
    /// 8 channels on 7², conditioner 3×3 8 → 32, 1×1 32 → 32, 3×3 32 → 16. Every input gradient
    /// is computed (ActNorm first), batch 64.
    func testGlowCountsEveryConvolution() {
        let level1 = 196 * (4 * 4 + 4 * 32 * 9 + 32 * 32 + 32 * 8 * 9)
        let split = 196 * 2 * 4 * 9
        let level2 = 49 * (8 * 8 + 8 * 32 * 9 + 32 * 32 + 32 * 16 * 9)
        XCTAssertEqual(level1, 881_216)
        XCTAssertEqual(level2, 392_000)
        XCTAssertEqual(FLOPCount.perStep(.glow), 2 * 64 * 3 * Double(4 * level1 + split + 4 * level2))
        XCTAssertEqual(FLOPCount.layers(.glow).count, 4 * 4 + 1 + 4 * 4)
        XCTAssertTrue(FLOPCount.layers(.glow).allSatisfy(\.inputGradient))
    }

    func testWorkloadsCarryTheModelIssuesSettings() {
        XCTAssertEqual(BenchmarkWorkload.allCases.map(\.rawValue),
                       ["mlp-vae", "cvae", "conv-vae", "realnvp-2d", "realnvp-mnist", "conv-vae-32", "glow"])
        XCTAssertEqual(BenchmarkWorkload.allCases.map(\.batchSize), [128, 128, 128, 512, 128, 128, 64])
        XCTAssertEqual(BenchmarkWorkload.allCases.map { $0.qualityTarget?.value }, [105.8, 102.3, 107.1, 0.35, 2.05, nil, 1.582])
        XCTAssertTrue(BenchmarkWorkload.glow.usesMNIST)
        XCTAssertFalse(BenchmarkWorkload.convolutionalVAE32.usesMNIST)
        XCTAssertEqual(BenchmarkWorkload.realNVP2D.unit, "steps/s")
        XCTAssertEqual(BenchmarkWorkload.mlpVAE.unit, "img/s")
    }
}
