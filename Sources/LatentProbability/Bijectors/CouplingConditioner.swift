import LatentTensor
import LatentNN

/// Ready-made conditioner networks for coupling layers. The last layer of each starts at zero
/// (weights and bias), so a new coupling outputs log-scale 0 and shift 0: the identity map, which
/// keeps deep flows stable at the start of training (Glow, Kingma & Dhariwal 2018).
public enum CouplingConditioner {
    /// An MLP `[N, inFeatures]` → `[N, outFeatures]`: Linear → activation → … → Linear(zeros).
    public static func mlp(inFeatures: Int, hidden: [Int], outFeatures: Int, activation: Activation.Kind = .relu,
                           generator: RandomGenerator = .global) -> Sequential {
        require(!hidden.isEmpty && hidden.allSatisfy { $0 > 0 },
                "CouplingConditioner.mlp: needs at least one hidden layer of positive width, got \(hidden)")
        var layers: [any Layer] = []
        var width = inFeatures
        for h in hidden {
            layers.append(Linear(width, h, generator: generator))
            layers.append(Activation(activation))
            width = h
        }
        layers.append(Linear(width, outFeatures, weightInit: .zeros, biasInit: .zeros, generator: generator))
        return Sequential(layers)
    }

    /// A CNN `[N, inChannels, H, W]` → `[N, outChannels, H, W]` (RealNVP/Glow's shape):
    /// Conv 3×3 → activation → Conv 1×1 → activation → Conv 3×3 (zeros), padded to keep H×W.
    public static func convolutional(inChannels: Int, hidden: Int, outChannels: Int, activation: Activation.Kind = .relu,
                                     generator: RandomGenerator = .global) -> Sequential {
        require(hidden > 0, "CouplingConditioner.convolutional: hidden channels must be positive, got \(hidden)")
        let last = Conv2d(hidden, outChannels, kernelSize: 3, padding: 1, weightInit: .zeros, generator: generator)
        FlowSupport.assign(last.bias!, Tensor.zeros([outChannels]))
        return Sequential(
            Conv2d(inChannels, hidden, kernelSize: 3, padding: 1, generator: generator),
            Activation(activation),
            Conv2d(hidden, hidden, kernelSize: 1, generator: generator),
            Activation(activation),
            last)
    }
}
