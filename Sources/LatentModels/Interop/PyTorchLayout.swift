import LatentTensor
import LatentNN

/// Where each tensor of a Latent model lives in the `state_dict` of the equivalent PyTorch module,
/// so that weights move both ways (`latent import` / `latent export`, docs/INTEROP.md).
///
/// A layout is one `Rule` per Latent tensor (parameters and buffers, by dotted path). A rule lists
/// the PyTorch tensors (`Part`s) the Latent tensor is made of: their values, each multiplied by
/// its `scale`, laid end to end in row-major order, are the Latent tensor's values. One part with
/// scale 1 is a plain rename; two parts stack PyTorch's separate heads along the first axis
/// (`fc_mu` and `fc_logvar` → the encoder's one `[2L, H]` output layer). Scales are powers of two
/// (0.5 turns a log σ² head into Latent's log σ head), so export after import gives back the very
/// same bits.
///
/// `standard(for:)` knows the reference modules of the MLP and convolutional VAEs, the conditional
/// VAE and flat RealNVP; every tensor outside them keeps its Latent name (`latentNames(of:)`).
/// Weight layouts need no transposition: Latent's `Linear.weight` is `[out, in]`, `Conv2d.weight`
/// `[out, in, kh, kw]` and `ConvTranspose2d.weight` `[in, out, kh, kw]`, as in PyTorch.
public struct PyTorchLayout: Sendable {
    /// One PyTorch tensor of a rule.
    public struct Part: Equatable, Sendable {
        /// The `state_dict` key.
        public let name: String
        /// Its shape in PyTorch.
        public let shape: [Int]
        /// Latent value = `scale` × PyTorch value (a power of two: exact both ways).
        public let scale: Float

        /// The PyTorch tensor `name` of `shape`, whose values times `scale` are Latent's.
        public init(name: String, shape: [Int], scale: Float = 1) {
            (self.name, self.shape, self.scale) = (name, shape, scale)
        }

        /// Elements.
        public var count: Int { shape.reduce(1, *) }
    }

    /// One Latent tensor and the PyTorch tensors it is made of.
    public struct Rule: Equatable, Sendable {
        /// The Latent parameter or buffer path (`encoder.body.layers.1.weight`).
        public let latentName: String
        /// Its shape in Latent.
        public let latentShape: [Int]
        /// The PyTorch tensors, in row-major order; their element counts add up to the Latent tensor's.
        public let parts: [Part]
        /// A buffer the architecture fixes (RealNVP's masks): a state dict may leave it out, and
        /// when present it must equal the model's own value.
        public let optional: Bool

        /// The Latent tensor `latentName` of `latentShape`, made of `parts` (their counts must add up).
        public init(latentName: String, latentShape: [Int], parts: [Part], optional: Bool = false) {
            require(parts.reduce(0) { $0 + $1.count } == latentShape.reduce(1, *),
                    "PyTorchLayout.Rule: parts of \(latentName) hold \(parts.map(\.shape)), not the \(latentShape.reduce(1, *)) values of \(latentShape)")
            (self.latentName, self.latentShape, self.parts, self.optional) = (latentName, latentShape, parts, optional)
        }
    }

    /// Which reference module this is (`pytorch-mlp-vae`, …, or `latent` for Latent's own names).
    public let name: String
    /// One rule per Latent tensor, in the model's order (parameters, then buffers).
    public let rules: [Rule]

    /// A layout from its rules. The PyTorch names must be distinct.
    public init(name: String, rules: [Rule]) {
        let names = rules.flatMap { $0.parts.map(\.name) }
        require(Set(names).count == names.count, "PyTorchLayout \(name): a PyTorch name is used twice")
        (self.name, self.rules) = (name, rules)
    }

    /// Every PyTorch name of the layout with its shape, in rule order.
    public var torchShapes: [(name: String, shape: [Int])] { rules.flatMap { $0.parts.map { ($0.name, $0.shape) } } }

    /// The model's tensors under PyTorch names: the inverse of `tensors(from:mapping:model:)`.
    public func torchTensors(of model: Module) -> [String: Tensor] {
        let current = PyTorchLayout.entries(of: model)
        var out: [String: Tensor] = [:]
        for rule in rules {
            guard let value = current[rule.latentName] else { continue }
            let scalars = value.scalars
            var start = 0
            for part in rule.parts {
                let inverse = 1 / part.scale
                out[part.name] = Tensor(shape: part.shape, scalars: scalars[start..<(start + part.count)].map { $0 * inverse })
                start += part.count
            }
        }
        return out
    }

    // MARK: - Building layouts

    /// Every tensor under its Latent name: the layout of models without a PyTorch reference.
    public static func latentNames(of model: Module) -> PyTorchLayout {
        PyTorchLayout(name: "latent", rules: model.stateShapes().map { identity($0.name, $0.shape) })
    }

    /// The standard layout of `model`'s family (docs/INTEROP.md has the PyTorch modules): the MLP,
    /// deep-MLP and convolutional VAEs, the conditional VAE, flat RealNVP; any other model, and any
    /// tensor outside those modules (learned priors, posterior flows), keeps its Latent names.
    public static func standard(for model: Module) -> PyTorchLayout {
        if let vae = model as? VAE { return vaeLayout(vae) }
        if let cvae = model as? ConditionalVAE { return cvaeLayout(cvae) }
        if let flow = model as? FlowModel, flow.configuration.architecture == .realNVP { return realNVPLayout(flow) }
        return latentNames(of: model)
    }

    /// A rule that renames nothing.
    static func identity(_ name: String, _ shape: [Int]) -> Rule {
        Rule(latentName: name, latentShape: shape, parts: [Part(name: name, shape: shape)])
    }

    /// Rules for `model`'s tensors: `map` gives the parts of a Latent (name, shape), nil keeps the name.
    static func rules(_ model: Module, optional: Set<String> = [], _ map: (String, [Int]) -> [Part]?) -> [Rule] {
        model.stateShapes().map { name, shape in
            map(name, shape).map { Rule(latentName: name, latentShape: shape, parts: $0, optional: optional.contains(name)) } ?? identity(name, shape)
        }
    }

    /// (layer index, parameter name) of `name` = `prefix` + "K.weight" (or another single word).
    static func layerParameter(_ name: String, prefix: String) -> (index: Int, parameter: String)? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard rest.count == 2, let index = Int(rest[0]) else { return nil }
        return (index, String(rest[1]))
    }

    /// The two PyTorch heads (μ and log σ²) that stack into Latent's one output layer of a
    /// Gaussian encoder, `[2L, …]`: rows of μ, then rows of the scale head, which Latent reads as
    /// log σ (scale 0.5 = ½ log σ²) or as log σ² (scale 1).
    static func gaussianHeads(mean: String, logVariance: String, parameter: String, shape: [Int],
                              head: GaussianEncoder.ScaleHead) -> [Part] {
        let half = [shape[0] / 2] + shape.dropFirst()
        return [Part(name: "\(mean).\(parameter)", shape: half),
                Part(name: "\(logVariance).\(parameter)", shape: half, scale: head == .logScale ? 0.5 : 1)]
    }

    /// The Latent tensors of `model` by name (parameters and buffers).
    static func entries(of model: Module) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, p) in model.namedParameters() { out[name] = p.value }
        for (name, b) in model.namedBuffers() { out[name] = b.value }
        return out
    }
}

extension Module {
    /// Parameters then buffers, by dotted path, with their shapes (what a checkpoint holds).
    func stateShapes() -> [(name: String, shape: [Int])] {
        namedParameters().map { ($0.0, $0.1.shape) } + namedBuffers().map { ($0.0, $0.1.value.shape) }
    }
}
