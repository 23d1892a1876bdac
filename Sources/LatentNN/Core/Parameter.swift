import LatentTensor

/// A trainable tensor shared by a module and its optimizer.
///
/// Modules hold parameters by reference so that an optimizer updating `value` in place updates
/// the model, and gradients accumulated by `backward()` are found at `grad`. The tensor is a
/// leaf of the autodiff tape unless the parameter is frozen.
public final class Parameter {
    /// The current values. Use it in forward passes; assign to replace the values (the shape
    /// must stay the same for optimizers and checkpoints to keep working).
    public var value: Tensor

    /// A parameter holding `value` (as a leaf that requires gradients).
    public init(_ value: Tensor) {
        self.value = value.detached().requiringGrad()
    }

    /// Shape of the tensor.
    public var shape: [Int] { value.shape }
    /// Number of scalars.
    public var count: Int { value.count }

    /// The gradient accumulated by the last `backward()` calls (nil if none).
    public var grad: Tensor? { value.grad }

    /// Frozen parameters record no gradient and are skipped by optimizers.
    public var isFrozen: Bool {
        get { !value.requiresGrad }
        set { value.requiresGrad = !newValue }
    }

    /// Clears the gradient.
    public func zeroGrad() { value.zeroGrad() }
}

/// A non-trainable tensor that belongs to a module's state (e.g. BatchNorm's running mean):
/// saved in checkpoints by name, never touched by optimizers.
public final class Buffer {
    /// The current values.
    public var value: Tensor

    /// A buffer holding `value` (detached from any graph).
    public init(_ value: Tensor) { self.value = value.detached() }
}
