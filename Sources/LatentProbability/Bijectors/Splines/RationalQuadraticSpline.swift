import Foundation
import LatentTensor

/// The monotonic rational-quadratic spline of Neural Spline Flows (Durkan et al. 2019, after
/// Gregory & Delbourgo 1982), with linear tails: an elementwise bijection of ℝ that is a spline
/// with K bins on [−B, B] and the identity outside it.
///
/// Parameters per element (`parameterCount` = 3K − 1 numbers, unconstrained, laid out
/// `[widths K | heights K | derivatives K − 1]`):
///
/// - bin widths w = w_min + (1 − K·w_min)·softmax(ŵ), scaled to sum to 2B; knots
///   x_0 = −B < x_1 < … < x_K = B (likewise heights → y_0 = −B … y_K = B);
/// - interior knot derivatives δ_k = δ_min + softplus(δ̂_k + c) with c = log(e^{1−δ_min} − 1),
///   so δ̂ = 0 gives δ = 1; δ_0 = δ_K = 1 to match the identity tails. All-zero parameters are
///   therefore exactly the identity.
///
/// In bin k, with ξ = (x − x_k)/w_k ∈ [0, 1], s_k = h_k/w_k:
///
///     y = y_k + h_k·(s_k ξ² + δ_k ξ(1−ξ)) / (s_k + (δ_{k+1} + δ_k − 2s_k)·ξ(1−ξ))
///     dy/dx = s_k²·(δ_{k+1} ξ² + 2 s_k ξ(1−ξ) + δ_k (1−ξ)²) / (s_k + (δ_{k+1} + δ_k − 2s_k)·ξ(1−ξ))²
///
/// The inverse solves a ξ² + b ξ + c = 0 (r = y − y_k, Δ = δ_{k+1} + δ_k − 2s_k):
/// a = h_k(s_k − δ_k) + rΔ, b = h_k δ_k − rΔ, c = −s_k r, with the cancellation-free root
/// ξ = 2c / (−b − √(b² − 4ac)) (a + b = h_k s_k > 0 keeps the denominator negative).
///
/// Shapes: values of any shape S, parameters `S + [3K − 1]`; outputs and elementwise
/// log|dy/dx| have shape S. Bins are found with `Tensor.searchsorted` and read with `gather`,
/// so gradients reach the parameters and the input. Inputs are clamped to [−B, B] before the
/// spline arithmetic and the tails are selected with `Tensor.where`, so inputs at knots, at ±B
/// or far in the tails never produce NaN.
public struct RationalQuadraticSpline: Equatable {
    /// K, the number of bins.
    public let bins: Int
    /// B: the spline acts on [−B, B], the identity elsewhere.
    public let bound: Float
    /// Smallest bin width as a fraction of 2B (before scaling).
    public let minBinWidth: Float
    /// Smallest bin height as a fraction of 2B (before scaling).
    public let minBinHeight: Float
    /// Smallest interior knot derivative.
    public let minDerivative: Float

    /// A spline with `bins` bins on [−bound, bound]. The minima must leave room: K·w_min < 1,
    /// K·h_min < 1, 0 < δ_min < 1.
    public init(bins: Int = 8, bound: Float = 3, minBinWidth: Float = 1e-3, minBinHeight: Float = 1e-3,
                minDerivative: Float = 1e-3) {
        require(bins >= 1, "RationalQuadraticSpline: bins must be ≥ 1, got \(bins)")
        require(bound > 0 && bound.isFinite, "RationalQuadraticSpline: bound must be positive and finite, got \(bound)")
        require(minBinWidth >= 0 && Float(bins) * minBinWidth < 1,
                "RationalQuadraticSpline: need 0 ≤ minBinWidth and bins·minBinWidth < 1, got \(minBinWidth) with \(bins) bins")
        require(minBinHeight >= 0 && Float(bins) * minBinHeight < 1,
                "RationalQuadraticSpline: need 0 ≤ minBinHeight and bins·minBinHeight < 1, got \(minBinHeight) with \(bins) bins")
        require(minDerivative > 0 && minDerivative < 1,
                "RationalQuadraticSpline: minDerivative must lie in (0, 1), got \(minDerivative)")
        self.bins = bins
        self.bound = bound
        self.minBinWidth = minBinWidth
        self.minBinHeight = minBinHeight
        self.minDerivative = minDerivative
    }

    /// 3K − 1: unconstrained numbers per transformed element.
    public var parameterCount: Int { 3 * bins - 1 }

    /// y = f(x) and log|f′(x)| elementwise (shape of `x`); `parameters` is `x.shape + [3K − 1]`.
    public func forward(_ x: Tensor, parameters: Tensor) -> (y: Tensor, logAbsDet: Tensor) {
        let knots = self.knots(parameters, values: x, op: "forward")
        let inside = x.ge(-bound) * x.le(bound)
        let xc = x.clamp(min: -bound, max: bound)
        let bin = knots.bin(of: xc, in: knots.x, bins: bins)
        let xi = ((xc - bin.x) / bin.width).clamp(min: 0, max: 1)
        let t = xi * (1 - xi)
        let denominator = bin.slope + (bin.d1 + bin.d0 - 2 * bin.slope) * t
        let inner = bin.y + bin.height * (bin.slope * xi.square() + bin.d0 * t) / denominator
        let logDerivative = logSlope(bin, xi: xi, t: t, denominator: denominator)
        return (Tensor.where(inside, inner, x), Tensor.where(inside, logDerivative, Tensor.zeros([])))
    }

    /// x = f⁻¹(y) and log|(f⁻¹)′(y)| elementwise; `parameters` is `y.shape + [3K − 1]`. The range
    /// of f is all of ℝ (linear tails), so every finite y inverts; NaN or ±∞ stops with a message.
    public func inverse(_ y: Tensor, parameters: Tensor) -> (x: Tensor, logAbsDet: Tensor) {
        if y.hasNonFinite, let bad = y.scalars.firstIndex(where: { !$0.isFinite }) {
            fatalError("RationalQuadraticSpline.inverse: value \(y[flat: bad]) at flat index \(bad) of shape \(y.shape) "
                       + "is not finite; the spline's range is all reals (identity tails outside ±\(bound)), "
                       + "so only finite values can be inverted")
        }
        let knots = self.knots(parameters, values: y, op: "inverse")
        let inside = y.ge(-bound) * y.le(bound)
        let yc = y.clamp(min: -bound, max: bound)
        let bin = knots.bin(of: yc, in: knots.y, bins: bins)
        let r = yc - bin.y
        let delta = bin.d1 + bin.d0 - 2 * bin.slope
        let a = bin.height * (bin.slope - bin.d0) + r * delta
        let b = bin.height * bin.d0 - r * delta
        let c = -bin.slope * r
        let discriminant = (b.square() - 4 * a * c).clamp(min: 0)
        let xi = (2 * c / (-b - discriminant.sqrt())).clamp(min: 0, max: 1)
        let inner = bin.x + xi * bin.width
        let t = xi * (1 - xi)
        let denominator = bin.slope + delta * t
        let logDerivative = -logSlope(bin, xi: xi, t: t, denominator: denominator)
        return (Tensor.where(inside, inner, y), Tensor.where(inside, logDerivative, Tensor.zeros([])))
    }

    /// log f′ in a bin: 2 log s + log(δ_{k+1}ξ² + 2sξ(1−ξ) + δ_k(1−ξ)²) − 2 log(denominator).
    private func logSlope(_ bin: Bin, xi: Tensor, t: Tensor, denominator: Tensor) -> Tensor {
        let numerator = bin.d1 * xi.square() + 2 * bin.slope * t + bin.d0 * (1 - xi).square()
        return 2 * bin.slope.log() + numerator.log() - 2 * denominator.log()
    }

    /// Knot coordinates and derivatives, each `S + [K + 1]`, from the unconstrained parameters.
    private func knots(_ parameters: Tensor, values: Tensor, op: String) -> Knots {
        require(parameters.shape == values.shape + [parameterCount],
                "RationalQuadraticSpline.\(op): parameters must have shape \(values.shape + [parameterCount]) "
                + "(values \(values.shape) + [3·\(bins) − 1]), got \(parameters.shape)")
        let last = values.rank
        let pieces = parameters.split(sizes: [bins, bins, bins - 1], axis: last)
        let edge = Tensor.full(values.shape + [1], bound)
        func coordinates(_ raw: Tensor, minimum: Float) -> Tensor {
            let fractions = minimum + (1 - minimum * Float(bins)) * raw.softmax(axis: last)
            var parts = [-edge]
            if bins > 1 {
                parts.append(fractions.slice(axis: last, from: 0, to: bins - 1).cumsum(axis: last) * (2 * bound) - bound)
            }
            parts.append(edge)
            return Tensor.concat(parts, axis: last)
        }
        let ones = Tensor.ones(values.shape + [1])
        var derivatives = [ones]
        if bins > 1 {
            let shift = Float(Foundation.log(Foundation.expm1(1 - Double(minDerivative))))
            derivatives.append(minDerivative + (pieces[2] + shift).softplus())
        }
        derivatives.append(ones)
        return Knots(x: coordinates(pieces[0], minimum: minBinWidth), y: coordinates(pieces[1], minimum: minBinHeight),
                     derivatives: Tensor.concat(derivatives, axis: last))
    }
}

/// Knots of a spline per element: x and y coordinates and derivatives, `S + [K + 1]`.
private struct Knots {
    let x: Tensor, y: Tensor, derivatives: Tensor

    /// The bin quantities for each value (clamped to [−B, B]), each of the values' shape S, found by
    /// searching `edges` (the x knots going forward, the y knots going back).
    func bin(of values: Tensor, in edges: Tensor, bins: Int) -> Bin {
        let shape = values.shape
        let last = shape.count
        let found = Tensor.searchsorted(edges, values.reshaped(shape + [1]), right: true)
        let k = (found - 1).clamp(min: 0, max: Float(bins - 1))
        func at(_ t: Tensor, _ index: Tensor) -> Tensor { t.gather(axis: last, index: index).reshaped(shape) }
        let x0 = at(x, k), y0 = at(y, k)
        let width = at(x, k + 1) - x0, height = at(y, k + 1) - y0
        return Bin(x: x0, y: y0, width: width, height: height, slope: height / width,
                   d0: at(derivatives, k), d1: at(derivatives, k + 1))
    }
}

/// One bin per element: its lower-left knot (x, y), width, height, slope h/w and the knot derivatives.
private struct Bin {
    let x: Tensor, y: Tensor, width: Tensor, height: Tensor, slope: Tensor, d0: Tensor, d1: Tensor
}
