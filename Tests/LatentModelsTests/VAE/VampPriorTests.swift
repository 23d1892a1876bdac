import Foundation
import XCTest
import LatentTensor
import LatentNN
@testable import LatentModels

/// The VampPrior against a brute-force mixture, its gradients to the pseudo-inputs, its draws,
/// and its place in a VAE's parameter tree.
final class VampPriorTests: XCTestCase {
    /// A tiny MLP pair on 2×2 images with 3 latents.
    private func tinyVAE(components: Int = 3, seed: UInt64 = 1) -> VAE {
        let (encoder, decoder) = VAEArchitectures.mlp(imageShape: [1, 2, 2], hidden: 5, latent: 3, generator: RandomGenerator(seed: seed))
        let prior = VampPrior(encoder: encoder, inputShape: [1, 2, 2], components: components, generator: RandomGenerator(seed: seed + 1))
        return VAE(encoder: encoder, decoder: decoder, prior: prior)
    }

    func testLogProbMatchesBruteForceMixtureOfTheEncodedPseudoInputs() throws {
        let vae = tinyVAE()
        let prior = try XCTUnwrap(vae.prior as? VampPrior)
        let z = Tensor.randn([2, 4, 3], generator: RandomGenerator(seed: 5))
        let got = prior.logProb(z)
        XCTAssertEqual(got.shape, [2, 4])
        // Each pseudo-input encoded on its own, then log (1/K) Σ_k Π_d N(z_d; μ_kd, σ_kd²) in Double.
        let k = prior.componentCount
        let encoded = (0..<k).map { vae.encoder(prior.pseudoInputs.value.slice(axis: 0, from: $0, to: $0 + 1).clamp(min: 0, max: 1)) }
        for (i, expected) in (0..<8).map({ row -> Double in
            let point = (0..<3).map { Double(z.scalars[row * 3 + $0]) }
            let densities = encoded.map { q -> Double in
                (0..<3).reduce(1.0) { p, d in
                    let mu = Double(q.loc.scalars[d]), sigma = Foundation.exp(Double(q.logScale.scalars[d]))
                    let u = (point[d] - mu) / sigma
                    return p * Foundation.exp(-0.5 * u * u) / (sigma * (2 * Double.pi).squareRoot())
                }
            }
            return Foundation.log(densities.reduce(0, +) / Double(k))
        }).enumerated() {
            XCTAssertEqual(Double(got.scalars[i]), expected, accuracy: 1e-4, "z row \(i)")
        }
    }

    func testGradientsFlowToThePseudoInputsAsFiniteDifferencesSay() throws {
        let vae = tinyVAE()
        let prior = try XCTUnwrap(vae.prior as? VampPrior)
        let z = Tensor.randn([4, 3], generator: RandomGenerator(seed: 6))
        // Pseudo-inputs inside (0, 1), away from the clamp's corners by more than the step.
        let u = Tensor.uniform([3, 1, 2, 2], low: 0.2, high: 0.8, generator: RandomGenerator(seed: 7))
        let check = gradcheck([u, z], epsilon: 1e-2, atol: 2e-3, rtol: 2e-2) { prior.logProb($0[1], pseudoInputs: $0[0]) }
        XCTAssertTrue(check.passed, "\(check)")
        // And through the VAE's loss, into the Parameter the optimizer updates.
        let x = Tensor.bernoulli([4, 1, 2, 2], p: 0.5, generator: RandomGenerator(seed: 8))
        vae.trainingLoss(Batch(x: x), step: 0, generator: RandomGenerator(seed: 9)).loss.backward()
        let grad = try XCTUnwrap(prior.pseudoInputs.grad)
        XCTAssertGreaterThan(grad.abs().max().item, 0)
    }

    func testDrawsFollowTheMixture() throws {
        let vae = tinyVAE(components: 2)
        let prior = try XCTUnwrap(vae.prior as? VampPrior)
        let q = prior.components()
        let draws = prior.sample(40_000, generator: RandomGenerator(seed: 10))
        // Mean (μ₁ + μ₂)/2 and second moment ((σ₁² + μ₁²) + (σ₂² + μ₂²))/2 per dimension.
        for d in 0..<3 {
            let mu = [q.loc.scalars[d], q.loc.scalars[3 + d]].map(Double.init)
            let variance = [q.logScale.scalars[d], q.logScale.scalars[3 + d]].map { Foundation.exp(2 * Double($0)) }
            let column = (0..<40_000).map { Double(draws.scalars[$0 * 3 + d]) }
            let mean = column.reduce(0, +) / 40_000, second = column.reduce(0) { $0 + $1 * $1 } / 40_000
            let expectedSecond = (variance[0] + mu[0] * mu[0] + variance[1] + mu[1] * mu[1]) / 2
            XCTAssertEqual(mean, (mu[0] + mu[1]) / 2, accuracy: 0.03, "dimension \(d)")
            XCTAssertEqual(second, expectedSecond, accuracy: 0.05 * expectedSecond + 0.02, "dimension \(d)")
        }
    }

    func testInitializationFromImagesTakesDistinctImagesThenRepeats() throws {
        let prior = try XCTUnwrap(tinyVAE(components: 5).prior as? VampPrior)
        // Image i is filled with the value i / 10: the pseudo-inputs reveal which images were taken.
        let images = Tensor(shape: [3, 1, 2, 2], scalars: (0..<3).flatMap { i in [Float](repeating: Float(i) / 10, count: 4) })
        prior.initialize(from: images, generator: RandomGenerator(seed: 11))
        let taken = (0..<5).map { Int((prior.pseudoInputs.value.scalars[$0 * 4] * 10).rounded()) }
        XCTAssertEqual(Set(taken.prefix(3)), [0, 1, 2], "all three images before any repeats")
        XCTAssertTrue(taken.allSatisfy { (0..<3).contains($0) })
        XCTAssertEqual(prior.pseudoInputs.shape, [5, 1, 2, 2])
    }

    func testConfigurationBuildsAVampPriorWhoseEncoderIsNamedOnce() throws {
        let config = VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [8], prior: .vamp, priorComponents: 5, seed: 3)
        let vae = try VAEConfiguration.decode(json: try config.json()).build()
        let prior = try XCTUnwrap(vae.prior as? VampPrior)
        XCTAssertEqual(prior.pseudoInputs.shape, [5, 1, 4, 4])
        let names = vae.namedParameters().map(\.0)
        XCTAssertEqual(names.filter { $0.hasPrefix("prior.") }, ["prior.pseudoInputs"])
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertTrue(prior.pseudoInputs.value.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertTrue(VAEConfiguration(prior: .vamp, freeBits: 0.5).problems().contains { $0.contains("freeBits") })
    }
}
