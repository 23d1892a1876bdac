import LatentTensor
import LatentNN
import LatentProbability

/// Builds the layers and the base distribution a `FlowConfiguration` describes. Every stack is
/// written noise → data (the `Bijector` convention of `TransformedDistribution`); with image
/// pre-processing the last layer is `Inverse(Logit(alpha:))`, so that the density of the
/// dequantized pixels y ∈ [0, 1]ᴰ includes the logit's log-determinant.
enum FlowArchitecture {
    /// The bijector z ↦ x of `configuration`, with weights drawn from `generator`.
    static func bijector(_ configuration: FlowConfiguration, generator: RandomGenerator) -> Chain {
        configuration.validate()
        let c = configuration
        var stack: [any Bijector]
        switch c.architecture {
        case .glow, .multiScaleRealNVP:
            stack = [Inverse(ImageFlowArchitecture.dataToLatent(c, generator: generator))]
        case .residual:
            stack = [ResidualFlow.bijector(c, generator: generator)]
        default:
            stack = (0..<c.layers).map { layer(c, index: $0, generator: generator) }
        }
        if let image = c.image {
            stack.append(Inverse(Logit(alpha: image.logitAlpha)))
        }
        return Chain(stack)
    }

    /// p(z) over `[D]`.
    static func base(_ configuration: FlowConfiguration) -> any Distribution {
        let d = configuration.features
        switch configuration.base {
        case .standardNormal:
            return StandardNormal(eventShape: [d])
        case .standardLogistic:
            return Independent(Logistic(loc: Tensor.zeros([d]), scale: Tensor.ones([d])), reinterpretedBatchDims: 1)
        }
    }

    /// Layer `index` of the stack (masks flip and orderings reverse on odd indices).
    private static func layer(_ c: FlowConfiguration, index: Int, generator: RandomGenerator) -> any Bijector {
        let odd = index % 2 == 1
        let ordering: MADE.Ordering = odd ? .reversed : .sequential
        let spline = RationalQuadraticSpline(bins: c.splineBins, bound: c.splineBound)
        switch c.architecture {
        case .realNVP:
            return MaskedAffineCoupling(kept: keptFeatures(c, flipped: odd), hidden: c.hidden, contextFeatures: c.contextFeatures,
                                        separateNetworks: c.separateScaleAndShift, logScaleBound: c.logScaleBound,
                                        generator: generator)
        case .maf, .iaf:
            return MaskedAutoregressiveFlow(features: c.features, hiddenFeatures: c.hidden, contextFeatures: c.contextFeatures,
                                            ordering: ordering,
                                            arrangement: c.architecture == .maf ? .maskedAutoregressive : .inverseAutoregressive,
                                            logScaleBound: c.logScaleBound, generator: generator)
        case .splineCoupling:
            return SplineCoupling(features: c.features, mask: .alternating, flipped: odd, hiddenFeatures: c.hidden,
                                  contextFeatures: c.contextFeatures, spline: spline, generator: generator)
        case .autoregressiveSpline:
            return AutoregressiveSpline(features: c.features, hiddenFeatures: c.hidden, contextFeatures: c.contextFeatures,
                                        ordering: ordering, spline: spline, generator: generator)
        case .planar:
            return Planar(features: c.features, contextFeatures: c.contextFeatures, generator: generator)
        case .radial:
            return Radial(features: c.features, contextFeatures: c.contextFeatures, generator: generator)
        case .glow, .multiScaleRealNVP, .residual:
            fatalError("FlowArchitecture: \(c.architecture) is built as one stack (ImageFlowArchitecture, ResidualFlow)")
        }
    }

    /// RealNVP's kept-feature flags for one layer.
    private static func keptFeatures(_ c: FlowConfiguration, flipped: Bool) -> [Bool] {
        let d = c.features
        let kept: [Bool]
        switch c.couplingPattern {
        case .alternating: kept = (0..<d).map { $0 % 2 == 0 }
        case .half: kept = (0..<d).map { $0 < d / 2 }
        case .checkerboard(_, let width): kept = (0..<d).map { ($0 / width + $0 % width) % 2 == 0 }
        }
        return flipped ? kept.map { !$0 } : kept
    }
}
