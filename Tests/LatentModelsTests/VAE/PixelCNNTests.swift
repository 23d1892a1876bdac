import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentProbability
@testable import LatentModels

/// The PixelCNN decoder: causality of its logits, exact likelihood against its own ancestral
/// sampler on a 3×3 toy (all 2⁹ images enumerated), the row-cropped sampler against the full one,
/// and a VAE checkpoint round trip.
final class PixelCNNTests: XCTestCase {
    func testLogitOfPixelIDependsOnlyOnEarlierPixels() {
        let g = RandomGenerator(seed: 1)
        let net = PixelCNN(channels: 8, layers: 3, kernelSize: 3, firstKernelSize: 3, conditionChannels: 2, generator: g)
        let (h, w) = (4, 5)
        let x = Tensor.uniform([1, 1, h, w], generator: g)
        let condition = Tensor.randn([1, 2, h, w], generator: g)
        for i in 0..<(h * w) {
            let leaf = x.detached().requiringGrad()
            let logits = net.logits(leaf, condition: condition)
            var seed = [Float](repeating: 0, count: h * w)
            seed[i] = 1
            logits.backward(Tensor(shape: [1, 1, h, w], scalars: seed))
            let grad = leaf.grad!.scalars
            for j in i..<(h * w) { XCTAssertEqual(grad[j], 0, "logit \(i) must not depend on pixel \(j)") }
            if i > 0 { XCTAssertTrue(grad[0..<i].contains { $0 != 0 }, "logit \(i) should see some earlier pixel") }
        }
    }

    func testAncestralSamplesFollowTheExactDistributionOnThreeByThreeImages() {
        let g = RandomGenerator(seed: 2)
        let net = PixelCNN(channels: 4, layers: 2, kernelSize: 3, firstKernelSize: 3, conditionChannels: 1, generator: g)
        net.output.weight.value = net.output.weight.value * 10  // a peaked distribution, far from uniform
        let condition = Tensor.randn([1, 1, 3, 3], generator: g)
        let images = Tensor(shape: [512, 1, 3, 3], scalars: (0..<512).flatMap { k in (0..<9).map { Float((k >> (8 - $0)) & 1) } })
        let p = withoutGrad { net.logProb(images, condition: condition.expanded(to: [512, 1, 3, 3])) }.scalars.map { Foundation.exp(Double($0)) }
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-4, "the exact probabilities of all 2⁹ images sum to 1")
        XCTAssertGreaterThan(p.max()!, 10.0 / 512, "the toy distribution should be far from uniform")
        let n = 20_000
        let drawn = net.sample(condition: condition.expanded(to: [n, 1, 3, 3]), generator: RandomGenerator(seed: 3)).images.scalars
        var counts = [Double](repeating: 0, count: 512)
        for s in 0..<n { counts[(0..<9).reduce(0) { $0 << 1 | Int(drawn[s * 9 + $1]) }] += 1 }
        for k in 0..<512 {
            let f = counts[k] / Double(n), sd = (p[k] * (1 - p[k]) / Double(n)).squareRoot()
            XCTAssertLessThanOrEqual(abs(f - p[k]), 4.5 * sd + 2 / Double(n), "image \(k): frequency \(f), probability \(p[k])")
        }
    }

    func testRowCroppedSamplingEqualsFullPasses() {
        let g = RandomGenerator(seed: 4)
        let net = PixelCNN(channels: 3, layers: 2, kernelSize: 3, firstKernelSize: 3, conditionChannels: 2, generator: g)
        XCTAssertEqual(net.reach, 2)
        let condition = Tensor.randn([3, 2, 6, 4], generator: g)
        let cropped = net.sample(condition: condition, generator: RandomGenerator(seed: 5))
        let full = net.sample(condition: condition, generator: RandomGenerator(seed: 5), cropRows: false)
        XCTAssertEqual(cropped.images.scalars, full.images.scalars)
        XCTAssertTrue(cropped.probabilities.isClose(to: full.probabilities, atol: 1e-5))
    }

    func testVAEWithPixelCNNDecoderRoundTripsThroughACheckpoint() throws {
        let config = VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [8], seed: 6,
                                      pixelCNN: PixelCNNDecoderConfiguration(layers: 2, channels: 3, conditionChannels: 2))
        XCTAssertEqual(try VAEConfiguration.decode(json: try config.json()), config)
        let vae = try config.build(), other = try config.build()
        XCTAssertTrue(vae.decoder.isAutoregressive)
        let x = Tensor.uniform([3, 1, 4, 4], generator: RandomGenerator(seed: 7)).gt(Tensor(0.5))
        // Train a few steps so the saved weights differ from the freshly drawn ones.
        let optimizer = Adam(vae.namedParameters(), learningRate: 1e-2)
        for step in 0..<3 {
            vae.zeroGrad()
            vae.trainingLoss(Batch(x: x), step: step, generator: RandomGenerator(seed: UInt64(step))).loss.backward()
            optimizer.step()
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pixelcnn-vae-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try vae.save(to: url)
        try other.load(from: url)
        let a = vae.logMarginal(x, samples: 4, generator: RandomGenerator(seed: 8))
        let b = other.logMarginal(x, samples: 4, generator: RandomGenerator(seed: 8))
        XCTAssertEqual(a.scalars, b.scalars)
        XCTAssertTrue(a.scalars.allSatisfy { $0.isFinite && $0 < 0 })
        // log p(x|z) for z [K, B, L] is the per-draw PixelCNN likelihood.
        let z = Tensor.randn([2, 3, 2], generator: RandomGenerator(seed: 9))
        let joint = vae.decoder.logProb(x, given: z)
        XCTAssertEqual(joint.shape, [2, 3])
        let second = vae.decoder.logProb(x, given: z.slice(axis: 0, from: 1, to: 2).squeezed(axis: 0))
        XCTAssertTrue(joint.slice(axis: 0, from: 1, to: 2).squeezed(axis: 0).isClose(to: second, atol: 1e-5))
        XCTAssertEqual(vae.sample(2, generator: RandomGenerator(seed: 10)).shape, [2, 1, 4, 4])
    }
}

/// The class-conditional VAE with a PixelCNN decoder p(y|x, z).
final class ConditionalPixelCNNTests: XCTestCase {
    func testClassConditionalVAEWithPixelCNNDecoder() throws {
        let config = ConditionalVAEConfiguration(imageShape: [1, 4, 4], classes: 3, hidden: 8, latent: 2, seed: 1,
                                                 pixelCNN: PixelCNNDecoderConfiguration(layers: 2, channels: 3, conditionChannels: 2))
        XCTAssertEqual(try JSONDecoder().decode(ConditionalVAEConfiguration.self, from: try JSONEncoder().encode(config)), config)
        let cvae = try config.build()
        XCTAssertTrue(cvae.decoder.isAutoregressive)
        let images = Tensor.uniform([3, 1, 4, 4], generator: RandomGenerator(seed: 2)).gt(Tensor(0.5))
        let (x, y) = cvae.task.split(Batch(x: images, y: Tensor([0, 1, 2])))
        // log p(y|x, z) is the PixelCNN's exact likelihood of y under the map of (z, x).
        let z = Tensor.randn([3, 2], generator: RandomGenerator(seed: 3))
        let direct = cvae.decoder.autoregressive!.logProb(y.reshaped([3, 1, 4, 4]),
                                                        condition: cvae.decoder.conditionMap(Tensor.concat([z, x], axis: 1)))
        XCTAssertTrue(cvae.logLikelihood(target: y, condition: x, z: z).isClose(to: direct, atol: 1e-5))
        let nll = cvae.conditionalLogLikelihood(condition: x, target: y, samples: 5, generator: RandomGenerator(seed: 4))
        XCTAssertEqual(nll.shape, [3])
        XCTAssertTrue(nll.scalars.allSatisfy { $0.isFinite && $0 < 0 })
        XCTAssertTrue(cvae.trainingLoss(Batch(x: images, y: Tensor([0, 1, 2])), step: 0, generator: RandomGenerator(seed: 5)).loss.item.isFinite)
        let drawn = cvae.sample(condition: x, generator: RandomGenerator(seed: 6))
        XCTAssertEqual(drawn.shape, [3, 1, 4, 4])
        XCTAssertTrue(drawn.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        let quadrant = ConditionalVAEConfiguration(task: .quadrantCompletion, imageShape: [1, 4, 4],
                                                   pixelCNN: PixelCNNDecoderConfiguration())
        XCTAssertTrue(quadrant.problems().contains { $0.contains("class-conditional") })
    }
}
