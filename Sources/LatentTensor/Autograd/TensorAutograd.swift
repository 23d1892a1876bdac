/// Reverse-mode differentiation on `Tensor`: marking leaves, reading gradients, `backward`.
extension Tensor {
    /// Whether this tensor takes part in differentiation. Setting it to `true` makes the tensor a
    /// fresh leaf that accumulates `grad` (detaching it from any graph); `false` detaches it.
    public var requiresGrad: Bool {
        get { node != nil }
        set {
            if newValue {
                if node == nil || !node!.isLeaf { node = GradNode(leafShape: shape) }
            } else {
                node = nil
            }
        }
    }

    /// This tensor as a new leaf that requires gradients.
    public func requiringGrad() -> Tensor {
        Tensor(storage: storage, shape: shape, node: GradNode(leafShape: shape))
    }

    /// The same values, cut off from the graph: gradients do not flow through the result.
    public func detached() -> Tensor {
        Tensor(storage: storage, shape: shape)
    }

    /// True for tensors made by the user rather than by an op on tensors that require gradients.
    public var isLeaf: Bool { node?.isLeaf ?? true }

    /// The gradient accumulated by `backward` into this leaf (nil before any backward, or for
    /// tensors that do not require gradients). Copies of a leaf share it.
    public var grad: Tensor? {
        get { node?.grad }
        nonmutating set {
            if let g = newValue {
                require(g.shape == shape, "Tensor.grad: gradient of shape \(g.shape) for a tensor of shape \(shape)")
            }
            node?.grad = newValue
        }
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { node?.grad = nil }

    /// The identity of this tensor's node on the tape — shared by copies of a leaf, as `grad` is —
    /// which `backward(onLeafGradient:)` reports; nil when the tensor needs no gradient.
    public var gradientIdentity: ObjectIdentifier? { node.map { ObjectIdentifier($0) } }

    /// Back-propagates from this tensor: every leaf it depends on gets `∂(seed · self)/∂leaf`
    /// added to its `grad`.
    ///
    /// - Parameters:
    ///   - seed: the gradient of some scalar with respect to this tensor (same shape). It may be
    ///     omitted only for a one-element tensor, where it is 1 — so `loss.backward()` works.
    ///     Giving it computes a vector-Jacobian product.
    ///   - retainGraph: keep the recorded pullbacks so that `backward` can run again through the
    ///     same graph. By default they are released, freeing the saved tensors.
    ///   - onLeafGradient: called with a leaf's `gradientIdentity` as soon as its gradient from this
    ///     pass is complete (all its consumers done), while the rest of the pass still runs — so
    ///     that data-parallel training can start reducing the gradients of the last layers early.
    public func backward(_ seed: Tensor? = nil, retainGraph: Bool = false,
                         onLeafGradient: ((ObjectIdentifier) -> Void)? = nil) {
        guard let root = node else {
            fatalError("backward: this tensor (shape \(shape)) does not require gradients; mark its inputs with requiresGrad / requiringGrad() before computing it")
        }
        let g: Tensor
        if let seed = seed {
            require(seed.shape == shape, "backward: seed gradient has shape \(seed.shape), expected the tensor's shape \(shape)")
            g = seed.detached()
        } else {
            require(count == 1, "backward: called without a seed gradient on a tensor of shape \(shape); only one-element tensors have an implicit seed of 1 — pass backward(seed) with a gradient of shape \(shape)")
            g = Tensor.ones(shape)
        }
        withoutGrad { Autograd.run(from: root, seed: g, retainGraph: retainGraph, onLeaf: onLeafGradient) }
    }
}

/// The backward pass: topological order, then pullbacks in reverse.
enum Autograd {
    private nonisolated(unsafe) static var epoch = 0

    static func run(from root: GradNode, seed: Tensor, retainGraph: Bool, onLeaf: ((ObjectIdentifier) -> Void)? = nil) {
        epoch &+= 1
        let mark = epoch
        // Iterative post-order DFS: a node is appended after all of its inputs.
        var order: [GradNode] = []
        var stack: [(GradNode, Int)] = [(root, 0)]
        root.visitMark = mark
        while let (n, i) = stack.popLast() {
            if i < n.inputs.count {
                stack.append((n, i + 1))
                if let child = n.inputs[i], child.visitMark != mark {
                    child.visitMark = mark
                    stack.append((child, 0))
                }
            } else {
                order.append(n)
            }
        }
        if Profiler.isActive { Profiler.mark("backward.sort") }
        root.pending = seed
        for n in order.reversed() {
            guard let g = n.pending else { continue }
            n.pending = nil
            if n.isLeaf {
                n.grad = n.grad.map { $0 + g } ?? g
                onLeaf?(ObjectIdentifier(n))
                continue
            }
            guard let pullback = n.pullback else {
                fatalError("backward: the graph through '\(n.op)' was already released by an earlier backward; pass retainGraph: true to the first call to back-propagate twice")
            }
            let grads = pullback(g)
            for (input, gi) in zip(n.inputs, grads) {
                guard let input = input, let gi = gi else { continue }
                require(gi.shape == input.shape, "backward: '\(n.op)' produced a gradient of shape \(gi.shape) for an input of shape \(input.shape)")
                input.pending = input.pending.map { $0 + gi } ?? gi
            }
            if !retainGraph {
                n.pullback = nil
                n.inputs = []
            }
            if Profiler.isActive { Profiler.mark(n.op + ".backward") }
        }
    }
}
