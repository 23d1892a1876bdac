import LatentTensor
import LatentNN

/// The distribution of x = f(z) with z drawn from `base` and f a bijector — a normalizing flow
/// (distrax's `Transformed`). Exact density by the change of variables:
///
///     log p(x) = log p_base(f⁻¹(x)) + log|det ∂f⁻¹/∂x|,
///
/// so `logProb` runs the bijector's *inverse* (data → latent), and `sample`/`rsample` its forward.
/// For a stack written data → latent (Glow, RealNVP, `BatchNormFlow`), pass `Inverse(stack)`.
///
/// Shapes: `base` has batch shape `[]` and event shape E_z; values x have event shape E_x
/// (`eventShape`, by default E_z — give it when the bijector reshapes, e.g. `Squeeze`).
/// `logProb` takes `[S..., E_x...]` (any leading sample axes, flattened for the bijector) and
/// returns `[S...]`. An optional context `[N, F]` conditions the bijector (conditional flows):
/// then x is `[N, E_x...]`, and sampling draws one x per context row.
///
/// No closed-form mean, variance or entropy: `mean` and `variance` stop with a message pointing
/// to Monte Carlo estimates from `sample`, and `entropy()` to `entropyEstimate(samples:)`.
public struct TransformedDistribution: Distribution {
    /// The distribution of z.
    public let base: any Distribution
    /// f: z ↦ x.
    public let bijector: any Bijector
    /// E_x, the shape of one value x.
    public let eventShape: [Int]
    /// Always `[]`.
    public var batchShape: [Int] { [] }

    /// The law of f(z), z ~ `base`. `eventShape` is the shape of one x (default: the base's).
    public init(base: any Distribution, bijector: any Bijector, eventShape: [Int]? = nil) {
        require(base.batchShape.isEmpty,
                "TransformedDistribution: the base must have batch shape [] (got \(base.batchShape)); wrap an elementwise base in Independent")
        self.base = base
        self.bijector = bijector
        self.eventShape = eventShape ?? base.eventShape
    }

    /// `[S..., E...]` → `[∏S, E...]`, and S.
    private func flatten(_ v: Tensor, _ event: [Int], _ name: String) -> (Tensor, [Int]) {
        let k = event.count
        require(v.rank >= k && Array(v.shape.suffix(k)) == event,
                "TransformedDistribution.\(name): value of shape \(v.shape) must end in the event shape \(event)")
        let lead = Array(v.shape.dropLast(k))
        return (v.reshaped([lead.reduce(1, *)] + event), lead)
    }

    private func checkContext(_ context: Tensor?, rows: Int, _ name: String) {
        guard let c = context else { return }
        require(c.rank >= 1 && c.shape[0] == rows,
                "TransformedDistribution.\(name): context of shape \(c.shape) must have one row per value (\(rows))")
    }

    /// log p(x) = log p_base(f⁻¹(x)) + log|det ∂f⁻¹/∂x|, shape `[S...]`.
    public func logProb(_ x: Tensor) -> Tensor { logProb(x, context: nil) }

    /// log p(x | context), shape `[S...]`; the context has one row per value.
    public func logProb(_ x: Tensor, context: Tensor?) -> Tensor {
        let (flat, lead) = flatten(x, eventShape, "logProb")
        checkContext(context, rows: flat.shape[0], "logProb")
        let (z, logDet) = bijector.inverseAndLogDet(flat, context: context)
        return (base.logProb(z) + logDet).reshaped(lead)
    }

    /// Whether the base has `rsample` (then so does this distribution).
    public var hasRSample: Bool { base.hasRSample }

    /// Unconditional draws, `sampleShape + eventShape` (see `sample(_:context:generator:)`).
    public func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        sample(sampleShape, context: nil, generator: generator)
    }

    /// Draws x = f(z) of shape `sampleShape + eventShape`, without gradients. With a context,
    /// `sampleShape`'s element count must equal the context's rows (one draw per row).
    public func sample(_ sampleShape: [Int], context: Tensor?, generator: RandomGenerator = .global) -> Tensor {
        withoutGrad {
            let z = base.sample(sampleShape, generator: generator)
            return push(z, sampleShape, context: context, "sample").x.detached()
        }
    }

    /// Unconditional reparameterized draws (see `rsample(_:context:generator:)`).
    public func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        rsample(sampleShape, context: nil, generator: generator)
    }

    /// Reparameterized draws x = f(z), z = base.rsample: gradients reach the bijector's parameters
    /// (and the base's). Stops if the base has no `rsample`.
    public func rsample(_ sampleShape: [Int], context: Tensor?, generator: RandomGenerator = .global) -> Tensor {
        rsampleAndLogProb(sampleShape, context: context, generator: generator).x
    }

    /// Reparameterized draws and their log-density in one forward pass (no inverse needed):
    /// log p(x) = log p_base(z) − log|det ∂f/∂z|. This is how flow posteriors q(z|x) of VAEs (IAF,
    /// planar flows) are evaluated. Returns x `sampleShape + eventShape` and log p `sampleShape`.
    public func rsampleAndLogProb(_ sampleShape: [Int], context: Tensor? = nil,
                                  generator: RandomGenerator = .global) -> (x: Tensor, logProb: Tensor) {
        require(base.hasRSample, "TransformedDistribution.rsample: the base \(type(of: base)) has no reparameterized sampler")
        let z = base.rsample(sampleShape, generator: generator)
        let (x, logDet) = push(z, sampleShape, context: context, "rsample")
        let (flatZ, _) = flatten(z, base.eventShape, "rsample")
        return (x, (base.logProb(flatZ) - logDet).reshaped(sampleShape))
    }

    /// f(z) and log|det ∂f/∂z| for base draws `z` of shape `sampleShape + E_z`.
    private func push(_ z: Tensor, _ sampleShape: [Int], context: Tensor?, _ name: String) -> (x: Tensor, logDet: Tensor) {
        let (flat, _) = flatten(z, base.eventShape, name)
        checkContext(context, rows: flat.shape[0], name)
        let (x, logDet) = bijector.forwardAndLogDet(flat, context: context)
        require(Array(x.shape.dropFirst()) == eventShape,
                "TransformedDistribution.\(name): the bijector produced events of shape \(Array(x.shape.dropFirst())), expected \(eventShape); pass eventShape: to the initializer")
        return (x.reshaped(sampleShape + eventShape), logDet)
    }

    /// No closed form: stops. Estimate with `sample([n], generator:).mean(axis: 0)`.
    public var mean: Tensor {
        fatalError("TransformedDistribution has no closed-form mean; estimate it from samples: sample([n], generator: g).mean(axis: 0)")
    }

    /// No closed form: stops. Estimate with `sample([n], generator:).variance(axis: 0)`.
    public var variance: Tensor {
        fatalError("TransformedDistribution has no closed-form variance; estimate it from samples: sample([n], generator: g).variance(axis: 0)")
    }
}
