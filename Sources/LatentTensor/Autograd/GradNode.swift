/// One entry of the autodiff tape.
///
/// A leaf node belongs to a tensor the user marked `requiresGrad`; it accumulates `grad`.
/// An interior node belongs to the result of an op; `pullback` maps the gradient of that result
/// to the gradients of the op's inputs (a vector-Jacobian product), one per entry of `inputs`,
/// `nil` where an input needs none.
@usableFromInline
final class GradNode {
    /// Name of the op that made this node (for error messages and debugging).
    let op: String
    /// Shape of the tensor this node belongs to; every incoming gradient must have it.
    let shape: [Int]
    /// Nodes of the op's inputs (`nil` for inputs that do not require gradients).
    var inputs: [GradNode?]
    /// Output gradient ↦ input gradients. Released after `backward` unless the graph is retained.
    var pullback: ((Tensor) -> [Tensor?])?
    /// Accumulated gradient of a leaf.
    var grad: Tensor?
    /// Gradient summed over this node's consumers while `backward` runs.
    var pending: Tensor?
    /// Marks nodes already visited by the topological sort of one `backward` call.
    var visitMark: Int = 0
    /// True for leaves; an op's node stays non-leaf even after its pullback is released.
    let isLeaf: Bool

    /// A leaf.
    init(leafShape shape: [Int]) {
        self.op = "leaf"
        self.shape = shape
        self.inputs = []
        self.isLeaf = true
    }

    /// The record of an op.
    init(op: String, shape: [Int], inputs: [GradNode?], pullback: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.shape = shape
        self.inputs = inputs
        self.pullback = pullback
        self.isLeaf = false
    }
}
