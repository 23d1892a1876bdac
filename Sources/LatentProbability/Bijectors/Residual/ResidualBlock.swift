import Foundation
import LatentTensor
import LatentNN

/// An invertible residual block (i-ResNet, Behrmann et al. 2019; residual flows, Chen et al. 2019)
/// on `[N, D]`:
///
///     y = f(x) = x + g(x),   Lip(g) ≤ c < 1   (g a `LipschitzNetwork`),
///     log|det ∂f/∂x| = log|det(I + J_g(x))| = Σ_{k≥1} (−1)^{k+1} tr(J_g^k)/k,
///
/// invertible because x ↦ y − g(x) is a contraction: the inverse is the fixed point of
/// x ← y − g(x), reached from x = y at the rate c per iteration.
///
/// The forward direction is the cheap one (data → noise in a density model: put the block in a
/// flow as `Inverse(block)`). Its log-determinant is `ResidualLogDet.exact` in evaluation mode
/// (D ≤ `Settings.exactMaxFeatures`) and, in training mode, `settings.trainingLogDet`: the unbiased
/// Russian-roulette estimate (default) or the exact value. Random draws come from `generator`,
/// which the owner sets per step for reproducible runs. In training mode with the tape recording,
/// every forward call first runs `settings.powerIterations` power iterations on each layer
/// (the spectral-norm estimates follow the weights step by step).
///
/// The inverse runs without the tape (samples are not differentiated) and stops after
/// `settings.inverseMaxIterations`: rows whose last step still exceeded `settings.inverseTolerance`
/// come back as NaN, and `lastInverse` says how many and how far they were, so a model can report it.
public final class ResidualBlock: Module, Bijector {
    /// How the block estimates its log-determinant while training.
    public enum TrainingLogDet: String, Codable, Sendable {
        /// The unbiased Russian-roulette power series with Hutchinson traces.
        case russianRoulette
        /// The exact determinant of the D×D Jacobian (D products; small D only).
        case exact
    }

    /// Everything a residual block needs besides its widths (Codable, saved in flow configurations).
    public struct Settings: Codable, Equatable, Sendable {
        /// c, the spectral-norm bound of every layer of g (0 < c < 1).
        public var lipschitzCoefficient: Float
        /// Power iterations per training step.
        public var powerIterations: Int
        /// Power iterations at construction.
        public var initialPowerIterations: Int
        /// The log-determinant used while training.
        public var trainingLogDet: TrainingLogDet
        /// The Russian-roulette estimator's settings.
        public var roulette: ResidualLogDet.RouletteSettings
        /// Evaluation uses the exact log-determinant up to this D, the roulette estimate beyond.
        public var exactMaxFeatures: Int
        /// The fixed-point iteration stops when max |Δx| of a row is below this.
        public var inverseTolerance: Float
        /// The fixed-point iteration's cap.
        public var inverseMaxIterations: Int
        /// φ of g (nil, as in configurations saved before the option existed: LipSwish).
        public var activation: LipschitzNetwork.Activation?

        /// c = 0.9, one power iteration per step (50 at construction), roulette in training with
        /// n₀ = 2 and p = ½, exact evaluation up to D = 16, inverse to 1e-5 in at most 500 iterations.
        public init(lipschitzCoefficient: Float = 0.9, powerIterations: Int = 1, initialPowerIterations: Int = 50,
                    trainingLogDet: TrainingLogDet = .russianRoulette,
                    roulette: ResidualLogDet.RouletteSettings = ResidualLogDet.RouletteSettings(),
                    exactMaxFeatures: Int = 16, inverseTolerance: Float = 1e-5, inverseMaxIterations: Int = 500,
                    activation: LipschitzNetwork.Activation? = nil) {
            self.lipschitzCoefficient = lipschitzCoefficient
            self.powerIterations = powerIterations
            self.initialPowerIterations = initialPowerIterations
            self.trainingLogDet = trainingLogDet
            self.roulette = roulette
            self.exactMaxFeatures = exactMaxFeatures
            self.inverseTolerance = inverseTolerance
            self.inverseMaxIterations = inverseMaxIterations
            self.activation = activation
        }

        /// Every invalid field, one line each.
        public func problems() -> [String] {
            var p = roulette.problems()
            if !(lipschitzCoefficient > 0 && lipschitzCoefficient < 1) { p.append("lipschitzCoefficient must be in (0, 1), got \(lipschitzCoefficient)") }
            if powerIterations < 0 { p.append("powerIterations must be ≥ 0, got \(powerIterations)") }
            if initialPowerIterations < 1 { p.append("initialPowerIterations must be ≥ 1, got \(initialPowerIterations)") }
            if exactMaxFeatures < 0 { p.append("exactMaxFeatures must be ≥ 0, got \(exactMaxFeatures)") }
            if !(inverseTolerance > 0) { p.append("inverseTolerance must be positive, got \(inverseTolerance)") }
            if inverseMaxIterations < 1 { p.append("inverseMaxIterations must be ≥ 1, got \(inverseMaxIterations)") }
            return p
        }
    }

    /// What the last inverse call's fixed-point iteration did.
    public struct InverseReport: Equatable, Sendable {
        /// Iterations run.
        public var iterations: Int
        /// Rows that had not converged at the cap (returned as NaN).
        public var unconverged: Int
        /// The largest max |Δx| of a row in the last iteration.
        public var lastStep: Float
    }

    /// D.
    public let features: Int
    /// g.
    public let network: LipschitzNetwork
    /// The block's settings.
    public let settings: Settings
    /// The source of the roulette's draws (set it per step for reproducible training).
    public var generator: RandomGenerator
    /// The last inverse call's report (nil before the first).
    public private(set) var lastInverse: InverseReport?

    /// A block x + g(x) with g: (D + F) → `hidden` → D.
    public init(features: Int, hidden: [Int], contextFeatures: Int = 0, settings: Settings = Settings(),
                generator: RandomGenerator = .global) {
        let problems = settings.problems()
        require(problems.isEmpty, "ResidualBlock: " + problems.joined(separator: "; "))
        self.features = features
        self.settings = settings
        self.generator = generator
        network = LipschitzNetwork(features: features, hidden: hidden, contextFeatures: contextFeatures,
                                   coefficient: settings.lipschitzCoefficient, activation: settings.activation ?? .lipSwish,
                                   initialPowerIterations: settings.initialPowerIterations, generator: generator)
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        if isTraining && GradMode.isEnabled && settings.powerIterations > 0 { network.powerIterate(settings.powerIterations) }
        let g = network.linearize(x, context: context)
        let exact = isTraining ? settings.trainingLogDet == .exact : features <= settings.exactMaxFeatures
        let logDet = exact ? ResidualLogDet.exact(g) : ResidualLogDet.russianRoulette(g, settings: settings.roulette, generator: generator)
        return (x + g.value, logDet)
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        require(y.rank == 2 && y.shape[1] == features, "ResidualBlock: input must be [N, \(features)], got \(y.shape)")
        let x = withoutGrad { fixedPoint(y.detached(), context: context?.detached()) }
        let logDet = withoutGrad { forwardAndLogDet(x, context: context).logDet }
        return (x, -logDet)
    }

    /// x with x + g(x) = y, by x ← y − g(x) from x = y; unconverged rows set to NaN.
    private func fixedPoint(_ y: Tensor, context: Tensor?) -> Tensor {
        let (n, d) = (y.shape[0], features)
        var x = y
        var converged = [Bool](repeating: false, count: n)
        var report = InverseReport(iterations: 0, unconverged: n, lastStep: .infinity)
        while report.iterations < settings.inverseMaxIterations && converged.contains(false) {
            let next = y - network(x, context: context)
            let (a, b) = (x.scalars, next.scalars)
            var largest: Float = 0
            for row in 0..<n where !converged[row] {
                var step: Float = 0
                for j in 0..<d { step = Swift.max(step, Swift.abs(b[row * d + j] - a[row * d + j])) }
                if step < settings.inverseTolerance { converged[row] = true }
                if !step.isFinite { step = .infinity }
                largest = Swift.max(largest, step)
            }
            x = next
            report.iterations += 1
            report.lastStep = largest
        }
        report.unconverged = converged.filter { !$0 }.count
        lastInverse = report
        guard report.unconverged > 0 else { return x }
        var values = x.scalars
        for row in 0..<n where !converged[row] { for j in 0..<d { values[row * d + j] = .nan } }
        return Tensor(shape: x.shape, scalars: values)
    }
}
