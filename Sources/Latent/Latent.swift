/// Latent: latent-variable generative models in Swift.
///
/// `import Latent` brings in every public layer of the library; each layer is also a module of
/// its own (`LatentTensor`, …) for code that needs only part of it.
@_exported import LatentTensor
@_exported import LatentNN
@_exported import LatentProbability
@_exported import LatentData
@_exported import LatentViz
@_exported import LatentModels
