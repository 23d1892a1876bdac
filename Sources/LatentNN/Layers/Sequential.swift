import LatentTensor

/// Layers applied in order; their parameters are named `layers.0.weight`, `layers.1.bias`, ….
///
/// A `Linear` or `Conv2d` directly followed by a ReLU `Activation` runs as one fused op
/// (`linearReLU`, `conv2dReLU`: the ReLU is applied as the product stores its result) — same
/// values, one pass and one tensor less.
public final class Sequential: Module, Layer {
    /// The chain, first applied first.
    public let layers: [any Layer]
    /// fusedWithNext[i]: layer i is a Linear or Conv2d and layer i + 1 the ReLU that it absorbs.
    private let fusedWithNext: [Bool]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        fusedWithNext = layers.indices.map { i in
            guard i + 1 < layers.count, layers[i] is Linear || layers[i] is Conv2d,
                  let next = layers[i + 1] as? Activation else { return false }
            return next.kind == .relu
        }
    }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input, i = 0
        while i < layers.count {
            if fusedWithNext[i], let linear = layers[i] as? Linear {
                x = linear.withReLU(x)
                i += 2
            } else if fusedWithNext[i], let conv = layers[i] as? Conv2d {
                x = conv.withReLU(x)
                i += 2
            } else {
                x = layers[i](x)
                i += 1
            }
        }
        return x
    }
}

/// A residual connection: y = body(x) + shortcut(x), where the shortcut is the identity unless a
/// projection is given (for when the body changes the shape).
public final class Residual: Module, Layer {
    /// The residual branch.
    public let body: any Layer
    /// Optional projection of the input to the body's output shape.
    public let shortcut: (any Layer)?

    public init(_ body: any Layer, shortcut: (any Layer)? = nil) {
        self.body = body
        self.shortcut = shortcut
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        body(input) + (shortcut.map { $0(input) } ?? input)
    }
}

/// Merges every axis after the batch axis: `[N, C, H, W]` → `[N, C·H·W]` (or any range of axes).
public final class Flatten: Module, Layer {
    /// First and last axis merged.
    public let start: Int, end: Int

    public init(from start: Int = 1, to end: Int = -1) { (self.start, self.end) = (start, end) }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.flattened(from: start, to: end) }
}

/// Reshapes each sample, keeping the batch axis: `[N, …]` → `[N] + shape` (one size may be -1).
public final class Reshape: Module, Layer {
    /// Per-sample target shape.
    public let shape: [Int]

    public init(_ shape: [Int]) { self.shape = shape }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        require(input.rank >= 1, "Reshape: input needs a batch axis, got shape \(input.shape)")
        return input.reshaped([input.shape[0]] + shape)
    }
}
