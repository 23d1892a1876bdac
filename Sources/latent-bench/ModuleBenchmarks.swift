import Latent
import CLatentKernels
import Foundation

/// The 784-400-20 MLP training step through `Module` + `Adam`, next to the same computation on raw
/// tensors with the same Adam kernel: the cost of the module layer, which must stay within 5%.
enum ModuleBenchmarks {
    static func mlpStep(threads: Int) -> [JSONLine] {
        let gen = RandomGenerator(seed: 4)
        let x = Tensor.uniform([128, 784], generator: gen), target = Tensor.randn([128, 20], generator: gen)

        let model = Sequential(Linear(784, 400, generator: gen), Activation.relu, Linear(400, 20, generator: gen))
        let adam = Adam(model.namedParameters(), learningRate: 1e-4)
        let moduleStep = {
            adam.zeroGrad()
            ((model(x) - target).square().sum() / 128).backward()
            adam.step()
        }

        // The same network as four raw tensors, the same fused linear op and the same Adam kernel.
        var params = model.parameters().map { $0.value.detached().requiringGrad() }
        var firstMoments = params.map { Tensor.zeros($0.shape) }, secondMoments = firstMoments.map { Tensor.zeros($0.shape) }
        var t = 0
        let rawStep = {
            let h = x.linear(weight: params[0], bias: params[1]).relu()
            ((h.linear(weight: params[2], bias: params[3]) - target).square().sum() / 128).backward()
            t += 1
            let bc1 = 1 - Float(pow(0.9, Double(t))), bc2 = 1 - Float(pow(0.999, Double(t)))
            for i in params.indices {
                let g = params[i].grad!
                g.withUnsafeBufferPointer { gp in
                    params[i].withUnsafeMutableBufferPointer { pp in
                        firstMoments[i].withUnsafeMutableBufferPointer { mp in
                            secondMoments[i].withUnsafeMutableBufferPointer { vp in
                                lk_adam_update(pp.baseAddress, gp.baseAddress, mp.baseAddress, vp.baseAddress, pp.count,
                                               1e-4, 0.9, 0.999, 1e-8, 0, 0, bc1, bc2)
                            }
                        }
                    }
                }
                params[i].zeroGrad()
            }
        }
        let (moduleSeconds, rawSeconds) = Timing.interleavedMedians(moduleStep, rawStep)
        var module = JSONLine()
        module.add("case", "mlp_step_module_adam"); module.add("arch", [784, 400, 20]); module.add("batch", 128)
        module.add("threads", threads); module.add("steps_per_s", 1 / moduleSeconds, digits: 1)
        module.add("raw_steps_per_s", 1 / rawSeconds, digits: 1)
        module.add("module_vs_raw", rawSeconds / moduleSeconds, digits: 3)
        return [module]
    }
}
