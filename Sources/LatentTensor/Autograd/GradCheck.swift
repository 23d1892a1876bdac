/// Checks reverse-mode gradients against central finite differences.
///
/// For a function f of several tensors, a fixed random projection r turns the output into the
/// scalar L = Σ r ⊙ f(x); the tape's vector-Jacobian product with seed r is compared, element by
/// element, with (L(x + εeᵢ) − L(x − εeᵢ)) / 2ε evaluated in Double. Model code can use it to
/// test custom layers and bijectors the same way the library tests its ops.
public struct GradCheckResult: CustomStringConvertible {
    /// Largest |analytic − numeric| over every checked element.
    public let maxAbsoluteError: Float
    /// Input index, flat element index, analytic and numeric value of the worst element.
    public let worst: (input: Int, element: Int, analytic: Float, numeric: Float)?
    /// Whether every element satisfied |analytic − numeric| ≤ atol + rtol·|numeric|.
    public let passed: Bool

    public var description: String {
        guard let w = worst else { return "gradcheck: no elements checked" }
        return "gradcheck \(passed ? "passed" : "FAILED"): max |error| \(maxAbsoluteError) at input \(w.input) element \(w.element) (analytic \(w.analytic), numeric \(w.numeric))"
    }
}

/// Compares the gradients of `f` at `inputs` with central differences of step `epsilon`.
///
/// Every input is differentiated unless `wrt` names a subset (indices into `inputs`). Use small
/// inputs: the function is evaluated twice per element.
public func gradcheck(_ inputs: [Tensor], wrt: [Int]? = nil, epsilon: Float = 1e-2, atol: Float = 1e-2, rtol: Float = 1e-2,
                      seed: UInt64 = 1234, _ f: ([Tensor]) -> Tensor) -> GradCheckResult {
    let which = wrt ?? Array(inputs.indices)
    let leaves = inputs.enumerated().map { i, t in which.contains(i) ? t.detached().requiringGrad() : t.detached() }
    let out = f(leaves)
    let projection = Tensor.uniform(out.shape, low: -1, high: 1, generator: RandomGenerator(seed: seed))
    require(out.requiresGrad, "gradcheck: the function's output does not depend on any differentiated input")
    out.backward(projection)

    func projected(_ xs: [Tensor]) -> Double {
        let y = withoutGrad { f(xs) }
        var s = 0.0
        for i in 0..<y.count { s += Double(y.storage.pointer[i]) * Double(projection.storage.pointer[i]) }
        return s
    }

    var maxError: Float = 0
    var worst: (Int, Int, Float, Float)? = nil
    var worstExcess = -Float.infinity
    var passed = true
    for i in which {
        let analytic = leaves[i].grad ?? Tensor.zeros(like: leaves[i])
        for e in 0..<inputs[i].count {
            var xs = inputs.map { $0.detached() }
            let original = xs[i].storage.pointer[e]
            xs[i][flat: e] = original + epsilon
            let plus = projected(xs)
            xs[i][flat: e] = original - epsilon
            let minus = projected(xs)
            let numeric = Float((plus - minus) / (2 * Double(epsilon)))
            let a = analytic.storage.pointer[e]
            let err = Swift.abs(a - numeric)
            let excess = err - (atol + rtol * Swift.abs(numeric))
            if !(excess <= 0) { passed = false }
            maxError = Swift.max(maxError, err.isNaN ? .infinity : err)
            if excess > worstExcess || worst == nil || err.isNaN {
                worstExcess = err.isNaN ? .infinity : excess
                worst = (i, e, a, numeric)
            }
        }
    }
    return GradCheckResult(maxAbsoluteError: maxError,
                           worst: worst.map { (input: $0.0, element: $0.1, analytic: $0.2, numeric: $0.3) },
                           passed: passed)
}
