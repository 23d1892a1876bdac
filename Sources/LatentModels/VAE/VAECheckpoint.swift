import Foundation
import LatentNN

extension VAE {
    /// The metadata key under which `save(checkpointTo:configuration:optimizer:metadata:)` stores
    /// the configuration's JSON. (Checkpoints of `latent train vae` hold the same JSON under
    /// `latent.model_configuration`; pass that key to `load(checkpointFrom:configurationKey:)`.)
    public static let configurationKey = "vae.configuration"

    /// Saves the weights, the optimizer's state (if given), `metadata` and `configuration` (as JSON
    /// under `configurationKey`) to a safetensors checkpoint at `url`, so that
    /// `VAE.load(checkpointFrom:)` can rebuild the model from the file alone. `configuration` must
    /// be the one the model was built from (`configuration.build()`); a different one shows up as
    /// a shape mismatch when loading. Throws `CheckpointError` or an encoding error.
    public func save(checkpointTo url: URL, configuration: VAEConfiguration, optimizer: Optimizer? = nil,
                     metadata: [String: String] = [:]) throws {
        var all = metadata
        all[VAE.configurationKey] = try configuration.json()
        try save(to: url, optimizer: optimizer, metadata: all)
    }

    /// Rebuilds a VAE from a checkpoint that holds its `VAEConfiguration` as JSON under
    /// `configurationKey` (written by `save(checkpointTo:configuration:)`, or by a `Trainer` whose
    /// `checkpointMetadata` carries it): the network from the configuration, then every weight
    /// (optimizer entries in the file are ignored — to continue training, build the model from the
    /// configuration and use `Trainer.resume(from:)`). Returns the model, in evaluation mode, and its
    /// configuration. Throws `ModelConfigurationError` when the key is missing or the
    /// configuration is invalid, `CheckpointError` when the weights do not fit, or a JSON decoding error.
    public static func load(checkpointFrom url: URL, configurationKey key: String = VAE.configurationKey) throws
        -> (vae: VAE, configuration: VAEConfiguration) {
        let metadata = try SafeTensorsFile(contentsOf: url).metadata
        guard let json = metadata[key] else {
            let present = metadata.keys.sorted().joined(separator: ", ")
            throw ModelConfigurationError(model: "VAE", problems: [
                "checkpoint \(url.path) has no '\(key)' metadata entry (it has: \(present.isEmpty ? "none" : present)); "
                    + "save it with VAE.save(checkpointTo:configuration:) or put the configuration's json() in the Trainer's checkpointMetadata under that key",
            ])
        }
        let configuration = try VAEConfiguration.decode(json: json)
        let vae = try configuration.build()
        try vae.load(from: url)
        vae.eval()
        return (vae, configuration)
    }
}
