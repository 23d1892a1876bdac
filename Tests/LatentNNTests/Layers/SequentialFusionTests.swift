import XCTest
import LatentTensor
import LatentNN

/// Sequential runs Linear → ReLU as one fused op: same outputs and parameter gradients as the
/// layers applied one by one, and nothing fused where a ReLU does not follow a Linear.
final class SequentialFusionTests: XCTestCase {
    func testFusedChainMatchesLayerByLayer() {
        let g = RandomGenerator(seed: 4)
        let net = Sequential(Linear(6, 9, generator: g), Activation.relu, Linear(9, 4, generator: g), Activation.tanh,
                             Linear(4, 5, generator: g), Activation.relu)
        let x = Tensor.uniform([11, 6], low: -1, high: 1, generator: g)
        let fused = net(x)
        var manual = x
        for layer in net.layers { manual = layer(manual) }
        XCTAssertEqual(fused.scalars, manual.scalars)

        let r = Tensor.uniform(fused.shape, low: -1, high: 1, generator: g)
        func gradientsAfter(_ run: () -> Tensor) -> [[Float]] {
            for (_, p) in net.namedParameters() { p.zeroGrad() }
            (run() * r).sum().backward()
            return net.namedParameters().map { $0.1.grad!.scalars }
        }
        let viaSequential = gradientsAfter { net(x) }
        let viaLayers = gradientsAfter { net.layers.reduce(x) { $1($0) } }
        XCTAssertEqual(viaSequential, viaLayers)
        XCTAssertTrue(viaSequential.allSatisfy { $0.contains { $0 != 0 } }, "every parameter gets a gradient")
    }

    func testFusedConvolutionMatchesLayerByLayer() {
        let g = RandomGenerator(seed: 6)
        let net = Sequential(Conv2d(8, 6, kernelSize: 3, padding: 1, generator: g), Activation.relu,
                             Conv2d(6, 4, kernelSize: 3, stride: 2, generator: g), Activation.relu)
        let x = Tensor.uniform([2, 8, 7, 7], low: -1, high: 1, generator: g)
        var manual = x
        for layer in net.layers { manual = layer(manual) }
        XCTAssertEqual(net(x).scalars, manual.scalars)
    }
}
