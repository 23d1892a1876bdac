import XCTest
import LatentTensor
import LatentNN

final class ModuleTests: XCTestCase {
    final class Encoder: Module {
        let layers: [any Layer]
        let norm = LayerNorm([4])
        override init() { layers = [Linear(3, 4), Activation.relu, Linear(4, 4, bias: false)] }
    }

    final class Model: Module {
        let encoder = Encoder()
        let head: Linear? = Linear(4, 2)
        let missing: Linear? = nil
        let scale = Parameter(Tensor([1]))
        let stats = Buffer(Tensor.zeros([2]))
    }

    func testStableDottedNames() {
        let m = Model()
        XCTAssertEqual(m.namedParameters().map(\.0), [
            "encoder.layers.0.weight", "encoder.layers.0.bias", "encoder.layers.2.weight",
            "encoder.norm.weight", "encoder.norm.bias", "head.weight", "head.bias", "scale",
        ])
        XCTAssertEqual(m.namedBuffers().map(\.0), ["stats"])
        XCTAssertEqual(m.parameterCount, 3 * 4 + 4 + 4 * 4 + 4 + 4 + 4 * 2 + 2 + 1)
        XCTAssertEqual(Sequential(Linear(2, 3), BatchNorm1d(3)).namedBuffers().map(\.0),
                       ["layers.1.runningMean", "layers.1.runningVar", "layers.1.batchesTracked"])
    }

    func testTrainEvalPropagatesAndFreezeStopsGradients() {
        let m = Model()
        m.eval()
        XCTAssertFalse(m.encoder.norm.isTraining)
        XCTAssertFalse((m.encoder.layers[0] as! Linear).isTraining)
        m.train()
        XCTAssertTrue(m.encoder.norm.isTraining)
        m.encoder.freeze()
        XCTAssertEqual(m.trainableParameters().count, 3)
        let head = m.head!
        let y = head(m.encoder.layers[0](Tensor.ones([1, 3])).linear(weight: Tensor.ones([4, 4])))
        y.sum().backward()
        XCTAssertNil((m.encoder.layers[0] as! Linear).weight.grad, "frozen parameters get no gradient")
        XCTAssertNotNil(head.weight.grad)
        m.zeroGrad()
        XCTAssertNil(head.weight.grad)
        m.unfreeze()
        XCTAssertEqual(m.trainableParameters().count, 8)
    }
}
