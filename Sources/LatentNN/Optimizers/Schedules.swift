import Foundation
import LatentTensor

/// A learning rate as a function of the step (0-based). Set `optimizer.learningRate =
/// schedule.learningRate(atStep: step)` before each `step()`.
public protocol LearningRateSchedule {
    /// The rate to use for step `step`.
    func learningRate(atStep step: Int) -> Float
}

/// base · γ^⌊step / stepSize⌋ (PyTorch's StepLR).
public struct StepDecay: LearningRateSchedule {
    public let base: Float, stepSize: Int, gamma: Float
    public init(base: Float, stepSize: Int, gamma: Float = 0.1) {
        require(stepSize > 0, "StepDecay: stepSize must be positive, got \(stepSize)")
        (self.base, self.stepSize, self.gamma) = (base, stepSize, gamma)
    }
    public func learningRate(atStep step: Int) -> Float { base * Float(Foundation.pow(Double(gamma), Double(step / stepSize))) }
}

/// base · γ^step (PyTorch's ExponentialLR).
public struct ExponentialDecay: LearningRateSchedule {
    public let base: Float, gamma: Float
    public init(base: Float, gamma: Float) { (self.base, self.gamma) = (base, gamma) }
    public func learningRate(atStep step: Int) -> Float { base * Float(Foundation.pow(Double(gamma), Double(step))) }
}

/// Cosine annealing from `base` to `minimum` over `totalSteps`, then constant at `minimum`:
/// min + (base − min)·(1 + cos(π·step / total)) / 2 (Loshchilov & Hutter's SGDR without restarts).
public struct CosineAnnealing: LearningRateSchedule {
    public let base: Float, totalSteps: Int, minimum: Float
    public init(base: Float, totalSteps: Int, minimum: Float = 0) {
        require(totalSteps > 0, "CosineAnnealing: totalSteps must be positive, got \(totalSteps)")
        (self.base, self.totalSteps, self.minimum) = (base, totalSteps, minimum)
    }
    public func learningRate(atStep step: Int) -> Float {
        let t = Double(Swift.min(step, totalSteps)) / Double(totalSteps)
        return minimum + (base - minimum) * Float((1 + Foundation.cos(Double.pi * t)) / 2)
    }
}

/// Linear warm-up over the first `warmupSteps` steps — rate · (step + 1) / warmupSteps — then
/// the wrapped schedule, shifted so that it starts at its own step 0.
public struct LinearWarmup: LearningRateSchedule {
    public let warmupSteps: Int
    public let schedule: any LearningRateSchedule
    public init(warmupSteps: Int, then schedule: any LearningRateSchedule) {
        require(warmupSteps >= 0, "LinearWarmup: warmupSteps must be non-negative, got \(warmupSteps)")
        (self.warmupSteps, self.schedule) = (warmupSteps, schedule)
    }
    public func learningRate(atStep step: Int) -> Float {
        if step < warmupSteps { return schedule.learningRate(atStep: 0) * Float(step + 1) / Float(warmupSteps) }
        return schedule.learningRate(atStep: step - warmupSteps)
    }
}
