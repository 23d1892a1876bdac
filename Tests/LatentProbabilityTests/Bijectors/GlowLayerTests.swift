import XCTest
import LatentTestSupport
import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// ActNorm's data-dependent initialization, the LU 1×1 convolution, permutations, squeeze and
/// the multi-scale split.
final class GlowLayerTests: XCTestCase {
    /// Per-channel mean and variance of `[N, C, …]`.
    func channelMoments(_ t: Tensor) -> (mean: [Float], variance: [Float]) {
        let axes = [0] + Array(2..<t.rank)
        return (t.mean(axes: axes).scalars, t.variance(axes: axes).scalars)
    }

    func testActNormInitializesOnItsFirstForwardBatch() {
        let layer = ActNorm(channels: 3)
        XCTAssertFalse(layer.isInitialized)
        let x = Tensor.randn([64, 3, 2, 2], generator: RandomGenerator(seed: 1)) * 3 + 2
        let y = layer.forward(x)
        XCTAssertTrue(layer.isInitialized)
        let (mean, variance) = channelMoments(y)
        for c in 0..<3 {
            XCTAssertEqual(mean[c], 0, accuracy: 1e-4)
            XCTAssertEqual(variance[c], 1, accuracy: 1e-3)
        }
        let before = layer.logScale.value.scalars
        _ = layer.forward(x * 5)
        XCTAssertEqual(layer.logScale.value.scalars, before, "a second batch must not re-initialize")
        XCTAssertFalse(layer.logScale.isFrozen)
    }

    func testActNormInitializedByAnInverseCallStandardizesItsOutput() {
        let layer = ActNorm(channels: 2)
        let data = Tensor.randn([200, 2], generator: RandomGenerator(seed: 2)) * 0.5 - 4
        let z = layer.inverse(data)
        let (mean, variance) = channelMoments(z)
        for c in 0..<2 {
            XCTAssertEqual(mean[c], 0, accuracy: 1e-4)
            XCTAssertEqual(variance[c], 1, accuracy: 1e-3)
        }
        XCTAssertLessThan(BijectorHarness.maxError(layer.forward(z), data), 1e-4)
    }

    func testActNormInitializationSurvivesACheckpoint() throws {
        let layer = ActNorm(channels: 2)
        _ = layer.forward(Tensor.randn([10, 2], generator: RandomGenerator(seed: 3)) + 7)
        XCTAssertEqual(layer.namedBuffers().map { $0.0 }, ["initialized"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("actnorm-\(getpid()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try layer.save(to: url)
        let loaded = ActNorm(channels: 2)
        _ = try loaded.load(from: url)
        XCTAssertTrue(loaded.isInitialized)
        let x = Tensor.randn([4, 2], generator: RandomGenerator(seed: 4))
        XCTAssertEqual(loaded.forward(x).scalars, layer.forward(x).scalars)
    }

    func testInvertibleConvStartsAsARotationAndAssemblesPLU() {
        let layer = InvertibleConv1x1(channels: 5, generator: RandomGenerator(seed: 5))
        let w = layer.weight
        XCTAssertLessThan(BijectorHarness.maxError(w.matmul(w.transposed()), Tensor.eye(5)), 1e-5)
        let (_, logDet) = layer.forwardAndLogDet(Tensor.randn([2, 5, 3, 3]), context: nil)
        XCTAssertEqual(logDet[0], 0, accuracy: 1e-4)
        XCTAssertEqual(Set(layer.signs.value.scalars).isSubset(of: [-1, 1]), true)
        XCTAssertEqual(layer.namedBuffers().map { $0.0 }, ["permutation", "signs"])
        XCTAssertEqual(layer.namedParameters().map { $0.0 }, ["lower", "upper", "logDiagonal"])
        // Entries outside the triangles do not matter.
        let y = layer.forward(Tensor.ones([1, 5]))
        FlowSupportProbe.fill(layer.lower, upperTriangle: 9)
        XCTAssertEqual(layer.forward(Tensor.ones([1, 5])).scalars, y.scalars)
    }

    func testInvertibleConvLogDetCountsEveryPixel() {
        let layer = InvertibleConv1x1(channels: 2, generator: RandomGenerator(seed: 6))
        layer.logDiagonal.value = Tensor([0.3, -0.1]).requiringGrad()
        let (_, logDet) = layer.forwardAndLogDet(Tensor.zeros([1, 2, 3, 4]), context: nil)
        XCTAssertEqual(logDet[0], 12 * 0.2, accuracy: 1e-5)
    }

    func testPermutationsAndSqueezeLayout() {
        let x = Tensor(shape: [1, 4], scalars: [10, 11, 12, 13])
        XCTAssertEqual(Permutation.reverse(features: 4).forward(x).scalars, [13, 12, 11, 10])
        let a = Permutation.random(features: 6, generator: RandomGenerator(seed: 7))
        let b = Permutation.random(features: 6, generator: RandomGenerator(seed: 7))
        XCTAssertEqual(a.order.value.scalars, b.order.value.scalars)
        assertStops(withMessageContaining: ["Permutation", "[0, 0, 1]"]) { _ = Permutation(indices: [0, 0, 1]) }

        let image = Tensor(shape: [1, 1, 2, 4], scalars: (0..<8).map(Float.init))
        let squeezed = Squeeze().forward(image)
        XCTAssertEqual(squeezed.shape, [1, 4, 1, 2])
        // Channel i·2 + j holds pixel (i, j) of each 2×2 block.
        XCTAssertEqual(squeezed.scalars, [0, 2, 1, 3, 4, 6, 5, 7])
        assertStops(withMessageContaining: ["Squeeze", "divisible by 2", "[1, 1, 3, 4]"]) {
            _ = Squeeze().forward(Tensor.zeros([1, 1, 3, 4]))
        }
    }

    func testMultiScaleLeavesTheFactoredOutHalfUnchanged() {
        let inner = AffineCoupling(channels: 8, mask: .checkerboard, hidden: 4)
        BijectorHarness.perturbParameters(inner)
        let layer = MultiScale(inner)
        let x = Tensor.randn([2, 4, 4, 4], generator: RandomGenerator(seed: 8))
        let (y, logDet) = layer.forwardAndLogDet(x, context: nil)
        let kept = x.slice(axis: 1, from: 0, to: 2), out = x.slice(axis: 1, from: 2, to: 4)
        XCTAssertEqual(y.slice(axis: 1, from: 2, to: 4).scalars, out.scalars)
        let (innerY, innerLogDet) = inner.forwardAndLogDet(Squeeze().forward(kept), context: nil)
        XCTAssertEqual(y.slice(axis: 1, from: 0, to: 2).scalars, Squeeze().inverse(innerY).scalars)
        XCTAssertEqual(logDet.scalars, innerLogDet.scalars)
        assertStops(withMessageContaining: ["MultiScale", "keep the shape"]) {
            _ = MultiScale(Squeeze()).forward(Tensor.zeros([1, 2, 4, 4]))
        }
    }

    func testBatchNormFlowUsesBatchStatisticsInTrainingAndRunningOnesInEvaluation() {
        let layer = BatchNormFlow(channels: 2, momentum: 0.5)
        let x = Tensor.randn([100, 2], generator: RandomGenerator(seed: 9)) * 2 + 3
        let (y, logDet) = layer.forwardAndLogDet(x, context: nil)
        let (mean, variance) = channelMoments(y)
        XCTAssertEqual(mean[0], 0, accuracy: 1e-4)
        XCTAssertEqual(variance[1], 1, accuracy: 1e-3)
        let batchVariance = x.variance(axis: 0).scalars
        XCTAssertEqual(Double(logDet[0]), batchVariance.map { -0.5 * log(Double($0) + 1e-5) }.reduce(0, +), accuracy: 1e-4)
        XCTAssertEqual(layer.runningMean.value[0], 0.5 * x.mean(axis: 0)[0], accuracy: 1e-5)
        XCTAssertEqual(layer.runningVar.value[1], 0.5 + 0.5 * x.variance(axis: 0, unbiased: true)[1], accuracy: 1e-4)
        layer.eval()
        let stats = (layer.runningMean.value.scalars, layer.runningVar.value.scalars)
        let z = layer.forward(x)
        XCTAssertLessThan(BijectorHarness.maxError(layer.inverse(z), x), 1e-4)
        XCTAssertEqual(layer.runningMean.value.scalars, stats.0, "evaluation must not update running statistics")
    }

    func testBatchNormFlowTrainingGradientsThroughTheBatchStatistics() {
        let layer = BatchNormFlow(channels: 2)
        BijectorHarness.perturbParameters(layer)
        let x = Tensor.randn([4, 2, 2, 2], generator: RandomGenerator(seed: 10))
        let (gamma, beta) = (layer.logGamma, layer.beta)
        let saved = (gamma.value, beta.value)
        defer { (gamma.value, beta.value) = saved }
        let result = gradcheck([x, saved.0.detached(), saved.1.detached()]) { xs in
            (gamma.value, beta.value) = (xs[1], xs[2])
            let (y, logDet) = layer.forwardAndLogDet(xs[0], context: nil)
            return BijectorHarness.packed(y, logDet)
        }
        XCTAssertTrue(result.passed, "\(result)")
    }
}

/// Test-side helpers reaching parameters directly.
enum FlowSupportProbe {
    /// Writes `value` into the strictly upper triangle of a square parameter.
    static func fill(_ p: Parameter, upperTriangle value: Float) {
        let n = p.shape[0]
        p.value.withUnsafeMutableBufferPointer { v in
            for i in 0..<n { for j in (i + 1)..<n { v[i * n + j] = value } }
        }
    }
}
