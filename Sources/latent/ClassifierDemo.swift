import Latent
import Foundation

/// Part 1 of `latent demo`: trains a small classifier on the two-moons problem — a `Sequential` MLP, the
/// autodiff tape and `Adam` — printing loss and accuracy, and fails loudly if the test accuracy
/// stays below 97%. It shows the loop a user writes: forward, `backward()`, `step()`.
enum ClassifierDemo {
    /// Two interleaved half circles with Gaussian noise; labels 0/1 as a `[count, 1]` column.
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
        let model = Sequential(Linear(2, 64, generator: gen), Activation.tanh,
                               Linear(64, 64, generator: gen), Activation.tanh,
                               Linear(64, 1, generator: gen))
        let optimizer = Adam(model.namedParameters(), learningRate: 0.01)

        // Bernoulli negative log-likelihood from logits: −[y·log σ(l) + (1−y)·log σ(−l)], mean over the batch.
        func loss(_ logits: Tensor, _ y: Tensor) -> Tensor {
            -(y * logits.logSigmoid() + (1 - y) * (-logits).logSigmoid()).mean()
        }
        func testAccuracy() -> Float {
            model.eval()
            defer { model.train() }
            return withoutGrad { model(test.x).gt(0).eq(test.y).mean().item }
        }

        print("latent demo: two-moons classifier, 2-64-64-1 tanh MLP (\(model.parameterCount) parameters), Adam, seed \(seed), \(Threads.count) thread(s)")
        let batch = 128
        let start = Date()
        for epoch in 1...epochs {
            let order = gen.permutation(train.x.shape[0])
            var epochLoss: Float = 0
            for b in stride(from: 0, to: order.count, by: batch) {
                let idx = Array(order[b..<Swift.min(b + batch, order.count)])
                optimizer.zeroGrad()
                let l = loss(model(train.x.indexSelect(axis: 0, indices: idx)), train.y.indexSelect(axis: 0, indices: idx))
                guard l.item.isFinite else {
                    print("error: loss became \(l.item) at epoch \(epoch); lower the learning rate")
                    return 1
                }
                l.backward()
                optimizer.step()
                epochLoss += l.item * Float(idx.count)
            }
            if epoch == 1 || epoch % 10 == 0 || epoch == epochs {
                print(String(format: "epoch %3d  train loss %.4f  test accuracy %.1f%%", epoch, epochLoss / Float(order.count), testAccuracy() * 100))
            }
        }
        let accuracy = testAccuracy()
        print(String(format: "done in %.2f s: test accuracy %.1f%% (target ≥ 97%%)", Date().timeIntervalSince(start), accuracy * 100))
        return accuracy >= 0.97 ? 0 : 1
    }
}
