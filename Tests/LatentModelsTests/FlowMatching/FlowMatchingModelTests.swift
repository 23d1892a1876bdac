import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentProbability
import LatentData
import LatentModels

/// The flow matching loss against its closed form and finite differences; a model trained through
/// the shared `Trainer` on two moons beats the Gaussian fit by the ODE likelihood; sampling and
/// encoding invert each other; the likelihood leaves the parameters' gradients alone.
final class FlowMatchingModelTests: XCTestCase {
    func small(_ hidden: [Int] = [16, 16], solver: FlowMatchingConfiguration.Solver = .dopri5, sigmaMin: Double = 0.1,
               seed: UInt64 = 1) -> FlowMatchingModel {
        FlowMatchingModel(configuration: FlowMatchingConfiguration(features: 2, hidden: hidden, sigmaMin: sigmaMin, solver: solver,
                                                                   steps: 20, tolerance: 1e-5, seed: seed))
    }

    func testLossOfTheZeroFieldIsTheTargetsMeanSquare() {
        // v ≡ 0: E‖u‖² = E‖x₁ − (1 − σ)x₀‖² = ‖x₁‖² + (1 − σ)²·D for fixed x₁.
        let model = small()
        let last = model.network.layers.last!
        last.weight.value = Tensor.zeros(last.weight.shape).requiringGrad()
        last.bias!.value = Tensor.zeros(last.bias!.shape).requiringGrad()
        let x1 = Tensor(shape: [1, 2], scalars: [1.5, -2]).expanded(to: [20_000, 2])
        let loss = Double(model.flowMatchingLoss(x1, generator: RandomGenerator(seed: 3)).item)
        let expected = 1.5 * 1.5 + 4 + 0.9 * 0.9 * 2
        // The per-example value's standard deviation is ≈ 2·(1 − σ)·‖x₁‖ ≈ 4.5: ±4 SE.
        XCTAssertEqual(loss, expected, accuracy: 4 * 4.5 / Double(20_000).squareRoot())
    }

    func testLossGradientMatchesFiniteDifferences() {
        let model = small([6])
        let x1 = Tensor.randn([8, 2], generator: RandomGenerator(seed: 4))
        let first = model.network.layers[0]
        let result = gradcheck([first.weight.value, first.bias!.value], epsilon: 1e-2, atol: 2e-2, rtol: 2e-2) { w in
            first.weight.value = w[0]
            first.bias!.value = w[1]
            return model.flowMatchingLoss(x1, generator: RandomGenerator(seed: 5))
        }
        XCTAssertTrue(result.passed, "\(result)")
    }

    func testTrainsThroughTheSharedTrainerAndBeatsTheGaussianOnMoons() throws {
        // On moons (noise 0.1, scale 2) the best Gaussian has NLL ≈ 3.27 nats, the density ≈ 2.34.
        let moons = TwoMoons(noise: 0.1)
        let train = DataLoader(inputs: moons.sample(8_192, generator: RandomGenerator(seed: 1)), batchSize: 128, seed: 1)
        let testPoints = moons.sample(300, generator: RandomGenerator(seed: 2))
        let test = DataLoader(inputs: testPoints, batchSize: 300, shuffle: false)
        let model = small([32, 32], solver: .rk4, sigmaMin: 1e-4)
        let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 3e-3),
                              configuration: TrainerConfiguration(epochs: 6, seed: 3, bestMetric: "loss"))
        let reports = try trainer.fit(train: train, test: test)
        let loss = try XCTUnwrap(reports.last?.test["loss"])
        XCTAssertLessThan(loss, reports[0].test["loss"]!)
        let nll = -Double(try model.logProb(testPoints, generator: RandomGenerator(seed: 0)).logProb.mean().item)
        XCTAssertLessThan(nll, 2.95, "the ODE likelihood of the trained field beats the Gaussian fit (2.82 measured)")
        XCTAssertGreaterThan(nll, 2.0, "and cannot beat the density's own entropy by much")
        // Hutchinson's estimate of the same NLL agrees on average.
        let hutchinson = FlowMatchingModel(configuration: { var c = model.configuration; c.trace = .hutchinson; return c }())
        for (to, from) in zip(hutchinson.parameters(), model.parameters()) { to.value = from.value.detached().requiringGrad() }
        let estimate = -Double(try hutchinson.logProb(testPoints, generator: RandomGenerator(seed: 6)).logProb.mean().item)
        XCTAssertEqual(estimate, nll, accuracy: 0.1)
    }

    func testSamplingAndEncodingInvertEachOther() throws {
        let model = small([16])
        let z = Tensor.randn([32, 2], generator: RandomGenerator(seed: 9))
        let x = try model.sample(32, generator: RandomGenerator(seed: 9))
        XCTAssertGreaterThan(zip(x.scalars, z.scalars).map { abs($0 - $1) }.max()!, 0.05, "the untrained field still moves points")
        let back = try model.encode(x)
        XCTAssertLessThan(zip(back.scalars, z.scalars).map { abs($0 - $1) }.max()!, 1e-3)
    }

    func testLikelihoodLeavesParameterGradientsAndFreezingAsTheyWere() throws {
        let model = small([8])
        _ = try model.logProb(Tensor.randn([4, 2], generator: RandomGenerator(seed: 1)), generator: RandomGenerator(seed: 2))
        XCTAssertTrue(model.parameters().allSatisfy { $0.grad == nil && !$0.isFrozen })
    }
}
