import Foundation
import LatentTensor
import CLatentKernels

/// Adam (Kingma & Ba, 2015) with bias correction, and its decoupled-weight-decay form AdamW
/// (Loshchilov & Hutter, 2019), following PyTorch's update exactly (see `lk_adam_update`):
/// ε is added to √v̂, after the bias correction.
public class Adam: Optimizer {
    public var learningRate: Float
    /// Decay rates (β₁, β₂) of the first and second moment estimates.
    public let betas: (Float, Float)
    /// Added to the denominator for stability.
    public let eps: Float
    /// L2 penalty (Adam) or decoupled decay rate (AdamW).
    public let weightDecay: Float
    /// True for AdamW: p ← p·(1 − lr·λ) instead of adding λp to the gradient.
    public let decoupledWeightDecay: Bool
    public private(set) var stepCount = 0
    private let parameters: [(String, Parameter)]
    private var moments: [(m: Tensor, v: Tensor)?]

    /// - Parameter parameters: `module.namedParameters()` (names are used to save state).
    public init(_ parameters: [(String, Parameter)], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        require(learningRate >= 0 && eps >= 0 && weightDecay >= 0,
                "Adam: learning rate (\(learningRate)), eps (\(eps)) and weight decay (\(weightDecay)) must be non-negative")
        require(betas.0 >= 0 && betas.0 < 1 && betas.1 >= 0 && betas.1 < 1, "Adam: betas must lie in [0, 1), got \(betas)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        moments = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        stepCount += 1
        let t = Double(stepCount)
        // Bias corrections in Double, as PyTorch computes them in Python floats.
        let bc1 = Float(1 - Foundation.pow(Double(betas.0), t)), bc2 = Float(1 - Foundation.pow(Double(betas.1), t))
        for (i, (_, p)) in parameters.enumerated() where !p.isFrozen {
            guard let g = p.grad else { continue }
            if moments[i] == nil { moments[i] = (Tensor.zeros(p.shape), Tensor.zeros(p.shape)) }
            var (m, v) = moments[i]!
            moments[i] = nil  // keep m and v uniquely referenced so they update in place
            g.withUnsafeBufferPointer { gp in
                p.value.withUnsafeMutableBufferPointer { pp in
                    m.withUnsafeMutableBufferPointer { mp in
                        v.withUnsafeMutableBufferPointer { vp in
                            guard let pb = pp.baseAddress, let gb = gp.baseAddress, let mb = mp.baseAddress,
                                  let vb = vp.baseAddress else { return }
                            // Each element's update is independent: chunks on the pool's threads.
                            Threads.parallelChunks(pp.count, grain: Threads.elementwiseGrain / 4) { start, n in
                                lk_adam_update(pb + start, gb + start, mb + start, vb + start, n, learningRate, betas.0, betas.1,
                                               eps, weightDecay, decoupledWeightDecay ? 1 : 0, bc1, bc2)
                            }
                        }
                    }
                }
            }
            moments[i] = (m, v)
        }
    }

    public func zeroGrad() { for (_, p) in parameters { p.zeroGrad() } }

    public func stateTensors() -> [String: Tensor] {
        var state = ["step": Tensor([Float(stepCount)])]
        for (i, (name, _)) in parameters.enumerated() {
            if let (m, v) = moments[i] {
                state[name + ".exp_avg"] = m
                state[name + ".exp_avg_sq"] = v
            }
        }
        return state
    }

    public func loadState(_ state: [String: Tensor]) throws {
        var problems: [String] = []
        let step = OptimizerState.step(state, &problems)
        var loaded = [(m: Tensor, v: Tensor)?](repeating: nil, count: parameters.count)
        var known: Set<String> = ["step"]
        for (i, (name, p)) in parameters.enumerated() {
            let (km, kv) = (name + ".exp_avg", name + ".exp_avg_sq")
            known.formUnion([km, kv])
            switch (state[km], state[kv]) {
            case (nil, nil): continue
            case let (m?, v?):
                if m.shape != p.shape { problems.append("\(km): shape \(m.shape), expected \(p.shape)") }
                if v.shape != p.shape { problems.append("\(kv): shape \(v.shape), expected \(p.shape)") }
                if m.shape == p.shape && v.shape == p.shape { loaded[i] = (m, v) }
            default:
                problems.append("\(name): needs both exp_avg and exp_avg_sq, found only one")
            }
        }
        problems += state.keys.filter { !known.contains($0) }.sorted().map { "unexpected entry \($0)" }
        guard problems.isEmpty else { throw OptimizerStateError(problems: problems) }
        stepCount = step
        moments = loaded
    }
}

/// AdamW: Adam with decoupled weight decay (PyTorch's default λ = 0.01).
public final class AdamW: Adam {
    public init(_ parameters: [(String, Parameter)], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0.01) {
        super.init(parameters, learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay, decoupledWeightDecay: true)
    }
}
