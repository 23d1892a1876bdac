import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentModels

/// Dequantization, the logit pre-processing and bits/dim on 8-bit data, with every Jacobian counted.
final class ImagePipelineTests: XCTestCase {
    /// 8-bit images k/255, `[n, 1, 2, 2]`.
    private func pixels(_ n: Int, seed: UInt64) -> Tensor {
        let g = RandomGenerator(seed: seed)
        return Tensor(shape: [n, 1, 2, 2], scalars: (0..<(4 * n)).map { _ in Float(g.nextInt(below: 256)) / 255 })
    }

    /// Standard logistic base, identity flow (a new RealNVP) and the plain logit (α = 0): the
    /// model is exactly uniform on [0, 1]ᴰ, so the 8-bit data get exactly 8 bits/dim.
    func testUniformModelGivesExactlyEightBitsPerDimension() {
        var configuration = FlowConfiguration.realNVP(features: 4, layers: 2, hidden: [8],
                                                      image: ImagePreprocessing(levels: 256, logitAlpha: 0))
        configuration.base = .standardLogistic
        let model = FlowModel(configuration: configuration)
        let metrics = model.evaluationMetrics(Batch(x: pixels(64, seed: 1)), generator: RandomGenerator(seed: 2))
        XCTAssertEqual(metrics["bits_per_dim"]!, 8, accuracy: 1e-5)
        XCTAssertEqual(metrics["nll"]!, 4 * Foundation.log(256.0), accuracy: 1e-4)
    }

    /// Normal base, identity flow, α = 0.05: bits/dim equal the analytic value
    /// (−Σ [log N(v) + log(1 − 2α) − log p − log(1 − p)] + D·log 256)/(D·ln 2) at the same
    /// dequantized y, with p = α + (1 − 2α)y and v = logit p.
    func testBitsPerDimensionMatchTheAnalyticValue() {
        let alpha = 0.05
        let model = FlowModel(configuration: .realNVP(features: 4, layers: 2, hidden: [8],
                                                      image: ImagePreprocessing(levels: 256, logitAlpha: Float(alpha))))
        let x = pixels(32, seed: 3)
        let metrics = model.evaluationMetrics(Batch(x: x), generator: RandomGenerator(seed: 4))
        let y = Transforms.dequantize(x, levels: 256, generator: RandomGenerator(seed: 4)).scalars
        var logDensity = 0.0
        for value in y {
            let p = alpha + (1 - 2 * alpha) * Double(value)
            let v = Foundation.log(p / (1 - p))
            logDensity += -0.5 * v * v - 0.5 * Foundation.log(2 * Double.pi) + Foundation.log(1 - 2 * alpha)
                - Foundation.log(p) - Foundation.log(1 - p)
        }
        logDensity /= 32
        let expected = (-logDensity + 4 * Foundation.log(256.0)) / (4 * Foundation.log(2.0))
        XCTAssertEqual(metrics["bits_per_dim"]!, expected, accuracy: 1e-4)
        XCTAssertEqual(ImagePreprocessing().bitsPerDimension(logDensity: 0, dimensions: 784), 8, accuracy: 1e-12)
    }

    /// Image models sample pixel values in [0, 1], and the loss is the 8-bit NLL (what
    /// `evaluationMetrics` reports) up to dequantization noise.
    func testImageSamplesLieInTheUnitCube() throws {
        let model = FlowModel(configuration: .realNVP(features: 4, layers: 2, hidden: [8],
                                                      pattern: .checkerboard(height: 2, width: 2),
                                                      image: ImagePreprocessing(levels: 256, logitAlpha: 1e-6)))
        FlowTestSupport.perturb(model, std: 0.1)
        let samples = try model.sample(200, temperature: 0.8, generator: RandomGenerator(seed: 5))
        XCTAssertTrue(samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let loss = model.trainingLoss(Batch(x: pixels(16, seed: 6)), step: 0, generator: RandomGenerator(seed: 7))
        XCTAssertEqual(loss.parts["bits_per_dim"]!, loss.parts["nll"]! / (4 * Foundation.log(2.0)), accuracy: 1e-9)
    }
}
