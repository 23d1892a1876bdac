import XCTest
import LatentTestSupport
import LatentTensor
import LatentModels

/// Bad input stops with a message naming what was seen and what was expected.
final class FlowModelInputTests: XCTestCase {
    func testConditionalModelWithoutContextStops() {
        assertStops(withMessageContaining: ["contextFeatures 2", "no context was given"]) {
            let model = FlowModel(configuration: .realNVP(features: 2, layers: 2, hidden: [8], contextFeatures: 2))
            _ = model.logProb(Tensor.zeros([3, 2]))
        }
    }

    func testWrongDataShapeStops() {
        assertStops(withMessageContaining: ["FlowModel.logProb", "[N, 2]", "[3, 5]"]) {
            let model = FlowModel(configuration: .maf(features: 2, layers: 1, hidden: [8]))
            _ = model.logProb(Tensor.zeros([3, 5]))
        }
    }

    func testImageArchitectureNeedsDivisibleSides() {
        assertStops(withMessageContaining: ["2 scales", "divisible by 4", "[1, 6, 6]"]) {
            _ = FlowModel(configuration: .glow(imageShape: [1, 6, 6], scales: 2))
        }
    }
}
