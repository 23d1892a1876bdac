import Foundation
import LatentProbability

/// What a `FlowMatchingModel` is built from: the data width, the velocity network's hidden
/// widths, the path's σ_min, and how the learned ODE is solved and its density traced. Codable;
/// checkpoints store it as JSON so the same network can be rebuilt.
public struct FlowMatchingConfiguration: Codable, Equatable, Sendable {
    /// The ODE method for sampling and for the likelihood.
    public enum Solver: String, Codable, Sendable, CaseIterable {
        /// `RungeKutta4` with `steps` equal steps: fixed cost, 4·steps network passes.
        case rk4
        /// `DormandPrince` with rtol = atol = `tolerance`: adaptive, error-controlled.
        case dopri5
    }

    /// How tr ∂v/∂x is computed in the likelihood ODE.
    public enum Trace: String, Codable, Sendable, CaseIterable {
        /// D backward passes per evaluation: exact (the default; meant for D ≤ ~10).
        case exact
        /// One backward pass with a Rademacher probe fixed along each path: unbiased, any D.
        case hutchinson
    }

    /// D, the data dimensions.
    public var features: Int
    /// Widths of the velocity MLP's hidden layers (GELU between them).
    public var hidden: [Int]
    /// σ_min of the conditional OT path: x_t = (1 − (1 − σ_min)t)·x₀ + t·x₁.
    public var sigmaMin: Double
    /// The ODE method.
    public var solver: Solver
    /// RK4's steps from t = 0 to 1.
    public var steps: Int
    /// Dormand–Prince's relative and absolute tolerance.
    public var tolerance: Double
    /// The trace method of the likelihood.
    public var trace: Trace
    /// Seed of the initial weights.
    public var seed: UInt64

    /// The defaults are the CLI's on the 2-D densities (see `problems()` for the valid ranges).
    public init(features: Int, hidden: [Int] = [128, 128, 128], sigmaMin: Double = 1e-4, solver: Solver = .dopri5,
                steps: Int = 50, tolerance: Double = 1e-5, trace: Trace = .exact, seed: UInt64 = 0) {
        (self.features, self.hidden, self.sigmaMin, self.solver) = (features, hidden, sigmaMin, solver)
        (self.steps, self.tolerance, self.trace, self.seed) = (steps, tolerance, trace, seed)
    }

    /// The configured solver.
    public var odeSolver: any ODESolver {
        switch solver {
        case .rk4: return RungeKutta4(steps: steps)
        case .dopri5: return DormandPrince(relativeTolerance: tolerance, absoluteTolerance: tolerance)
        }
    }

    /// The configured trace method.
    public var continuousTrace: ContinuousFlow.Trace { trace == .exact ? .exact : .hutchinson(.rademacher) }

    /// Sorted-key JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The configuration `json()` wrote.
    public static func decode(json: String) throws -> FlowMatchingConfiguration {
        try JSONDecoder().decode(FlowMatchingConfiguration.self, from: Data(json.utf8))
    }

    /// Every invalid field, one line each (empty when the model builds).
    public func problems() -> [String] {
        var p: [String] = []
        if features < 1 { p.append("features must be positive, got \(features)") }
        if hidden.isEmpty || hidden.contains(where: { $0 < 1 }) { p.append("hidden needs at least one positive width, got \(hidden)") }
        if !(sigmaMin >= 0 && sigmaMin < 1) { p.append("sigmaMin must be in [0, 1), got \(sigmaMin)") }
        if steps < 1 { p.append("steps must be positive, got \(steps)") }
        if !(tolerance > 0 && tolerance <= 1) { p.append("tolerance must be in (0, 1], got \(tolerance)") }
        return p
    }
}
