import Foundation
import LatentTensor

/// Everything needed to rebuild a `FlowModel`: the architecture, its sizes, the base
/// distribution, the optional context width and the optional image pre-processing. Codable; a
/// checkpoint stores it as JSON in its metadata (`FlowModel.save(to:)`), and `FlowModel(configuration:)`
/// builds the same network again (weights then come from the checkpoint).
///
/// Use the factories (`realNVP`, `maf`, `iaf`, `splineCoupling`, `autoregressiveSpline`, `planar`,
/// `radial`) rather than filling the fields by hand.
public struct FlowConfiguration: Codable, Equatable, Sendable {
    /// The layer family of the stack.
    public enum Architecture: String, Codable, Sendable {
        /// RealNVP: `MaskedAffineCoupling` layers with alternating masks.
        case realNVP
        /// MAF: `MaskedAutoregressiveFlow` layers, fast density, D-pass sampling.
        case maf
        /// IAF: `MaskedAutoregressiveFlow(arrangement: .inverseAutoregressive)`, fast sampling, D-pass density.
        case iaf
        /// Neural spline flow, coupling form: `SplineCoupling` layers with alternating masks.
        case splineCoupling
        /// Neural spline flow, autoregressive form: `AutoregressiveSpline` layers.
        case autoregressiveSpline
        /// Rezende & Mohamed's planar flow stack (`Planar` layers; conditional through per-layer hypernetworks).
        case planar
        /// Rezende & Mohamed's radial flow stack (`Radial` layers; conditional through per-layer hypernetworks).
        case radial
        /// A residual flow (invertible ResNet): `ResidualBlock`s x + g(x) with spectrally normalized
        /// g, optionally ActNorm between them (`residual` holds the options; `ResidualFlow`).
        case residual
        /// Glow on images: squeeze, K steps of ActNorm → 1×1 conv → affine coupling per level,
        /// half the channels split off after every level but the last (`ImageFlowArchitecture`).
        case glow
        /// RealNVP's multi-scale image architecture: as `glow` with coupling-only steps whose
        /// masks cycle checkerboard, flipped checkerboard, channel-wise, flipped channel-wise.
        case multiScaleRealNVP
    }

    /// Which features a RealNVP coupling keeps (the mask flips from layer to layer).
    public enum CouplingPattern: Codable, Equatable, Sendable {
        /// Even feature indices kept first.
        case alternating
        /// First ⌊D/2⌋ features kept first.
        case half
        /// Flat `height × width` images (D = height·width): pixels with h + w even kept first.
        case checkerboard(height: Int, width: Int)
    }

    /// The base distribution p(z) of the noise.
    public enum Base: String, Codable, Sendable {
        /// N(0, I).
        case standardNormal
        /// Independent standard logistic: with an identity flow and a `Logit(α: 0)` pre-processing
        /// it makes the model exactly uniform on [0, 1]^D.
        case standardLogistic
    }

    /// The layer family.
    public var architecture: Architecture
    /// D, the number of data features (for images, the flattened pixel count).
    public var features: Int
    /// K, the number of flow layers.
    public var layers: Int
    /// Hidden widths of every conditioner / MADE (ignored by planar and radial).
    public var hidden: [Int]
    /// F, the width of the context vector (0: unconditional). A `Batch.y` of class indices `[N]`
    /// is one-hot encoded to `[N, F]`.
    public var contextFeatures: Int
    /// RealNVP's mask layout.
    public var couplingPattern: CouplingPattern
    /// RealNVP: separate s and t networks (true) or one network with two heads (false).
    public var separateScaleAndShift: Bool
    /// c of the log-scale clamp s = c·tanh(ŝ/c) of RealNVP, MAF and IAF (c = 1: s = tanh ŝ).
    public var logScaleBound: Float
    /// Spline bins K (spline flows).
    public var splineBins: Int
    /// Spline tail bound B: the splines act on [−B, B] and are the identity outside (spline flows).
    public var splineBound: Float
    /// The base distribution.
    public var base: Base
    /// Image pre-processing (dequantization of 8-bit data and logit), nil for real-valued data.
    public var image: ImagePreprocessing?
    /// `[C, H, W]` of one image, for the image architectures (`glow`, `multiScaleRealNVP`), whose
    /// data are flattened to D = C·H·W like every model's.
    public var imageShape: [Int]?
    /// L, the number of scales (levels) of the image architectures; H and W must be divisible by 2ᴸ.
    public var scales: Int
    /// Glow's learned prior for the channels every level but the last factors out: N(μ, σ²) with
    /// μ and log σ from a zero-initialized convolution on the kept channels (`SplitPrior`), instead
    /// of the standard normal base. Image architectures only; nil (configurations saved before the
    /// option existed) and false both mean the standard normal.
    public var learnedSplitPrior: Bool?
    /// The residual flow's options (architecture `residual`; nil there means the defaults).
    public var residual: ResidualFlowOptions?
    /// Seed of the weight initialization.
    public var seed: UInt64

    /// A configuration with every field given (see the factories for the usual choices).
    public init(architecture: Architecture, features: Int, layers: Int, hidden: [Int] = [64, 64], contextFeatures: Int = 0,
                couplingPattern: CouplingPattern = .alternating, separateScaleAndShift: Bool = true,
                logScaleBound: Float = 1, splineBins: Int = 8, splineBound: Float = 4,
                base: Base = .standardNormal, image: ImagePreprocessing? = nil, imageShape: [Int]? = nil, scales: Int = 1,
                learnedSplitPrior: Bool? = nil, residual: ResidualFlowOptions? = nil, seed: UInt64 = 0) {
        self.architecture = architecture
        self.features = features
        self.layers = layers
        self.hidden = hidden
        self.contextFeatures = contextFeatures
        self.couplingPattern = couplingPattern
        self.separateScaleAndShift = separateScaleAndShift
        self.logScaleBound = logScaleBound
        self.splineBins = splineBins
        self.splineBound = splineBound
        self.base = base
        self.image = image
        self.imageShape = imageShape
        self.scales = scales
        self.learnedSplitPrior = learnedSplitPrior
        self.residual = residual
        self.seed = seed
    }

    /// RealNVP on vectors: K affine couplings with flipping masks, separate s and t MLPs
    /// (D+F → hidden → D, ReLU, zero last layer) and s = c·tanh(ŝ/c).
    public static func realNVP(features: Int, layers: Int = 8, hidden: [Int] = [64, 64], contextFeatures: Int = 0,
                               pattern: CouplingPattern = .alternating, logScaleBound: Float = 1,
                               image: ImagePreprocessing? = nil, seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .realNVP, features: features, layers: layers, hidden: hidden,
                          contextFeatures: contextFeatures, couplingPattern: pattern, logScaleBound: logScaleBound,
                          image: image, seed: seed)
    }

    /// MAF: K MADE-based affine autoregressive layers, orderings alternating sequential/reversed.
    public static func maf(features: Int, layers: Int = 5, hidden: [Int] = [64, 64], contextFeatures: Int = 0,
                           logScaleBound: Float = 3, seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .maf, features: features, layers: layers, hidden: hidden,
                          contextFeatures: contextFeatures, logScaleBound: logScaleBound, seed: seed)
    }

    /// IAF: as `maf`, with the inverse-autoregressive arrangement (one-pass sampling).
    public static func iaf(features: Int, layers: Int = 5, hidden: [Int] = [64, 64], contextFeatures: Int = 0,
                           logScaleBound: Float = 3, seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .iaf, features: features, layers: layers, hidden: hidden,
                          contextFeatures: contextFeatures, logScaleBound: logScaleBound, seed: seed)
    }

    /// Coupling neural spline flow: K rational-quadratic spline couplings with flipping alternating masks.
    public static func splineCoupling(features: Int, layers: Int = 4, hidden: [Int] = [64, 64], contextFeatures: Int = 0,
                                      bins: Int = 8, bound: Float = 4, seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .splineCoupling, features: features, layers: layers, hidden: hidden,
                          contextFeatures: contextFeatures, splineBins: bins, splineBound: bound, seed: seed)
    }

    /// Autoregressive neural spline flow: K MADE-driven spline layers, orderings alternating.
    public static func autoregressiveSpline(features: Int, layers: Int = 4, hidden: [Int] = [64, 64],
                                            contextFeatures: Int = 0, bins: Int = 8, bound: Float = 4,
                                            seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .autoregressiveSpline, features: features, layers: layers, hidden: hidden,
                          contextFeatures: contextFeatures, splineBins: bins, splineBound: bound, seed: seed)
    }

    /// A stack of K planar layers. With `contextFeatures` F > 0 each layer's (w, u, b) gets a per-sample
    /// offset from a zero-initialized `Linear(F, 2D + 1)` of the context (`Planar(contextFeatures:)`),
    /// so a new conditional stack equals the unconditional one of the same seed.
    public static func planar(features: Int, layers: Int = 16, contextFeatures: Int = 0, seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .planar, features: features, layers: layers, hidden: [],
                          contextFeatures: contextFeatures, seed: seed)
    }

    /// A stack of K radial layers. With `contextFeatures` F > 0 each layer's (z₀, α̃, β̃) gets a per-sample
    /// offset from a zero-initialized `Linear(F, D + 2)` of the context (`Radial(contextFeatures:)`).
    public static func radial(features: Int, layers: Int = 16, contextFeatures: Int = 0, seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .radial, features: features, layers: layers, hidden: [],
                          contextFeatures: contextFeatures, seed: seed)
    }

    /// A residual flow: K invertible residual blocks x + g(x), g an MLP D+F → hidden → D of
    /// spectrally normalized layers with LipSwish activations (Lip g < 1), ActNorm after each block
    /// unless `options.actNorm` is false. Trains on the Russian-roulette log-determinant estimate,
    /// evaluates with the exact one (D ≤ 16), samples by fixed-point iteration.
    public static func residual(features: Int, layers: Int = 8, hidden: [Int] = [64, 64], contextFeatures: Int = 0,
                                options: ResidualFlowOptions = ResidualFlowOptions(), seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .residual, features: features, layers: layers, hidden: hidden,
                          contextFeatures: contextFeatures, residual: options, seed: seed)
    }

    /// Glow (Kingma & Dhariwal 2018) on images of shape `[C, H, W]`: L = `scales` levels of
    /// K = `stepsPerScale` steps (ActNorm → invertible 1×1 convolution → affine coupling with a
    /// CNN conditioner of `hiddenChannels`), 8-bit pre-processing by default. ActNorm initializes
    /// itself from the first batch it sees: evaluate or train on data before sampling.
    /// `learnedSplitPrior`: score the factored-out channels with Glow's learned conditional
    /// Gaussian (`SplitPrior`) rather than the standard normal.
    public static func glow(imageShape: [Int], scales: Int = 2, stepsPerScale: Int = 4, hiddenChannels: Int = 64,
                            contextFeatures: Int = 0, logScaleBound: Float = 3,
                            image: ImagePreprocessing? = ImagePreprocessing(), learnedSplitPrior: Bool = false,
                            seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .glow, features: imageShape.reduce(1, *), layers: stepsPerScale, hidden: [hiddenChannels],
                          contextFeatures: contextFeatures, logScaleBound: logScaleBound, image: image,
                          imageShape: imageShape, scales: scales, learnedSplitPrior: learnedSplitPrior ? true : nil, seed: seed)
    }

    /// RealNVP's multi-scale architecture (Dinh et al. 2017) on images of shape `[C, H, W]`:
    /// as `glow`, with K affine couplings per level and no ActNorm or 1×1 convolutions.
    public static func multiScaleRealNVP(imageShape: [Int], scales: Int = 2, couplingsPerScale: Int = 4,
                                         hiddenChannels: Int = 64, contextFeatures: Int = 0, logScaleBound: Float = 3,
                                         image: ImagePreprocessing? = ImagePreprocessing(), seed: UInt64 = 0) -> FlowConfiguration {
        FlowConfiguration(architecture: .multiScaleRealNVP, features: imageShape.reduce(1, *), layers: couplingsPerScale,
                          hidden: [hiddenChannels], contextFeatures: contextFeatures, logScaleBound: logScaleBound,
                          image: image, imageShape: imageShape, scales: scales, seed: seed)
    }

    /// The configuration as compact JSON (keys sorted, so equal configurations give equal text).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes a configuration written by `json()`.
    public static func decode(json: String) throws -> FlowConfiguration {
        try JSONDecoder().decode(FlowConfiguration.self, from: Data(json.utf8))
    }

    /// Every invalid field, one line each (empty when the configuration builds), so that callers
    /// reading settings from users can refuse them before `FlowModel` would stop.
    public func problems() -> [String] {
        var p: [String] = []
        if features < 1 { p.append("features must be positive, got \(features)") }
        if layers < 1 { p.append("layers must be positive, got \(layers)") }
        if contextFeatures < 0 { p.append("contextFeatures must be ≥ 0, got \(contextFeatures)") }
        if !(logScaleBound > 0) { p.append("logScaleBound must be positive, got \(logScaleBound)") }
        switch architecture {
        case .planar, .radial:
            break
        case .realNVP, .splineCoupling:
            if features < 2 { p.append("\(architecture) couplings need at least 2 features, got \(features)") }
            if hidden.isEmpty || !hidden.allSatisfy({ $0 > 0 }) { p.append("\(architecture) needs at least one positive hidden width, got \(hidden)") }
        case .glow, .multiScaleRealNVP:
            if hidden.count != 1 || hidden[0] <= 0 { p.append("\(architecture) needs one positive hidden channel count, got \(hidden)") }
            if let shape = imageShape, shape.count == 3, shape.allSatisfy({ $0 > 0 }) {
                let step = 1 << min(max(scales, 0), 30)
                if scales < 1 || shape[1] % step != 0 || shape[2] % step != 0 {
                    p.append("\(architecture) with \(scales) scales needs H and W divisible by \(step), got \(shape)")
                }
                if shape.reduce(1, *) != features { p.append("imageShape \(shape) does not hold \(features) features") }
            } else {
                p.append("\(architecture) needs imageShape [C, H, W], got \(String(describing: imageShape))")
            }
        case .residual:
            if hidden.isEmpty || !hidden.allSatisfy({ $0 > 0 }) { p.append("residual needs at least one positive hidden width, got \(hidden)") }
            p += (residual?.block.problems() ?? []).map { "residual: " + $0 }
        case .maf, .iaf, .autoregressiveSpline:
            if hidden.isEmpty || !hidden.allSatisfy({ $0 > 0 }) { p.append("\(architecture) needs at least one positive hidden width, got \(hidden)") }
        }
        if learnedSplitPrior == true && architecture != .glow && architecture != .multiScaleRealNVP {
            p.append("learnedSplitPrior needs an image architecture (glow, multiScaleRealNVP), got \(architecture)")
        }
        if case .checkerboard(let h, let w) = couplingPattern, architecture == .realNVP, h * w != features {
            p.append("checkerboard \(h)×\(w) does not cover \(features) features")
        }
        return p
    }

    /// Stops with a message naming every invalid field (programmer errors; see `problems()`).
    func validate() {
        let found = problems()
        require(found.isEmpty, "FlowConfiguration: " + found.joined(separator: "; "))
    }
}
