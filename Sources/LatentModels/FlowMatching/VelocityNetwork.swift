import LatentTensor
import LatentNN

/// The time-conditioned velocity field v_θ(x, t) of flow matching: an MLP on [x, t]
/// (`[N, D + 1]`) with GELU between its layers, smooth so that the ODE solvers and the trace of
/// its Jacobian behave. Input x `[N, D]`, time t `[N, 1]`; output `[N, D]`. Parameters are
/// named `layers.k.weight` / `layers.k.bias`.
public final class VelocityNetwork: Module {
    /// D + 1 → hidden… → D.
    public let layers: [Linear]

    /// A network with PyTorch's default initialization, drawn from `generator`.
    public init(features: Int, hidden: [Int], generator: RandomGenerator) {
        require(features > 0 && !hidden.isEmpty && hidden.allSatisfy { $0 > 0 },
                "VelocityNetwork: features and hidden widths must be positive, got \(features), \(hidden)")
        let sizes = [features + 1] + hidden + [features]
        layers = zip(sizes, sizes.dropFirst()).map { Linear($0, $1, generator: generator) }
    }

    /// v(x, t), `[N, D]`.
    public func callAsFunction(_ x: Tensor, time t: Tensor) -> Tensor {
        var h = Tensor.concat([x, t], axis: 1)
        for (i, layer) in layers.enumerated() {
            h = layer(h)
            if i < layers.count - 1 { h = h.gelu() }
        }
        return h
    }
}
