import Latent

/// The `noise` and `scale` settings of the built-in 2-D densities: which densities have them,
/// their defaults, and the density they give.
///
/// The defaults are the densities' own (FFJORD's layouts), so a run that names neither key — and
/// every run folder written before the keys existed — draws exactly the points it drew before.
/// The README's reference result uses scikit-learn's moons instead: `--scale 1 --noise 0.05`.
public enum DensityParameters {
    /// The densities that read `noise`: the σ of their Gaussian noise (moons: scikit-learn's
    /// `noise`, applied before scaling; the others: after).
    public static let noiseDatasets = ["moons", "8gaussians", "rings", "2spirals", "swissroll"]
    /// The densities that read `scale`: their overall size (moons: 1 = scikit-learn's, 2 = FFJORD's).
    public static let scaleDatasets = ["moons", "pinwheel", "checkerboard", "2spirals", "swissroll"]

    /// The default `noise` of `data`, or nil when it has none.
    public static func defaultNoise(_ data: String) -> Double? {
        switch data {
        case "moons": return TwoMoons().noise
        case "8gaussians": return EightGaussians().std
        case "rings": return ConcentricRings().std
        case "2spirals": return TwoSpirals().std
        case "swissroll": return SwissRoll().std
        default: return nil
        }
    }

    /// The default `scale` of `data`, or nil when it has none.
    public static func defaultScale(_ data: String) -> Double? {
        switch data {
        case "moons": return TwoMoons().scale
        case "pinwheel": return Pinwheel().scale
        case "checkerboard": return Checkerboard().scale
        case "2spirals": return TwoSpirals().scale
        case "swissroll": return SwissRoll().scale
        default: return nil
        }
    }

    /// The density called `name` with `noise` and `scale` where given and where it has them
    /// (nil: the density's default), or nil when `name` is not a 2-D density.
    public static func density(_ name: String, noise: Double? = nil, scale: Double? = nil) -> (any Toy2DDensity)? {
        switch name {
        case "moons":
            var d = TwoMoons()
            if let noise = noise { d.noise = noise }
            if let scale = scale { d.scale = scale }
            return d
        case "8gaussians":
            var d = EightGaussians()
            if let noise = noise { d.std = noise }
            return d
        case "rings":
            var d = ConcentricRings()
            if let noise = noise { d.std = noise }
            return d
        case "pinwheel":
            var d = Pinwheel()
            if let scale = scale { d.scale = scale }
            return d
        case "checkerboard":
            var d = Checkerboard()
            if let scale = scale { d.scale = scale }
            return d
        case "2spirals":
            var d = TwoSpirals()
            if let noise = noise { d.std = noise }
            if let scale = scale { d.scale = scale }
            return d
        case "swissroll":
            var d = SwissRoll()
            if let noise = noise { d.std = noise }
            if let scale = scale { d.scale = scale }
            return d
        default:
            return Toy2D.named(name)
        }
    }
}
