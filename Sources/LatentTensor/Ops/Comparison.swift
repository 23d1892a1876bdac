import CLatentKernels

/// Elementwise comparisons with broadcasting. They return 1 where the relation holds and 0
/// elsewhere (a mask for `Tensor.where` or for weighting), and are not differentiable.
extension Tensor {
    /// self == other.
    public func eq(_ other: Tensor) -> Tensor { Tensor.binaryKernel(self, other, LK_EQ, "eq") }
    /// self ≠ other.
    public func ne(_ other: Tensor) -> Tensor { Tensor.binaryKernel(self, other, LK_NE, "ne") }
    /// self < other.
    public func lt(_ other: Tensor) -> Tensor { Tensor.binaryKernel(self, other, LK_LT, "lt") }
    /// self ≤ other.
    public func le(_ other: Tensor) -> Tensor { Tensor.binaryKernel(self, other, LK_LE, "le") }
    /// self > other.
    public func gt(_ other: Tensor) -> Tensor { Tensor.binaryKernel(self, other, LK_GT, "gt") }
    /// self ≥ other.
    public func ge(_ other: Tensor) -> Tensor { Tensor.binaryKernel(self, other, LK_GE, "ge") }

    /// self == s.
    public func eq(_ s: Float) -> Tensor { eq(Tensor(s)) }
    /// self ≠ s.
    public func ne(_ s: Float) -> Tensor { ne(Tensor(s)) }
    /// self < s.
    public func lt(_ s: Float) -> Tensor { lt(Tensor(s)) }
    /// self ≤ s.
    public func le(_ s: Float) -> Tensor { le(Tensor(s)) }
    /// self > s.
    public func gt(_ s: Float) -> Tensor { gt(Tensor(s)) }
    /// self ≥ s.
    public func ge(_ s: Float) -> Tensor { ge(Tensor(s)) }

    /// True when any element is NaN or ±∞ (for training-time divergence checks).
    public var hasNonFinite: Bool {
        let p = storage.pointer
        for i in 0..<count where !p[i].isFinite { return true }
        return false
    }
}
