import Foundation
import LatentTensor
import LatentNN

/// A fully connected layer y = x·W̃ᵀ + b whose weight is spectrally normalized (Miyato et al. 2018,
/// as residual flows use it: Behrmann et al. 2019, Chen et al. 2019):
///
///     W̃ = W / max(1, σ̂(W)/c),   σ̂(W) = uᵀ W v,
///
/// so the layer's Lipschitz constant ‖W̃‖₂ is at most c (up to the accuracy of σ̂). u `[out]` and
/// v `[in]` are unit vectors kept between calls and improved by power iteration
/// (v ← Wᵀu/‖Wᵀu‖, u ← Wv/‖Wv‖): `initialIterations` at construction, then the owner calls
/// `powerIterate` once per training step, so σ̂ tracks σ_max(W) as W changes (PyTorch's
/// `spectral_norm` does the same). u and v are `Buffer`s: checkpoints save them, so a loaded layer
/// normalizes exactly as the saved one did. Gradients flow through σ̂ with u and v held constant.
///
/// Shapes: input `[N, in]`, output `[N, out]`; `weight` is `[out, in]` like `Linear`'s.
public final class SpectralNormLinear: Module {
    /// W before normalization, `[out, in]`.
    public let weight: Parameter
    /// b, `[out]`.
    public let bias: Parameter
    /// The left singular vector estimate u, `[out]` (unit length).
    public let u: Buffer
    /// The right singular vector estimate v, `[in]` (unit length).
    public let v: Buffer
    /// c, the bound on the normalized weight's spectral norm (0 < c).
    public let coefficient: Float

    /// A layer initialized like PyTorch's `nn.Linear`, with u drawn from N(0, I) and improved by
    /// `initialIterations` power iterations.
    public init(_ inFeatures: Int, _ outFeatures: Int, coefficient: Float, initialIterations: Int = 50,
                generator: RandomGenerator = .global) {
        require(inFeatures > 0 && outFeatures > 0, "SpectralNormLinear: feature counts must be positive, got \(inFeatures) → \(outFeatures)")
        require(coefficient > 0 && coefficient.isFinite, "SpectralNormLinear: coefficient c must be positive and finite, got \(coefficient)")
        require(initialIterations >= 1, "SpectralNormLinear: initialIterations must be ≥ 1, got \(initialIterations)")
        weight = Parameter(Initializer.pytorchDefault.make([outFeatures, inFeatures], generator: generator))
        bias = Parameter(Initializer.fanInUniform(fanIn: inFeatures).make([outFeatures], generator: generator))
        u = Buffer(SpectralNormLinear.normalized(Tensor.randn([outFeatures], generator: generator)))
        v = Buffer(Tensor.zeros([inFeatures]))
        self.coefficient = coefficient
        super.init()
        powerIterate(initialIterations)
    }

    /// `iterations` steps of the power iteration on the current W (no tape), updating u and v.
    public func powerIterate(_ iterations: Int) {
        withoutGrad {
            let w = weight.value.detached()
            var uu = u.value, vv = v.value
            for _ in 0..<iterations {
                vv = SpectralNormLinear.normalized(uu.reshaped([1, -1]).matmul(w).reshaped([-1]))
                uu = SpectralNormLinear.normalized(w.matmul(vv.reshaped([-1, 1])).reshaped([-1]))
            }
            u.value = uu
            v.value = vv
        }
    }

    /// σ̂ = uᵀWv, the current estimate of the largest singular value of W (a plain number).
    public var spectralNormEstimate: Float {
        withoutGrad { SpectralNormLinear.sigma(weight.value, u.value, v.value).item }
    }

    /// W̃ = W / max(1, σ̂/c), `[out, in]`, recorded on the tape (the gradient sees σ̂'s dependence on W).
    public func normalizedWeight() -> Tensor {
        let w = weight.value
        let scale = SpectralNormLinear.sigma(w, u.value, v.value) / coefficient
        return scale.item > 1 ? w / scale : w
    }

    /// x·W̃ᵀ + b for x `[N, in]`, and W̃ itself (for Jacobian-vector products).
    public func callAsFunction(_ x: Tensor) -> (y: Tensor, weight: Tensor) {
        let w = normalizedWeight()
        return (x.linear(weight: w, bias: bias.value), w)
    }

    /// uᵀ W v as a scalar tensor (u, v constants).
    private static func sigma(_ w: Tensor, _ u: Tensor, _ v: Tensor) -> Tensor {
        (w * (u.reshaped([-1, 1]) * v.reshaped([1, -1]))).sum()
    }

    /// t / ‖t‖ (t returned as is when its norm is 0).
    private static func normalized(_ t: Tensor) -> Tensor {
        let norm = t.square().sum().item.squareRoot()
        return norm > 0 ? t / norm : t
    }
}
