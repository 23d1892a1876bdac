import CLatentKernels

/// Loss heads fused into one kernel pass forward and one backward, where the composed ops would
/// each make a pass over the tensor and a buffer (and a tape entry) of their own.
extension Tensor {
    /// The Bernoulli log-likelihood of `x` under `logits`, elementwise:
    /// x·l − softplus(l) = x·log σ(l) + (1 − x)·log(1 − σ(l)), stable for every finite l.
    ///
    /// Same values as `x * logits - logits.softplus()` (one pass instead of three, and one tape
    /// entry). Gradients: ∂/∂l = x − σ(l), ∂/∂x = l. `logits` and `x` of one shape take the
    /// fused kernel; shapes that only broadcast fall back to the composed ops.
    public static func bernoulliLogProb(logits: Tensor, _ x: Tensor) -> Tensor {
        guard logits.shape == x.shape else { return x * logits - logits.softplus() }
        let out = Tensor(uninitializedShape: x.shape)
        let (lp, xp, yp) = (logits.storage.pointer, x.storage.pointer, out.storage.pointer)
        let grain = Swift.max(1, Threads.elementwiseGrain / 4)
        Threads.parallelChunks(x.count, grain: grain) { start, n in
            lk_bernoulli_logits_logprob(lp + start, xp + start, yp + start, n)
        }
        guard recording(logits, x) else { return out }
        let (l, data, needL, needX) = (logits.detached(), x.detached(), logits.node != nil, x.node != nil)
        return out.recorded("bernoulliLogProb", [logits, x]) { g in
            let gl = Tensor(uninitializedShape: l.shape)
            let gx: Tensor? = needX ? Tensor(uninitializedShape: l.shape) : nil
            let (lp, xp, gp, glp, gxp) = (l.storage.pointer, data.storage.pointer, g.storage.pointer,
                                          gl.storage.pointer, gx?.storage.pointer)
            Threads.parallelChunks(l.count, grain: grain) { start, n in
                lk_bernoulli_logits_logprob_backward(lp + start, xp + start, gp + start, glp + start, gxp.map { $0 + start }, n)
            }
            return [needL ? gl : nil, gx]
        }
    }
}
