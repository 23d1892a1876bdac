import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentData
import LatentModels

final class KLControlTests: XCTestCase {
    func testFreeBitsValueAndGradient() {
        // Batch-mean KLs per dimension: 0.1 (below the 0.5 floor), 1.5 and 3.0.
        let kl = Tensor([[0.0, 1.0, 2.0], [0.2, 2.0, 4.0]])
        XCTAssertEqual(KLPenalty.freeBits(perDimension: kl, floor: 0.5).item, 0.5 + 1.5 + 3.0, accuracy: 1e-6)
        let check = gradcheck([kl], epsilon: 1e-3) { KLPenalty.freeBits(perDimension: $0[0], floor: 0.5) }
        XCTAssertTrue(check.passed, check.description)
        let leaf = kl.requiringGrad()
        KLPenalty.freeBits(perDimension: leaf, floor: 0.5).backward()
        XCTAssertEqual(leaf.grad!.scalars, [0, 0.5, 0.5, 0, 0.5, 0.5], "no gradient below the floor, 1/B above it")
    }

    func testCapacityValueAndGradient() {
        let kl = Tensor([3.0, 5.0, 10.0])
        XCTAssertEqual(KLPenalty.capacity(kl, capacity: 4, gamma: 10).item, 10 * 2, accuracy: 1e-5)
        let check = gradcheck([kl], epsilon: 1e-3) { KLPenalty.capacity($0[0], capacity: 4, gamma: 10) }
        XCTAssertTrue(check.passed, check.description)
        let schedule = CapacityAnnealing(maximum: 25, steps: 100, gamma: 1000)
        XCTAssertEqual(schedule.capacity(atStep: 0), 0)
        XCTAssertEqual(schedule.capacity(atStep: 40), 10, accuracy: 1e-5)
        XCTAssertEqual(schedule.capacity(atStep: 500), 25)
    }

    func testWarmupFactors() {
        XCTAssertEqual(KLWarmup.linear(steps: 100).factor(atStep: 25), 0.25)
        XCTAssertEqual(KLWarmup.linear(steps: 100).factor(atStep: 300), 1)
        let cyclical = KLWarmup.cyclical(period: 100, rampFraction: 0.5)
        XCTAssertEqual(cyclical.factor(atStep: 25), 0.5)
        XCTAssertEqual(cyclical.factor(atStep: 75), 1)
        XCTAssertEqual(cyclical.factor(atStep: 125), 0.5, "restarts every period")
        let regularizer = KLRegularizer(beta: 4, warmup: .linear(steps: 10))
        let (term, parts) = regularizer.penalty(kl: Tensor([2.0, 4.0]), perDimension: nil, step: 5, updateController: false)
        XCTAssertEqual(term.item, 4 * 0.5 * 3, accuracy: 1e-5)
        XCTAssertEqual(parts["beta"], 2)
    }

    /// A 784-64-8 VAE on mnist-5k whose β follows the controller: the KL (≈ 20 nats at β = 1)
    /// settles at the requested 6 nats.
    func testTargetRateControllerReachesTarget() throws {
        let data = try ModelTestSupport.mnist5k()
        let (e, d) = VAEArchitectures.mlp(hidden: 64, latent: 8, generator: RandomGenerator(seed: 4))
        let controller = TargetRateController(target: 6, gain: 0.05)
        let vae = VAE(encoder: e, decoder: d, regularizer: KLRegularizer(controller: controller))
        let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 2e-3),
                              configuration: TrainerConfiguration(epochs: 6, seed: 2))
        let reports = try trainer.fit(train: DataLoader(data.train.prefix(4000), batchSize: 64, seed: 3))
        let lastKL = reports.last!.train["kl"]!
        print("target-rate controller: KL \(reports.map { $0.train["kl"]! }), β \(controller.beta)")
        XCTAssertEqual(lastKL, 6, accuracy: 1, "KL over the last epoch")
        XCTAssertGreaterThan(controller.beta, 1, "β had to rise to squeeze the KL")
    }

    func testDiagnosticsCountActiveUnitsAndWarnOnCollapse() {
        let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 16, latent: 4, generator: RandomGenerator(seed: 5))
        let vae = VAE(encoder: e, decoder: d)
        let loader = DataLoader(inputs: ModelTestSupport.syntheticImages(200), batchSize: 50, shuffle: false)
        // Collapse: zero the output layer so q(z|x) = N(0, I) for every x.
        let last = (vae.encoder.body as! Sequential).layers.last as! Linear
        last.weight.value = Tensor.zeros(last.weight.shape)
        last.bias!.value = Tensor.zeros(last.bias!.shape)
        let collapsed = LatentDiagnostics.measure(vae, on: loader)
        XCTAssertEqual(collapsed.activeUnits, 0)
        XCTAssertEqual(collapsed.kl, 0, accuracy: 1e-6)
        XCTAssertEqual(collapsed.klPerDimension, [0, 0, 0, 0])
        XCTAssertEqual(collapsed.mutualInformation, 0, accuracy: 1e-4)
        XCTAssertTrue(collapsed.warnings.first?.contains("posterior collapse") ?? false, "\(collapsed.warnings)")

        // One informative unit: μ₀ = 10·(mean pixel), tiny σ₀; the others stay N(0, 1).
        var w = Tensor.zeros(last.weight.shape)
        for j in 0..<16 { w[0, j] = 3 }
        last.weight.value = w
        var b = Tensor.zeros(last.bias!.shape)
        b[4] = -3
        last.bias!.value = b
        let healthy = LatentDiagnostics.measure(vae, on: loader)
        XCTAssertEqual(healthy.activeUnits, 1)
        XCTAssertGreaterThan(healthy.activity[0], 0.01)
        XCTAssertGreaterThan(healthy.klPerDimension[0], 1)
        XCTAssertEqual(healthy.klPerDimension[1], 0, accuracy: 1e-6)
        XCTAssertGreaterThan(healthy.mutualInformation, 0.5)
        XCTAssertLessThanOrEqual(healthy.mutualInformation, Foundation.log(200) + 0.1)
        XCTAssertTrue(healthy.warnings.isEmpty, "\(healthy.warnings)")
    }
}
