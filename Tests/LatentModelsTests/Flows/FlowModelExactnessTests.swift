import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentProbability
import LatentData
import LatentModels

/// Exactness of every ready-made flow: inverse ∘ forward = id, the density computed through the
/// inverse agrees with the one computed through the forward pass, and densities integrate to 1.
final class FlowModelExactnessTests: XCTestCase {
    /// sample → logProb → inverse: x = f(z) maps back to z, and log p(x) from the inverse equals
    /// log p_base(z) − log|det ∂f/∂z| from the forward pass.
    func testSampleLogProbInverseRoundTripForEveryModel() throws {
        for configuration in FlowTestSupport.architectures {
            let model = FlowModel(configuration: configuration)
            FlowTestSupport.perturb(model)
            try withoutGrad {
                let z = Tensor.randn([64, 2], generator: RandomGenerator(seed: 11))
                let (x, forwardLogDet) = model.flow.forwardAndLogDet(z, context: nil)
                let back = model.flow.inverse(x)
                let name = "\(configuration.architecture)"
                XCTAssertLessThan(FlowTestSupport.maxDifference(back, z), 2e-3, name)
                let viaInverse = model.logProb(x)
                let viaForward = model.base.logProb(z) - forwardLogDet
                XCTAssertLessThan(FlowTestSupport.maxDifference(viaInverse, viaForward), 2e-3, name)
                let samples = try model.sample(32, generator: RandomGenerator(seed: 12))
                XCTAssertEqual(samples.shape, [32, 2], name)
                XCTAssertFalse(model.logProb(samples).hasNonFinite, name)
            }
        }
    }

    /// ∫ p(x) dx ≈ 1 on a 120×120 midpoint grid over [−7, 7]² for every model (perturbed).
    func testDensitiesIntegrateToOne() {
        let (points, area) = FlowTestSupport.grid(-7, 7, 120)
        for configuration in FlowTestSupport.architectures {
            let model = FlowModel(configuration: configuration)
            FlowTestSupport.perturb(model, std: 0.1)
            let logP = withoutGrad { model.logProb(points) }
            let total = logP.scalars.reduce(0.0) { $0 + Foundation.exp(Double($1)) } * area
            XCTAssertEqual(total, 1, accuracy: 0.02, "\(configuration.architecture)")
        }
    }

    /// A conditional model is exact for every context too.
    func testConditionalRoundTripAndNormalization() throws {
        let model = FlowModel(configuration: .realNVP(features: 2, layers: 4, hidden: [16, 16], contextFeatures: 2, seed: 3))
        FlowTestSupport.perturb(model, std: 0.1)
        let (points, area) = FlowTestSupport.grid(-7, 7, 100)
        for label: Float in [0, 1] {
            let labels = Tensor.full([points.shape[0]], label)
            let total = withoutGrad { model.logProb(points, context: labels) }.scalars
                .reduce(0.0) { $0 + Foundation.exp(Double($1)) } * area
            XCTAssertEqual(total, 1, accuracy: 0.02, "class \(label)")
            let x = try model.sample(16, context: Tensor.full([16], label), generator: RandomGenerator(seed: 4))
            let z = withoutGrad { model.flow.inverse(x, context: Transforms.oneHot(Tensor.full([16], label), classes: 2)) }
            let again = withoutGrad { model.flow.forward(z, context: Transforms.oneHot(Tensor.full([16], label), classes: 2)) }
            XCTAssertLessThan(FlowTestSupport.maxDifference(again, x), 1e-4)
        }
    }

    /// Temperature scales the base draws: at T = 0.1 an identity-initialized flow's samples
    /// are N(0, 0.01·I); a temperature of Float.greatestFiniteMagnitude overflows and is reported, not returned as NaN.
    func testTemperatureAndNonFiniteSamplesAreReported() throws {
        let model = FlowModel(configuration: .realNVP(features: 2, layers: 2, hidden: [8]))
        let cold = try model.sample(4_000, temperature: 0.1, generator: RandomGenerator(seed: 5))
        let variance = cold.scalars.reduce(0.0) { $0 + Double($1 * $1) } / Double(cold.count)
        XCTAssertEqual(variance, 0.01, accuracy: 0.001)
        XCTAssertThrowsError(try model.sample(100, temperature: .greatestFiniteMagnitude, generator: RandomGenerator(seed: 6))) { error in
            guard case let FlowModelError.nonFiniteSamples(count, total, _) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertGreaterThan(count, 0)
            XCTAssertEqual(total, 100)
            XCTAssertTrue("\(error)".contains("of 100 samples"))
        }
    }
}
