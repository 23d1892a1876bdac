import Foundation
import XCTest
import LatentTensor
import LatentNN
@testable import LatentModels

/// The encoder's scale output read as log σ or as log σ² (PyTorch's usual "logvar" head).
final class GaussianEncoderScaleHeadTests: XCTestCase {
    /// A body that passes its input through, so the test sets the raw outputs directly.
    private final class PassThrough: Module, Layer {
        func callAsFunction(_ input: Tensor) -> Tensor { input }
    }

    func testLogVarianceHeadIsHalvedThenSoftClamped() {
        let raw: [Float] = [0.3, -1.2, 2.0, -4.0, 7.0, -30.0]
        let h = Tensor(shape: [1, 6], scalars: [0.5, -0.5, 1.5] + [raw[0], raw[1], raw[2]])
        let wide = Tensor(shape: [1, 6], scalars: [0, 0, 0] + [raw[3], raw[4], raw[5]])
        let encoder = GaussianEncoder(body: PassThrough(), latentDimension: 3)
        func clamp(_ s: Float) -> Float { Foundation.tanh(s / 8) * 8 }
        XCTAssertEqual(encoder.scaleHead, .logScale, "log σ is the default")
        for (input, r) in [(h, Array(raw[0..<3])), (wide, Array(raw[3..<6]))] {
            encoder.scaleHead = .logScale
            let a = encoder(input)
            encoder.scaleHead = .logVariance
            let b = encoder(input)
            XCTAssertEqual(a.loc.scalars, b.loc.scalars, "the mean is read the same way")
            for j in 0..<3 {
                XCTAssertEqual(a.logScale.scalars[j], clamp(r[j]), accuracy: 1e-5)
                XCTAssertEqual(b.logScale.scalars[j], clamp(r[j] / 2), accuracy: 1e-5, "log σ = ½ log σ²")
                XCTAssertLessThan(abs(b.logScale.scalars[j]), 8, "still bounded")
            }
        }
        // Gradients flow through the halving: d log σ / d s = ½ · (1 − tanh²) for the logvar head.
        let one = GaussianEncoder(body: PassThrough(), latentDimension: 1)
        one.scaleHead = .logVariance
        let s = Tensor(shape: [1, 2], scalars: [0, 1.0]).requiringGrad()
        one(s).logScale.sum().backward()
        XCTAssertEqual(s.grad!.scalars[1], 0.5 * (1 - pow(Foundation.tanh(0.5 / 8), 2)), accuracy: 1e-6)
        XCTAssertEqual(s.grad!.scalars[0], 0, "the mean does not enter log σ")
    }

    func testConfigurationCarriesTheHeadAndOldConfigurationsDecode() throws {
        let config = VAEConfiguration(imageShape: [1, 8, 8], latent: 2, hidden: [8], posteriorScaleHead: .logVariance)
        let back = try VAEConfiguration.decode(json: try config.json())
        XCTAssertEqual(back.posteriorScaleHead, .logVariance)
        XCTAssertEqual(try back.build().encoder.scaleHead, .logVariance)
        // A configuration written before the field existed: the key is absent, log σ is meant.
        let json = try config.json().replacingOccurrences(of: "\"posteriorScaleHead\":\"logVariance\",", with: "")
        XCTAssertFalse(json.contains("posteriorScaleHead"), json)
        let old = try VAEConfiguration.decode(json: json)
        XCTAssertNil(old.posteriorScaleHead)
        XCTAssertEqual(try old.build().encoder.scaleHead, .logScale)
    }
}
