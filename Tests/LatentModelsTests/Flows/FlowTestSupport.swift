import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentModels

/// Helpers shared by the flow-model tests.
enum FlowTestSupport {
    /// Every ready-made 2-D architecture, small, unconditional.
    static let architectures: [FlowConfiguration] = [
        .realNVP(features: 2, layers: 4, hidden: [16, 16], seed: 1),
        .maf(features: 2, layers: 3, hidden: [16, 16], seed: 2),
        .iaf(features: 2, layers: 3, hidden: [16, 16], seed: 3),
        .splineCoupling(features: 2, layers: 3, hidden: [16, 16], bins: 6, bound: 4, seed: 4),
        .autoregressiveSpline(features: 2, layers: 3, hidden: [16, 16], bins: 6, bound: 4, seed: 5),
        .planar(features: 2, layers: 6, seed: 6),
        .radial(features: 2, layers: 6, seed: 7),
    ]

    /// Adds N(0, std²) noise to every parameter, so that layers which start at the identity are
    /// not the identity any more (round trips of the identity would prove nothing).
    static func perturb(_ model: Module, std: Float = 0.2, seed: UInt64 = 99) {
        let g = RandomGenerator(seed: seed)
        for p in model.parameters() {
            p.value = (p.value + Tensor.randn(p.shape, generator: g) * std).detached().requiringGrad()
        }
    }

    /// An n×n midpoint grid over [low, high]², `[n², 2]`, and the cell area.
    static func grid(_ low: Double, _ high: Double, _ n: Int) -> (points: Tensor, area: Double) {
        let h = (high - low) / Double(n)
        var values: [Float] = []
        values.reserveCapacity(2 * n * n)
        for i in 0..<n {
            for j in 0..<n { values += [Float(low + (Double(i) + 0.5) * h), Float(low + (Double(j) + 0.5) * h)] }
        }
        return (Tensor(shape: [n * n, 2], scalars: values), h * h)
    }

    /// Largest |a − b| over all elements.
    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    /// Two well-separated classes in 2-D: class 0 around (−2, 0), class 1 around (2, 0), σ = 0.3;
    /// labels `[n]` alternate 0, 1.
    static func twoClusters(_ n: Int, generator: RandomGenerator) -> (x: Tensor, labels: Tensor) {
        let labels = Tensor((0..<n).map { Float($0 % 2) })
        let centers = Tensor(shape: [n, 2], scalars: (0..<n).flatMap { [$0 % 2 == 0 ? Float(-2) : 2, 0] })
        return (centers + Tensor.randn([n, 2], generator: generator) * 0.3, labels)
    }
}
