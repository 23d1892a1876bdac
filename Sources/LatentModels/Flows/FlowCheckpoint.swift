import Foundation
import LatentNN

extension FlowModel {
    /// The metadata key under which checkpoints hold the configuration's JSON.
    public static let configurationKey = "flow.configuration"

    /// Saves the weights, the optimizer's state (if given), `metadata` and the configuration
    /// (as JSON under `configurationKey`) to a safetensors checkpoint at `url`.
    public func save(checkpointTo url: URL, optimizer: Optimizer? = nil, metadata: [String: String] = [:]) throws {
        var all = metadata
        all[FlowModel.configurationKey] = try configuration.json()
        try save(to: url, optimizer: optimizer, metadata: all)
    }

    /// Rebuilds a model from a checkpoint written by `save(checkpointTo:)`: the configuration from
    /// its metadata, then every weight (and the optimizer's state, if given). Throws
    /// `FlowModelError.missingConfiguration`, `CheckpointError` or a JSON decoding error.
    public static func load(checkpointFrom url: URL, optimizer: Optimizer? = nil) throws -> FlowModel {
        let metadata = try SafeTensorsFile(contentsOf: url).metadata
        guard let json = metadata[configurationKey] else {
            throw FlowModelError.missingConfiguration(path: url.path, key: configurationKey)
        }
        let model = FlowModel(configuration: try FlowConfiguration.decode(json: json))
        try model.load(from: url, optimizer: optimizer)
        return model
    }
}
