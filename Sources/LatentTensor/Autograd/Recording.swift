/// Helpers that attach an op's pullback to its result when the tape is recording.
extension Tensor {
    /// True when an op on these inputs must record its pullback.
    @inline(__always)
    static func recording(_ a: Tensor) -> Bool {
        a.node != nil && GradMode.isEnabled
    }

    @inline(__always)
    static func recording(_ a: Tensor, _ b: Tensor) -> Bool {
        (a.node != nil || b.node != nil) && GradMode.isEnabled
    }

    static func recording(_ inputs: [Tensor]) -> Bool {
        GradMode.isEnabled && inputs.contains { $0.node != nil }
    }

    /// This result with a tape entry for `op`: `pullback` maps the result's gradient to one
    /// gradient per input (or nil where an input needs none).
    @inline(__always)
    func recorded(_ op: String, _ inputs: [Tensor], _ pullback: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        if Profiler.isActive { Profiler.mark(op) }
        return Tensor(storage: storage, shape: shape,
               node: GradNode(op: op, shape: shape, inputs: inputs.map { $0.node }, pullback: pullback))
    }
}
