import LatentTensor

/// Rescales the gradients of `parameters` so that their joint L2 norm is at most `maxNorm`
/// (PyTorch's `clip_grad_norm_`: factor maxNorm / (norm + 10⁻⁶) when the norm exceeds maxNorm).
///
/// - Returns: the norm before clipping — NaN or ∞ if some gradient is not finite (then nothing
///   is scaled, so the caller can detect divergence and stop with a useful message).
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    require(maxNorm > 0, "clipGradientNorm: maxNorm must be positive, got \(maxNorm)")
    var total: Double = 0
    for p in parameters {
        guard let g = p.grad else { continue }
        g.withUnsafeBufferPointer { b in for x in b { total += Double(x) * Double(x) } }
    }
    let norm = Float(total.squareRoot())
    guard norm.isFinite else { return norm }
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 {
        for p in parameters {
            guard let g = p.grad else { continue }
            p.value.grad = g * factor
        }
    }
    return norm
}
