import LatentTensor
import CLatentKernels

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// following PyTorch's `torch.optim.SGD` update exactly (see `lk_sgd_update`).
public final class SGD: Optimizer {
    public var learningRate: Float
    /// Momentum factor μ (0 = plain SGD).
    public let momentum: Float
    /// Dampening of the gradient added to the momentum buffer.
    public let dampening: Float
    /// L2 penalty coefficient added to the gradient.
    public let weightDecay: Float
    /// Nesterov's look-ahead form of momentum.
    public let nesterov: Bool
    public private(set) var stepCount = 0
    private let parameters: [(String, Parameter)]
    private var buffers: [Tensor?]

    /// - Parameter parameters: `module.namedParameters()` (names are used to save state).
    public init(_ parameters: [(String, Parameter)], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        require(learningRate >= 0 && momentum >= 0 && weightDecay >= 0,
                "SGD: learning rate (\(learningRate)), momentum (\(momentum)) and weight decay (\(weightDecay)) must be non-negative")
        require(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and zero dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        stepCount += 1
        for (i, (_, p)) in parameters.enumerated() where !p.isFrozen {
            guard let g = p.grad else { continue }
            let first = buffers[i] == nil
            if momentum != 0 && first { buffers[i] = Tensor.zeros(p.shape) }
            g.withUnsafeBufferPointer { gp in
                p.value.withUnsafeMutableBufferPointer { pp in
                    if momentum != 0 {
                        buffers[i]!.withUnsafeMutableBufferPointer { bp in
                            lk_sgd_update(pp.baseAddress, gp.baseAddress, bp.baseAddress, pp.count, learningRate, momentum,
                                          dampening, weightDecay, nesterov ? 1 : 0, first ? 1 : 0)
                        }
                    } else {
                        lk_sgd_update(pp.baseAddress, gp.baseAddress, nil, pp.count, learningRate, 0, 0, weightDecay, 0, 1)
                    }
                }
            }
        }
    }

    public func zeroGrad() { for (_, p) in parameters { p.zeroGrad() } }

    public func stateTensors() -> [String: Tensor] {
        var state = ["step": Tensor([Float(stepCount)])]
        for (i, (name, _)) in parameters.enumerated() {
            if let b = buffers[i] { state[name + ".momentum_buffer"] = b }
        }
        return state
    }

    public func loadState(_ state: [String: Tensor]) throws {
        var problems: [String] = []
        let step = OptimizerState.step(state, &problems)
        var loaded = [Tensor?](repeating: nil, count: parameters.count)
        var known: Set<String> = ["step"]
        for (i, (name, p)) in parameters.enumerated() {
            let key = name + ".momentum_buffer"
            known.insert(key)
            if let b = state[key] {
                if b.shape != p.shape { problems.append("\(key): shape \(b.shape), expected \(p.shape)") } else { loaded[i] = b }
            }
        }
        problems += state.keys.filter { !known.contains($0) }.sorted().map { "unexpected entry \($0)" }
        guard problems.isEmpty else { throw OptimizerStateError(problems: problems) }
        stepCount = step
        buffers = loaded
    }
}

/// Shared pieces of optimizer state handling.
enum OptimizerState {
    /// The step count stored under "step", recording a problem if it is missing or malformed.
    static func step(_ state: [String: Tensor], _ problems: inout [String]) -> Int {
        guard let s = state["step"] else { problems.append("missing entry step"); return 0 }
        // Checked before the conversion to Int: ±∞ or 1e30 would trap there.
        guard s.count == 1, s.scalars[0] >= 0, s.scalars[0] <= 1e15, s.scalars[0] == s.scalars[0].rounded() else {
            problems.append("step: expected one whole number in 0…1e15, got \(s.count == 1 ? String(s.scalars[0]) : "shape \(s.shape)")")
            return 0
        }
        return Int(s.scalars[0])
    }
}
