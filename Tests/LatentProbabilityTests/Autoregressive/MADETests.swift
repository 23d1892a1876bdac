import XCTest
import LatentTensor
import LatentNN
import LatentProbability

/// MADE: the autoregressive property exactly (autodiff Jacobian and perturbation), masks, context,
/// names, zero-initialized outputs.
final class MADETests: XCTestCase {
    /// ∂out[:, i, p]/∂x[:, j] by autodiff, for every (i, p): `[D][k][D]` max |gradient| over the batch.
    func jacobianMagnitudes(_ made: MADE, _ x: Tensor, context: Tensor?) -> [[[Float]]] {
        let (n, d, k) = (x.shape[0], made.features, made.parametersPerFeature)
        return (0..<d).map { i in
            (0..<k).map { p in
                let leaf = x.detached().requiringGrad()
                let out = made(leaf, context: context)
                var seed = Tensor.zeros([n, d, k])
                for s in 0..<n { seed[s, i, p] = 1 }
                out.backward(seed)
                let g = leaf.grad ?? Tensor.zeros(like: x)
                return (0..<d).map { j in (0..<n).map { Swift.abs(g[$0, j]) }.max()! }
            }
        }
    }

    func assertAutoregressive(_ made: MADE, context: Tensor? = nil, file: StaticString = #filePath, line: UInt = #line) {
        FlowLayerChecks.randomizeParameters(made, scale: 1)
        let x = Tensor.uniform([3, made.features], low: -2, high: 2, generator: RandomGenerator(seed: 4))
        let m = made.inputDegrees
        let magnitudes = jacobianMagnitudes(made, x, context: context)
        for i in 0..<made.features {
            for p in 0..<made.parametersPerFeature {
                for j in 0..<made.features {
                    if m[j] >= m[i] {
                        XCTAssertEqual(magnitudes[i][p][j], 0, "∂out[\(i),\(p)]/∂x[\(j)] must be exactly 0 (degrees \(m))", file: file, line: line)
                    } else {
                        XCTAssertGreaterThan(magnitudes[i][p][j], 0, "∂out[\(i),\(p)]/∂x[\(j)] should be nonzero (degrees \(m))", file: file, line: line)
                    }
                }
            }
        }
    }

    func testSequentialOrderingIsAutoregressive() {
        assertAutoregressive(MADE(features: 4, parametersPerFeature: 2, hiddenFeatures: [8, 8], activation: .tanh))
        XCTAssertEqual(MADE(features: 4, parametersPerFeature: 1, hiddenFeatures: [3]).inputDegrees, [1, 2, 3, 4])
    }

    func testReversedAndRandomOrderingsAreAutoregressive() {
        let reversed = MADE(features: 4, parametersPerFeature: 3, hiddenFeatures: [6], ordering: .reversed, activation: .tanh)
        XCTAssertEqual(reversed.inputDegrees, [4, 3, 2, 1])
        assertAutoregressive(reversed)
        let random = MADE(features: 5, parametersPerFeature: 2, hiddenFeatures: [8, 8], ordering: .random(seed: 11), activation: .tanh)
        XCTAssertEqual(random.inputDegrees.sorted(), [1, 2, 3, 4, 5])
        XCTAssertEqual(random.inputDegrees,
                       MADE(features: 5, parametersPerFeature: 2, hiddenFeatures: [8], ordering: .random(seed: 11)).inputDegrees,
                       "the same seed gives the same ordering")
        assertAutoregressive(random)
        assertAutoregressive(MADE(features: 3, parametersPerFeature: 2, hiddenFeatures: [5], ordering: .degrees([2, 3, 1]), activation: .tanh))
    }

    func testContextFeedsEveryOutputWithoutBreakingTheOrder() {
        let made = MADE(features: 3, parametersPerFeature: 2, hiddenFeatures: [8], contextFeatures: 2, activation: .tanh)
        let context = Tensor.uniform([3, 2], low: -1, high: 1, generator: RandomGenerator(seed: 5))
        assertAutoregressive(made, context: context)
        // The first feature's parameters depend on the context only.
        let x = Tensor.uniform([3, 3], low: -1, high: 1, generator: RandomGenerator(seed: 6))
        let a = withoutGrad { made(x, context: context) }
        let b = withoutGrad { made(x, context: context + 0.5) }
        let first = { (t: Tensor) in t.slice(axis: 1, from: 0, to: 1) }
        XCTAssertGreaterThan(FlowLayerChecks.maxAbsDifference(first(a), first(b)), 1e-4)
        XCTAssertEqual(made.namedParameters().map { $0.0 },
                       ["hidden.0.weight", "hidden.0.bias", "output.weight", "output.bias", "context.weight"])
        XCTAssertEqual(made.namedBuffers().map { $0.0 }, ["hidden.0.mask", "output.mask"])
    }

    func testPerturbingLaterFeaturesLeavesEarlierOutputsBitIdentical() {
        let made = MADE(features: 4, parametersPerFeature: 2, hiddenFeatures: [7, 7], ordering: .random(seed: 3))
        FlowLayerChecks.randomizeParameters(made, scale: 1)
        let x = Tensor.uniform([2, 4], low: -1, high: 1, generator: RandomGenerator(seed: 8))
        let base = withoutGrad { made(x) }
        for j in 0..<4 {
            var moved = x
            for s in 0..<2 { moved[s, j] += 3 }
            let out = withoutGrad { made(moved) }
            for i in 0..<4 where made.inputDegrees[j] >= made.inputDegrees[i] {
                for s in 0..<2 {
                    for p in 0..<2 { XCTAssertEqual(out[s, i, p], base[s, i, p], "output \(i) moved with x[\(j)]") }
                }
            }
        }
    }

    func testSingleFeatureGivesConstantOrContextOnlyOutputs() {
        let made = MADE(features: 1, parametersPerFeature: 3, hiddenFeatures: [4], contextFeatures: 1, activation: .tanh)
        FlowLayerChecks.randomizeParameters(made)
        let context = Tensor([[0.5], [0.5]])
        let out = withoutGrad { made(Tensor([[-3], [2]]), context: context) }
        XCTAssertEqual(out.shape, [2, 1, 3])
        XCTAssertEqual(Array(out.scalars[0..<3]), Array(out.scalars[3..<6]))
    }

    func testZeroInitializedOutputIsZero() {
        let made = MADE(features: 3, parametersPerFeature: 2, hiddenFeatures: [6], zeroInitOutput: true)
        let out = withoutGrad { made(Tensor.uniform([4, 3], generator: RandomGenerator(seed: 1))) }
        XCTAssertEqual(out.shape, [4, 3, 2])
        XCTAssertTrue(out.scalars.allSatisfy { $0 == 0 })
    }

    func testMaskedLinearCutsMaskedConnectionsAndTheirGradients() {
        let layer = MaskedLinear(mask: Tensor([[1, 0], [0, 1], [1, 1]]))
        let x = Tensor([[1, 2]])
        let y = layer(x)
        y.sum().backward()
        let w = layer.weight.value, b = layer.bias.value
        XCTAssertEqual(y[0, 0], w[0, 0] * 1 + b[0], accuracy: 1e-6)
        XCTAssertEqual(y[0, 1], w[1, 1] * 2 + b[1], accuracy: 1e-6)
        let g = layer.weight.grad!
        XCTAssertEqual(g[0, 1], 0)
        XCTAssertEqual(g[1, 0], 0)
        XCTAssertEqual(g[2, 1], 2)
    }
}
