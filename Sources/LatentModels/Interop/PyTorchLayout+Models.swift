import LatentTensor
import LatentNN

/// The standard layouts of the model families with a PyTorch reference module (docs/INTEROP.md).
extension PyTorchLayout {
    /// VAE (MLP, deep MLP or convolutional):
    ///
    ///     encoder.K.*   ← encoder.body.layers.(K + 1).*   MLP: Latent's leading Flatten is x.flatten(1) in PyTorch
    ///     encoder.K.*   ← encoder.body.layers.K.*         convolutional: nn.Flatten is in the nn.Sequential
    ///     fc_mu.*, fc_logvar.*  ← the encoder's last layer, rows [μ; s] (s = ½·log σ² for a log σ head)
    ///     decoder.K.*   ← decoder.body.layers.K.*         (nn.Unflatten where Latent has Reshape)
    ///     decoder_log_scale ← decoder.logScale            (learned-scale likelihoods)
    ///
    /// Priors with parameters and posterior flows keep their Latent names.
    static func vaeLayout(_ vae: VAE) -> PyTorchLayout {
        guard let body = vae.encoder.body as? Sequential else { return latentNames(of: vae) }
        let encoderPrefix = "encoder.body.layers."
        let encoderLayers = vae.stateShapes().compactMap { layerParameter($0.name, prefix: encoderPrefix)?.index }
        guard let head = encoderLayers.max() else { return latentNames(of: vae) }
        let convolutional = vae.stateShapes().contains { $0.name.hasPrefix(encoderPrefix) && $0.shape.count == 4 }
        let offset = !convolutional && body.layers.first is Flatten ? 1 : 0
        let scaleHead = vae.encoder.scaleHead
        let rules = rules(vae) { name, shape in
            if let (k, p) = layerParameter(name, prefix: encoderPrefix) {
                if k == head { return gaussianHeads(mean: "fc_mu", logVariance: "fc_logvar", parameter: p, shape: shape, head: scaleHead) }
                return [Part(name: "encoder.\(k - offset).\(p)", shape: shape)]
            }
            if let (k, p) = layerParameter(name, prefix: "decoder.body.layers.") { return [Part(name: "decoder.\(k).\(p)", shape: shape)] }
            if name == "decoder.logScale" { return [Part(name: "decoder_log_scale", shape: shape)] }
            return nil
        }
        return PyTorchLayout(name: convolutional ? "pytorch-conv-vae" : "pytorch-mlp-vae", rules: rules)
    }

    /// Conditional VAE (MLP):
    ///
    ///     encoder.K.*    ← posterior.body.layers.K.*   q(z|x, y) on cat([y.flatten(1), c])
    ///     fc_mu.*, fc_logvar.*        ← the posterior's last layer
    ///     prior_net.K.*  ← prior.body.layers.K.*       p(z|c), learned prior only
    ///     prior_mu.*, prior_logvar.*  ← the prior's last layer
    ///     decoder.K.*    ← decoder.body.layers.K.*     p(y|c, z) on cat([z, c])
    static func cvaeLayout(_ cvae: ConditionalVAE) -> PyTorchLayout {
        let shapes = cvae.stateShapes()
        func last(_ prefix: String) -> Int? { shapes.compactMap { layerParameter($0.name, prefix: prefix)?.index }.max() }
        let networks: [(prefix: String, body: String, mean: String, logVariance: String, head: GaussianEncoder.ScaleHead)] = [
            ("posterior.body.layers.", "encoder", "fc_mu", "fc_logvar", cvae.posterior.scaleHead),
            ("prior.body.layers.", "prior_net", "prior_mu", "prior_logvar", cvae.prior?.scaleHead ?? .logScale),
        ]
        let rules = rules(cvae) { name, shape in
            for network in networks {
                guard let (k, p) = layerParameter(name, prefix: network.prefix) else { continue }
                if k == last(network.prefix) {
                    return gaussianHeads(mean: network.mean, logVariance: network.logVariance, parameter: p, shape: shape, head: network.head)
                }
                return [Part(name: "\(network.body).\(k).\(p)", shape: shape)]
            }
            if let (k, p) = layerParameter(name, prefix: "decoder.body.layers.") { return [Part(name: "decoder.\(k).\(p)", shape: shape)] }
            return nil
        }
        return PyTorchLayout(name: "pytorch-cvae", rules: rules)
    }

    /// Flat RealNVP (`MaskedAffineCoupling` layers):
    ///
    ///     couplings.I.s.K.*  ← flow.bijectors.I.scale.layers.K.*   (the s network)
    ///     couplings.I.t.K.*  ← flow.bijectors.I.shift.layers.K.*   (the t network)
    ///     couplings.I.mask   ← flow.bijectors.I.mask               [D] in PyTorch, [1, D] in Latent; optional
    static func realNVPLayout(_ flow: FlowModel) -> PyTorchLayout {
        let masks = Set(flow.stateShapes().map(\.name).filter { name in
            name.hasPrefix("flow.bijectors.") && name.hasSuffix(".mask") && name.split(separator: ".").count == 4
        })
        let rules = rules(flow, optional: masks) { name, shape in
            let words = name.split(separator: ".").map(String.init)
            guard words.count >= 3, words[0] == "flow", words[1] == "bijectors", let i = Int(words[2]) else { return nil }
            if masks.contains(name) { return [Part(name: "couplings.\(i).mask", shape: [shape.reduce(1, *)])] }
            for (latent, torch) in [("scale", "s"), ("shift", "t")] {
                if let (k, p) = layerParameter(name, prefix: "flow.bijectors.\(i).\(latent).layers.") {
                    return [Part(name: "couplings.\(i).\(torch).\(k).\(p)", shape: shape)]
                }
            }
            return nil
        }
        return PyTorchLayout(name: "pytorch-realnvp", rules: rules)
    }
}
