import Latent
import LatentBenchmarks
import CLatentKernels

/// The core-engine benchmark cases: SGEMM, elementwise throughput, per-op overhead, and a full
/// MLP training step. Each returns its JSON line.
enum EngineBenchmarks {
    /// SGEMM through `Tensor.matmul` (what users get): GFLOP/s = 2mnk / time, and that rate's
    /// fraction of `peak` for the threads it ran on.
    static func gemm(m: Int, k: Int, n: Int, threads: Int, transpose: String = "NN", peak: MachinePeak) -> JSONLine {
        let gen = RandomGenerator(seed: 1)
        let a = transpose.hasPrefix("T") ? Tensor.randn([k, m], generator: gen) : Tensor.randn([m, k], generator: gen)
        let b = transpose.hasSuffix("T") ? Tensor.randn([n, k], generator: gen) : Tensor.randn([k, n], generator: gen)
        let seconds: Double
        switch transpose {
        case "NN": seconds = Timing.median { _ = a.matmul(b) }
        default:
            // Transposed operands go straight to the kernel, as the autodiff backward does.
            var c = Tensor.zeros([m, n])
            let ta: Int32 = transpose.hasPrefix("T") ? 1 : 0, tb: Int32 = transpose.hasSuffix("T") ? 1 : 0
            seconds = Timing.median {
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                    lk_sgemm(ta, tb, m, n, k, 1, pa.baseAddress, ta == 1 ? m : k, pb.baseAddress, tb == 1 ? k : n, 0, pc.baseAddress, n)
                } } }
            }
        }
        var j = JSONLine()
        j.add("case", "sgemm"); j.add("op", transpose); j.add("m", m); j.add("k", k); j.add("n", n)
        let used = transpose == "NN" ? threads : 1
        let gflops = 2.0 * Double(m * n * k) / seconds * 1e-9
        j.add("threads", used)
        j.add("gflops", gflops, digits: 1)
        j.add("fraction_of_peak", gflops / peak.gflops(threads: used), digits: 3)
        j.add("isa", String(cString: lk_gemm_isa()))
        return j
    }

    /// Elementwise throughput in elements per second (one pass, result allocated as users see it).
    static func elementwise(_ name: String, count: Int, threads: Int) -> JSONLine {
        let x = Tensor.uniform([count], low: -3, high: 3, generator: RandomGenerator(seed: 2))
        let y = Tensor.uniform([count], low: 0.5, high: 3, generator: RandomGenerator(seed: 3))
        let f: () -> Void
        switch name {
        case "add": f = { _ = x + y }
        case "mul": f = { _ = x * y }
        case "exp": f = { _ = x.exp() }
        case "log": f = { _ = y.log() }
        case "tanh": f = { _ = x.tanh() }
        case "sigmoid": f = { _ = x.sigmoid() }
        case "softplus": f = { _ = x.softplus() }
        case "sum": f = { _ = x.sum() }
        default: preconditionFailure("unknown elementwise case \(name)")
        }
        let seconds = Timing.median(f)
        var j = JSONLine()
        j.add("case", "elementwise"); j.add("op", name); j.add("elements", count); j.add("threads", threads)
        j.add("gelem_per_s", Double(count) / seconds * 1e-9, digits: 2)
        return j
    }

    /// Time of one recorded op on a tiny tensor: 512×2 + 512×2 with gradients, including the tape entry.
    static func overhead(threads: Int) -> JSONLine {
        let a = Tensor.randn([512, 2]).requiringGrad(), b = Tensor.randn([512, 2])
        let add = Timing.median(repeats: 9) { _ = a + b }
        let noGrad = withoutGrad { Timing.median(repeats: 9) { _ = a + b } }
        var j = JSONLine()
        j.add("case", "op_overhead"); j.add("op", "add 512x2"); j.add("threads", threads)
        j.add("us_with_grad", add * 1e6, digits: 3)
        j.add("us_no_grad", noGrad * 1e6, digits: 3)
        return j
    }

    /// Time of one pool job of `Threads.parallelFor` with 2 and with 8 empty chunks: the hand-off
    /// every split op pays (on one thread the loop runs inline, so this is the loop's own cost).
    static func poolHandoff(threads: Int) -> JSONLine {
        var sink = 0
        let two = Timing.median(repeats: 9) { Threads.parallelFor(2) { sink &+= $0 } }
        let eight = Timing.median(repeats: 9) { Threads.parallelFor(8) { sink &+= $0 } }
        var j = JSONLine()
        j.add("case", "pool_handoff"); j.add("threads", threads)
        j.add("us_2_chunks", two * 1e6, digits: 3)
        j.add("us_8_chunks", eight * 1e6, digits: 3)
        return j
    }

    /// Forward + backward + SGD update of a 784-400-20 ReLU MLP on a batch of 128 (squared error).
    static func mlpStep(threads: Int) -> JSONLine {
        let gen = RandomGenerator(seed: 4)
        let x = Tensor.uniform([128, 784], generator: gen), target = Tensor.randn([128, 20], generator: gen)
        var params = [Tensor.randn([784, 400], generator: gen) * 0.035, Tensor.zeros([400]),
                      Tensor.randn([400, 20], generator: gen) * 0.05, Tensor.zeros([20])].map { $0.requiringGrad() }
        func step() {
            let h = (x.matmul(params[0]) + params[1]).relu()
            let y = h.matmul(params[2]) + params[3]
            ((y - target).square().sum() / 128).backward()
            for i in params.indices {
                guard let g = params[i].grad else { continue }
                g.withUnsafeBufferPointer { gp in
                    params[i].withUnsafeMutableBufferPointer { p in lk_axpy(p.count, -1e-3, gp.baseAddress, p.baseAddress) }
                }
                params[i].zeroGrad()
            }
        }
        let seconds = Timing.median(repeats: 7, minSeconds: 0.2, step)
        // Forward 2·B·(784·400 + 400·20); backward twice that, less the unneeded input gradient of layer 1.
        let forward: Double = 2 * 128 * Double(784 * 400 + 400 * 20)
        let flops: Double = 3 * forward - 2 * 128 * Double(784 * 400)
        var j = JSONLine()
        j.add("case", "mlp_step"); j.add("arch", [784, 400, 20]); j.add("batch", 128); j.add("threads", threads)
        j.add("steps_per_s", 1 / seconds, digits: 1)
        j.add("gflops", flops / seconds * 1e-9, digits: 1)
        return j
    }
}
