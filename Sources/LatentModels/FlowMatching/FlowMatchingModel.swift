import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// Conditional flow matching with optimal-transport paths (Lipman et al. 2023, "Flow Matching for
/// Generative Modeling"): a velocity network v_θ(x, t) is regressed onto the velocity of straight
/// paths from noise x₀ ~ N(0, I) to data x₁,
///
///     x_t = (1 − (1 − σ_min)·t)·x₀ + t·x₁,    u_t = x₁ − (1 − σ_min)·x₀,    t ~ U(0, 1),
///     L(θ) = E ‖v_θ(x_t, t) − u_t‖²          (summed over D, averaged over the batch)
///
/// — no ODE is solved during training. The learned field defines a continuous normalizing flow
/// (`ContinuousFlow`): samples integrate dx/dt = v from t = 0 to 1, and log p(x) integrates the
/// instantaneous change of variables backward from t = 1 to 0 (exact trace in small D,
/// Hutchinson's estimator otherwise), both with the configured solver.
///
/// Shapes: data `[N, D]`, log-densities `[N]`. Training and evaluation report the flow matching
/// loss (`loss`, cheap); the NLL is `logProb` (one ODE solve per batch, done by `latent eval`).
public final class FlowMatchingModel: Module, TrainableModel {
    /// The description the model was built from (saved in checkpoints).
    public let configuration: FlowMatchingConfiguration
    /// v_θ(x, t).
    public let network: VelocityNetwork

    /// A new model with weights drawn from `configuration.seed`. The configuration must have no
    /// `problems()` (callers check them first and report them).
    public init(configuration: FlowMatchingConfiguration) {
        let problems = configuration.problems()
        require(problems.isEmpty, "FlowMatchingModel: " + problems.joined(separator: "; "))
        self.configuration = configuration
        network = VelocityNetwork(features: configuration.features, hidden: configuration.hidden,
                                  generator: RandomGenerator(seed: configuration.seed))
    }

    /// D.
    public var features: Int { configuration.features }

    /// p₀ = N(0, I) over `[D]`.
    public var base: StandardNormal { StandardNormal(eventShape: [features]) }

    /// v_θ(x, t) for points `[N, D]` at one time t, `[N, D]`.
    public func velocity(_ x: Tensor, time t: Double) -> Tensor {
        network(x, time: Tensor.full([x.shape[0], 1], Float(t)))
    }

    /// The learned field as a continuous flow over the base.
    public var continuousFlow: ContinuousFlow {
        ContinuousFlow(velocity: { [network] x, t in network(x, time: Tensor.full([x.shape[0], 1], Float(t))) }, base: base)
    }

    /// The conditional flow matching loss of data x₁ `[N, D]` (differentiable scalar), t and x₀
    /// drawn with `generator`.
    public func flowMatchingLoss(_ x1: Tensor, generator: RandomGenerator) -> Tensor {
        let x = points(x1, "flowMatchingLoss")
        let n = x.shape[0]
        let s = Float(1 - configuration.sigmaMin)
        let t = Tensor.uniform([n, 1], generator: generator)
        let x0 = Tensor.randn([n, features], generator: generator)
        let xt = x0 * (1 - t * s) + x * t
        let target = x - x0 * s
        return (network(xt, time: t) - target).square().sum(axis: 1).mean()
    }

    /// The flow matching loss of one batch (the loop logs it as `loss`).
    public func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
        TrainingLoss(loss: flowMatchingLoss(batch.x, generator: generator))
    }

    /// `loss`: the flow matching loss on one evaluation batch (the NLL needs an ODE solve per
    /// batch: `logProb`).
    public func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
        ["loss": Double(withoutGrad { flowMatchingLoss(batch.x, generator: generator).item })]
    }

    /// `count` samples x(1) from x(0) ~ T·N(0, I), `[count, D]`, integrated with the configured
    /// solver without gradients. Throws `ODEError` (a solver that cannot finish) or
    /// `FlowModelError.nonFiniteSamples`.
    public func sample(_ count: Int, temperature: Float = 1, generator: RandomGenerator) throws -> Tensor {
        require(count > 0, "FlowMatchingModel.sample: count must be positive, got \(count)")
        require(temperature > 0 && temperature.isFinite, "FlowMatchingModel.sample: temperature must be positive and finite, got \(temperature)")
        let x = try withoutGrad { try continuousFlow.sample(count, temperature: temperature, solver: configuration.odeSolver, generator: generator) }
        let bad = FlowModel.nonFiniteRows(x)
        if bad > 0 { throw FlowModelError.nonFiniteSamples(count: bad, total: count, temperature: temperature) }
        return x
    }

    /// The noise x(0) that the flow carries to data x `[N, D]` (the inverse of sampling).
    public func encode(_ x: Tensor) throws -> Tensor {
        try withoutGrad { try continuousFlow.transport(points(x, "encode"), from: 1, to: 0, solver: configuration.odeSolver).value }
    }

    /// log p(x) in nats, `[N]`, for x `[N, D]`, by the likelihood ODE with the configured solver and
    /// trace (Hutchinson probes from `generator`), and the solver's statistics. The parameters are
    /// frozen meanwhile, so the trace's backward passes leave their gradients alone.
    public func logProb(_ x: Tensor, generator: RandomGenerator) throws -> (logProb: Tensor, solution: ODESolution) {
        let x = points(x, "logProb")
        let live = parameters().filter { !$0.isFrozen }
        for p in live { p.isFrozen = true }
        defer { for p in live { p.isFrozen = false } }
        return try continuousFlow.logProb(x, trace: configuration.continuousTrace, solver: configuration.odeSolver, generator: generator)
    }

    /// `x` checked to be `[N, D]`.
    private func points(_ x: Tensor, _ name: String) -> Tensor {
        require(x.rank == 2 && x.shape[1] == features, "FlowMatchingModel.\(name): data must be [N, \(features)], got \(x.shape)")
        return x
    }
}
