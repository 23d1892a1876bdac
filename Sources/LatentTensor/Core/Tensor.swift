import CLatentKernels

/// An n-dimensional array of Float32 values, row-major, with value semantics.
///
/// Copies share one buffer until one of them is mutated (copy-on-write), so passing tensors
/// around is cheap. A tensor that `requiresGrad` takes part in reverse-mode differentiation:
/// every op on it records how to map the gradient of its result back to its inputs, and
/// `backward()` replays those records (see `Autograd/`).
///
/// Shapes follow the conventions of the library: `[batch, features]` for vectors and
/// `[batch, channels, height, width]` for images. A scalar has shape `[]`.
public struct Tensor {
    @usableFromInline var storage: TensorStorage
    /// The size of each axis, outermost first.
    public let shape: [Int]
    /// The autodiff record: a leaf accumulating `grad`, or the op that produced this tensor.
    @usableFromInline var node: GradNode?

    @usableFromInline
    init(storage: TensorStorage, shape: [Int], node: GradNode? = nil) {
        self.storage = storage
        self.shape = shape
        self.node = node
    }

    /// Uninitialized result buffer of the given shape, for ops that overwrite every element.
    @usableFromInline
    init(uninitializedShape shape: [Int]) {
        for d in shape { require(d >= 0, "Tensor: negative size in shape \(shape)") }
        self.init(storage: TensorStorage(count: Shape.count(shape)), shape: shape)
    }

    /// A tensor of the given shape from row-major values; `scalars.count` must equal the shape's element count.
    public init(shape: [Int], scalars: [Float]) {
        for d in shape { require(d >= 0, "Tensor(shape:scalars:): negative size in shape \(shape)") }
        require(Shape.count(shape) == scalars.count,
                     "Tensor(shape:scalars:): shape \(shape) holds \(Shape.count(shape)) values but \(scalars.count) were given")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.pointer.update(from: base, count: scalars.count) }
        }
    }

    /// A tensor of the given shape holding `scale · values[i]` (one pass, no intermediate array;
    /// e.g. gradients read back from a communication buffer). `values.count` must equal the
    /// shape's element count.
    public init(shape: [Int], copying values: UnsafeBufferPointer<Float>, scale: Float = 1) {
        self.init(uninitializedShape: shape)
        require(Shape.count(shape) == values.count,
                "Tensor(shape:copying:): shape \(shape) holds \(Shape.count(shape)) values but \(values.count) were given")
        guard let base = values.baseAddress, values.count > 0 else { return }
        if scale == 1 { storage.pointer.update(from: base, count: values.count) } else { lk_unary(LK_AFFINE, base, storage.pointer, values.count, scale, 0) }
    }

    /// Writes `scale · self` (row-major) to `destination`, which must hold `count` values.
    public func copy(to destination: UnsafeMutablePointer<Float>, scale: Float = 1) {
        withUnsafeBufferPointer { src in
            guard let base = src.baseAddress, count > 0 else { return }
            if scale == 1 { destination.update(from: base, count: count) } else { lk_unary(LK_AFFINE, base, destination, count, scale, 0) }
        }
    }

    /// A 1-d tensor holding `scalars`.
    public init(_ scalars: [Float]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// A 2-d tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let cols = rows.first?.count ?? 0
        for (i, r) in rows.enumerated() {
            require(r.count == cols, "Tensor([[Float]]): row \(i) has \(r.count) values, expected \(cols) like row 0")
        }
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// A scalar (rank-0) tensor.
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Total number of elements.
    public var count: Int { storage.count }

    /// All values in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// The single value of a one-element tensor.
    public var item: Float {
        require(count == 1, "Tensor.item: tensor of shape \(shape) has \(count) elements; item needs exactly 1")
        return storage.pointer[0]
    }

    /// Reads or writes one element by its full index (negative indices count from the end).
    public subscript(_ indices: Int...) -> Float {
        get { storage.pointer[flatIndex(indices)] }
        set {
            let i = flatIndex(indices)
            makeUnique()
            storage.pointer[i] = newValue
        }
    }

    private func flatIndex(_ indices: [Int]) -> Int {
        require(indices.count == rank, "Tensor subscript: \(indices.count) indices for a tensor of rank \(rank) (shape \(shape))")
        var flat = 0
        for (d, i) in indices.enumerated() {
            let j = i < 0 ? i + shape[d] : i
            require(j >= 0 && j < shape[d], "Tensor subscript: index \(i) out of range for axis \(d) of size \(shape[d]) (shape \(shape))")
            flat = flat * shape[d] + j
        }
        return flat
    }

    /// Ensures this value owns its buffer before a mutation (the copy-on-write step).
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Read-only access to the contiguous row-major values.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Mutable access to the values. Copies the buffer first if it is shared. This writes the data
    /// directly and is not recorded for autodiff (like PyTorch's `.data`): use it for optimizer
    /// updates and initialization.
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// True when both tensors have the same shape and values within `atol + rtol·|other|`.
    public func isClose(to other: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6) -> Bool {
        guard shape == other.shape else { return false }
        let a = storage.pointer, b = other.storage.pointer
        for i in 0..<count {
            let x = a[i], y = b[i]
            if x == y { continue }
            if x.isNaN || y.isNaN || Swift.abs(x - y) > atol + rtol * Swift.abs(y) { return false }
        }
        return true
    }
}

extension Tensor {
    /// Reads or writes an element by its row-major flat index.
    public subscript(flat index: Int) -> Float {
        get {
            require(index >= 0 && index < count, "Tensor[flat:]: index \(index) out of range for \(count) elements (shape \(shape))")
            return storage.pointer[index]
        }
        set {
            require(index >= 0 && index < count, "Tensor[flat:]: index \(index) out of range for \(count) elements (shape \(shape))")
            makeUnique()
            storage.pointer[index] = newValue
        }
    }
}
