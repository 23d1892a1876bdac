import CLatentKernels

/// Whether ops record the autodiff tape on the current thread.
///
/// Recording is on by default. Turn it off with `withoutGrad` for evaluation and sampling: no
/// tape is kept, so memory and time go down and results never require gradients.
public enum GradMode {
    /// True when ops on tensors that require gradients record the tape on this thread.
    @inlinable
    public static var isEnabled: Bool { lk_grad_enabled() != 0 }
}

/// Runs `body` with tape recording off on this thread (PyTorch's `torch.no_grad()`).
@inlinable
public func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
    let was = lk_grad_enabled()
    lk_set_grad_enabled(0)
    defer { lk_set_grad_enabled(was) }
    return try body()
}

/// Runs `body` with tape recording on, even inside a `withoutGrad` scope.
@inlinable
public func withGrad<T>(_ body: () throws -> T) rethrows -> T {
    let was = lk_grad_enabled()
    lk_set_grad_enabled(1)
    defer { lk_set_grad_enabled(was) }
    return try body()
}
