import CLatentKernels

/// The heap buffer behind a `Tensor`: `count` Float32 values, 64-byte aligned.
///
/// Shared between tensor values until one of them mutates (copy-on-write, see `Tensor`).
@usableFromInline
final class TensorStorage {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int

    /// Uninitialized storage for `count` values.
    @usableFromInline
    init(count: Int) {
        guard let p = lk_alloc(count) else {
            fatalError("Tensor: could not allocate \(count) Float32 values (\(count * 4) bytes)")
        }
        self.pointer = p
        self.count = count
    }

    /// Storage filled with `value`.
    convenience init(count: Int, repeating value: Float) {
        self.init(count: count)
        lk_fill(pointer, count, value)
    }

    /// A private copy of these values.
    func copy() -> TensorStorage {
        let s = TensorStorage(count: count)
        s.pointer.update(from: pointer, count: count)
        return s
    }

    deinit { lk_free(pointer) }
}
