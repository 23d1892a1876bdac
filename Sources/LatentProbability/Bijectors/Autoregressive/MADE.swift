import LatentTensor
import LatentNN

/// MADE, the masked autoencoder for distribution estimation (Germain et al. 2015): an MLP whose
/// weights are masked so that the parameters it outputs for feature i depend only on the features
/// that come before i in an ordering.
///
/// Every unit has a degree. Input feature i has degree m(i) ∈ 1…D (a permutation, the ordering);
/// hidden units cycle through the degrees 1…D−1 (so every degree is present when a layer has at
/// least D−1 units); the k outputs of feature i have degree m(i). A hidden unit of degree h sees
/// the units below it of degree ≤ h, and an output of degree m sees the last hidden units of
/// degree < m. Hence out_i is a function of {x_j : m(j) < m(i)} only: ∂out_i/∂x_j = 0 whenever
/// m(j) ≥ m(i), and without a context the first feature in the ordering gets constant parameters.
///
/// The optional context `[N, contextFeatures]` enters the first hidden layer through an unmasked
/// linear map, so every hidden unit may depend on it. With a context (or when D = 1) the hidden
/// degrees cycle through 0…D−1 instead: degree-0 units see no input feature, only the context, and
/// carry it to the first feature's parameters too (plain MADE would leave them unconditional).
///
/// Shapes: input `[N, D]`, output `[N, D, k]` — k parameters per feature.
public final class MADE: Module {
    /// How input features are assigned their degrees (their place in the autoregressive order).
    public enum Ordering: Equatable {
        /// x₁ first: m(i) = i.
        case sequential
        /// x_D first: m(i) = D + 1 − i (alternate it with `.sequential` when stacking layers).
        case reversed
        /// A uniformly random order, the same for the same seed.
        case random(seed: UInt64)
        /// Explicit degrees: a permutation of 1…D.
        case degrees([Int])
    }

    /// D, the number of input features.
    public let features: Int
    /// k, the number of outputs per feature.
    public let parametersPerFeature: Int
    /// Width of the context, 0 when unconditional.
    public let contextFeatures: Int
    /// m(i) for every input feature, a permutation of 1…D.
    public let inputDegrees: [Int]
    /// Masked hidden layers, first applied first.
    public let hidden: [MaskedLinear]
    /// The masked output layer, `D·k` units ordered feature-major (unit i·k + p is parameter p of feature i).
    public let output: MaskedLinear
    /// Unmasked context → first hidden layer map (no bias), present when `contextFeatures > 0`.
    public let context: Linear?
    /// The nonlinearity after every hidden layer.
    public let activation: Activation

    /// A MADE for `features` inputs with `parametersPerFeature` outputs each.
    ///
    /// - Parameters:
    ///   - hiddenFeatures: widths of the hidden layers (at least one; ≥ D−1 units each, or ≥ D with
    ///     a context, keeps every degree represented).
    ///   - zeroInitOutput: start the output layer at zero weights and biases, so every output is 0
    ///     — flows built on MADE then start at their identity map.
    public init(features: Int, parametersPerFeature: Int, hiddenFeatures: [Int], contextFeatures: Int = 0,
                ordering: Ordering = .sequential, activation: Activation.Kind = .relu, zeroInitOutput: Bool = false,
                generator: RandomGenerator = .global) {
        require(features > 0 && parametersPerFeature > 0,
                "MADE: features (\(features)) and parametersPerFeature (\(parametersPerFeature)) must be positive")
        require(!hiddenFeatures.isEmpty && hiddenFeatures.allSatisfy { $0 > 0 },
                "MADE: needs at least one hidden layer of positive width, got \(hiddenFeatures)")
        require(contextFeatures >= 0, "MADE: contextFeatures must be ≥ 0, got \(contextFeatures)")
        self.features = features
        self.parametersPerFeature = parametersPerFeature
        self.contextFeatures = contextFeatures
        inputDegrees = MADE.degrees(for: ordering, features: features)
        self.activation = Activation(activation)

        let lowest = contextFeatures > 0 || features == 1 ? 0 : 1
        let hiddenDegrees = hiddenFeatures.map { width in
            (0..<width).map { lowest + $0 % (features - lowest) }
        }
        var below = inputDegrees
        var layers: [MaskedLinear] = []
        for degrees in hiddenDegrees {
            layers.append(MaskedLinear(mask: MADE.mask(from: below, to: degrees, strict: false), generator: generator))
            below = degrees
        }
        hidden = layers
        let outputDegrees = inputDegrees.flatMap { Array(repeating: $0, count: parametersPerFeature) }
        output = MaskedLinear(mask: MADE.mask(from: below, to: outputDegrees, strict: true),
                              weightInit: zeroInitOutput ? .zeros : .pytorchDefault,
                              biasInit: zeroInitOutput ? .zeros : nil, generator: generator)
        context = contextFeatures > 0
            ? Linear(contextFeatures, hiddenFeatures[0], bias: false, generator: generator) : nil
    }

    /// The k parameters of every feature, `[N, D, k]`; those of feature i depend only on the
    /// features before it in the ordering (and on the context).
    public func callAsFunction(_ x: Tensor, context c: Tensor? = nil) -> Tensor {
        require(x.rank == 2 && x.shape[1] == features, "MADE: input must be [N, \(features)], got shape \(x.shape)")
        var h = hidden[0](x)
        if let context {
            guard let c else { fatalError("MADE: built with contextFeatures = \(contextFeatures) but called without a context") }
            require(c.rank == 2 && c.shape == [x.shape[0], contextFeatures],
                    "MADE: context must be [\(x.shape[0]), \(contextFeatures)], got shape \(c.shape)")
            h = h + context(c)
        } else {
            require(c == nil, "MADE: built without a context (contextFeatures = 0) but called with one of shape \(c?.shape ?? [])")
        }
        h = activation(h)
        for layer in hidden.dropFirst() { h = activation(layer(h)) }
        return output(h).reshaped([x.shape[0], features, parametersPerFeature])
    }

    /// Input degrees for an ordering, checked to be a permutation of 1…D.
    private static func degrees(for ordering: Ordering, features d: Int) -> [Int] {
        switch ordering {
        case .sequential: return Array(1...d)
        case .reversed: return Array((1...d).reversed())
        case .random(let seed): return RandomGenerator(seed: seed).permutation(d).map { $0 + 1 }
        case .degrees(let m):
            require(m.sorted() == Array(1...d), "MADE: custom degrees must be a permutation of 1...\(d), got \(m)")
            return m
        }
    }

    /// Mask `[to.count, from.count]`: 1 where the unit above may see the unit below
    /// (degree above ≥ degree below, or > when `strict`, as for the output layer).
    private static func mask(from below: [Int], to above: [Int], strict: Bool) -> Tensor {
        var values = [Float](repeating: 0, count: above.count * below.count)
        for (o, a) in above.enumerated() {
            for (i, b) in below.enumerated() where strict ? a > b : a >= b {
                values[o * below.count + i] = 1
            }
        }
        return Tensor(shape: [above.count, below.count], scalars: values)
    }
}
