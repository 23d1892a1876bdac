import CLatentKernels

/// The diagonal-Gaussian head of a VAE as two fused ops, each one kernel pass forward and one
/// backward (and one tape entry) where the composed forms take three and seven elementwise ops.
/// Both give the composed forms' values bit for bit (no fused multiply-adds in the kernels).
extension Tensor {
    /// The reparameterized draw z = μ + exp(s)·ε, s = log σ, for `loc`, `logScale` and `noise` ε
    /// of one shape (shapes that only broadcast fall back to the composed ops).
    ///
    /// Same values as `loc + logScale.exp() * noise`. Gradients: ∂z/∂μ = 1, ∂z/∂s = exp(s)·ε,
    /// ∂z/∂ε = exp(s).
    public static func reparameterized(loc: Tensor, logScale: Tensor, noise: Tensor) -> Tensor {
        guard loc.shape == logScale.shape && loc.shape == noise.shape else { return loc + logScale.exp() * noise }
        let out = Tensor(uninitializedShape: loc.shape)
        let (mp, sp, ep, zp) = (loc.storage.pointer, logScale.storage.pointer, noise.storage.pointer, out.storage.pointer)
        let grain = Swift.max(1, Threads.elementwiseGrain / 4)
        Threads.parallelChunks(out.count, grain: grain) { start, n in
            lk_gaussian_rsample(mp + start, sp + start, ep + start, zp + start, n)
        }
        guard recording([loc, logScale, noise]) else { return out }
        let (s, eps) = (logScale.detached(), noise.detached())
        let (needLoc, needScale, needNoise) = (loc.node != nil, logScale.node != nil, noise.node != nil)
        return out.recorded("reparameterized", [loc, logScale, noise]) { g in
            let gs = Tensor(uninitializedShape: s.shape)
            let ge: Tensor? = needNoise ? Tensor(uninitializedShape: s.shape) : nil
            let (sp, ep, gp, gsp, gep) = (s.storage.pointer, eps.storage.pointer, g.storage.pointer,
                                          gs.storage.pointer, ge?.storage.pointer)
            Threads.parallelChunks(s.count, grain: grain) { start, n in
                lk_gaussian_rsample_backward(sp + start, ep + start, gp + start, gsp + start, gep.map { $0 + start }, n)
            }
            return [needLoc ? g : nil, needScale ? gs : nil, ge]
        }
    }

    /// KL(N(μ, σ²) ‖ N(0, 1)) per element, ½(μ² + exp(2s) − 1) − s with s = log σ, for `loc`
    /// and `logScale` of one shape (otherwise the composed ops, broadcasting).
    ///
    /// Same values as `(loc.square() + (logScale * 2).exp() - 1) * 0.5 - logScale`. Gradients:
    /// ∂/∂μ = μ, ∂/∂s = exp(2s) − 1.
    public static func standardNormalKL(loc: Tensor, logScale: Tensor) -> Tensor {
        guard loc.shape == logScale.shape else { return (loc.square() + (logScale * 2).exp() - 1) * 0.5 - logScale }
        let out = Tensor(uninitializedShape: loc.shape)
        let (mp, sp, yp) = (loc.storage.pointer, logScale.storage.pointer, out.storage.pointer)
        let grain = Swift.max(1, Threads.elementwiseGrain / 4)
        Threads.parallelChunks(out.count, grain: grain) { start, n in
            lk_gaussian_kl_standard(mp + start, sp + start, yp + start, n)
        }
        guard recording(loc, logScale) else { return out }
        let (mu, s, needLoc, needScale) = (loc.detached(), logScale.detached(), loc.node != nil, logScale.node != nil)
        return out.recorded("standardNormalKL", [loc, logScale]) { g in
            let (gm, gs) = (Tensor(uninitializedShape: mu.shape), Tensor(uninitializedShape: mu.shape))
            let (mp, sp, gp, gmp, gsp) = (mu.storage.pointer, s.storage.pointer, g.storage.pointer,
                                          gm.storage.pointer, gs.storage.pointer)
            Threads.parallelChunks(mu.count, grain: grain) { start, n in
                lk_gaussian_kl_standard_backward(mp + start, sp + start, gp + start, gmp + start, gsp + start, n)
            }
            return [needLoc ? gm : nil, needScale ? gs : nil]
        }
    }
}
