import Latent
import Foundation

/// `latent demo`: trains a small classifier on the two-moons problem with nothing but the engine
/// (tensors, the autodiff tape and a hand-written momentum-SGD update), printing loss and accuracy.
/// It shows the whole loop a user writes — forward, `backward()`, update — and fails loudly if
/// training does not reach 97% accuracy.
enum EngineDemo {
    /// Two interleaved half circles with Gaussian noise; labels 0/1.
    static func twoMoons(count: Int, noise: Float, generator: RandomGenerator) -> (x: Tensor, y: Tensor) {
        var points: [Float] = [], labels: [Float] = []
        for i in 0..<count {
            let upper = i % 2 == 0
            let t = Float.pi * generator.nextUniform()
            let (px, py) = upper ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
            points += [px, py]
            labels.append(upper ? 0 : 1)
        }
        let x = Tensor(shape: [count, 2], scalars: points) + Tensor.normal([count, 2], std: noise, generator: generator)
        return (x, Tensor(shape: [count, 1], scalars: labels))
    }

    static func run(seed: UInt64, epochs: Int) -> Int32 {
        let gen = RandomGenerator(seed: seed)
        let train = twoMoons(count: 1024, noise: 0.1, generator: gen)
        let test = twoMoons(count: 1024, noise: 0.1, generator: gen)
        // 2-64-64-1 MLP, Kaiming-uniform-like initial weights.
        let sizes = [2, 64, 64, 1]
        var params: [Tensor] = []
        for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
            let bound = 1 / Float(fanIn).squareRoot()
            params.append(Tensor.uniform([fanIn, fanOut], low: -bound, high: bound, generator: gen).requiringGrad())
            params.append(Tensor.uniform([fanOut], low: -bound, high: bound, generator: gen).requiringGrad())
        }
        var velocity = params.map { Tensor.zeros(like: $0) }

        func logits(_ x: Tensor) -> Tensor {
            var h = x
            for layer in 0..<3 {
                h = h.matmul(params[2 * layer]) + params[2 * layer + 1]
                if layer < 2 { h = h.tanh() }
            }
            return h
        }
        // Bernoulli negative log-likelihood from logits: −[y·log σ(l) + (1−y)·log σ(−l)], mean over the batch.
        func loss(_ l: Tensor, _ y: Tensor) -> Tensor {
            -(y * l.logSigmoid() + (1 - y) * (-l).logSigmoid()).mean()
        }
        func accuracy(_ l: Tensor, _ y: Tensor) -> Float {
            l.gt(0).eq(y).mean().item
        }

        print("latent demo: two-moons classifier, 2-64-64-1 tanh MLP, momentum SGD, seed \(seed), \(Threads.count) thread(s)")
        let batch = 128, lr: Float = 0.1, momentum: Float = 0.9
        let start = Date()
        for epoch in 1...epochs {
            let order = gen.permutation(train.x.shape[0])
            var epochLoss: Float = 0
            for b in stride(from: 0, to: order.count, by: batch) {
                let idx = Array(order[b..<Swift.min(b + batch, order.count)])
                let l = loss(logits(train.x.indexSelect(axis: 0, indices: idx)), train.y.indexSelect(axis: 0, indices: idx))
                guard l.item.isFinite else {
                    print("error: loss became \(l.item) at epoch \(epoch); lower the learning rate")
                    return 1
                }
                l.backward()
                epochLoss += l.item * Float(idx.count)
                withoutGrad {
                    for i in params.indices {
                        velocity[i] = velocity[i] * momentum + params[i].grad!
                        let step = velocity[i]
                        step.withUnsafeBufferPointer { s in
                            params[i].withUnsafeMutableBufferPointer { p in
                                for j in 0..<p.count { p[j] -= lr * s[j] }
                            }
                        }
                        params[i].zeroGrad()
                    }
                }
            }
            if epoch == 1 || epoch % 10 == 0 || epoch == epochs {
                let testAcc = withoutGrad { accuracy(logits(test.x), test.y) }
                print(String(format: "epoch %3d  train loss %.4f  test accuracy %.1f%%", epoch, epochLoss / Float(order.count), testAcc * 100))
            }
        }
        let finalAcc = withoutGrad { accuracy(logits(test.x), test.y) }
        print(String(format: "done in %.2f s: test accuracy %.1f%% (target ≥ 97%%)", Date().timeIntervalSince(start), finalAcc * 100))
        return finalAcc >= 0.97 ? 0 : 1
    }
}
