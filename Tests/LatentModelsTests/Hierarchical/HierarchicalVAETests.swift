import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentProbability
import LatentData
import LatentModels

/// The two-stochastic-layer VAE: its log-density pieces against closed forms, the bounds'
/// gradients against finite differences, IWAE₁ = ELBO on the same draw, the bound rising in k to
/// log p(x) found by brute-force integration of a 1-D × 1-D model, checkpoints, and training on MNIST.
final class HierarchicalVAETests: XCTestCase {
    /// A tiny model of `side`×1 binary "images" with the given widths.
    func tiny(_ inference: HierarchicalVAE.Inference, pixels: Int = 4, latent1: Int = 2, latent2: Int = 2, hidden: Int = 3,
              seed: UInt64 = 1) throws -> HierarchicalVAE {
        try HierarchicalVAEConfiguration(imageShape: [1, 1, pixels], hidden1: [hidden], latent1: latent1, hidden2: [hidden],
                                         latent2: latent2, inference: inference, seed: seed).build()
    }

    func binary(_ n: Int, pixels: Int, seed: UInt64 = 3) -> Tensor {
        Tensor.bernoulli([n, 1, 1, pixels], p: 0.5, generator: RandomGenerator(seed: seed))
    }

    /// Σ log N(z; μ, σ) in Double.
    func logNormal(_ z: [Float], _ mu: [Float], _ logSigma: [Float]) -> Double {
        zip(zip(z, mu), logSigma).reduce(0.0) { s, e in
            let u = Double(e.0.0 - e.0.1) / exp(Double(e.1))
            return s - 0.5 * u * u - Double(e.1) - 0.5 * log(2 * Double.pi)
        }
    }

    func testPrecisionWeightedMergeIsTheNormalizedProductOfGaussians() {
        let g = RandomGenerator(seed: 2)
        let a = DiagonalGaussian(loc: Tensor.randn([3, 4], generator: g), logScale: Tensor.randn([3, 4], generator: g))
        let b = DiagonalGaussian(loc: Tensor.randn([3, 4], generator: g), logScale: Tensor.randn([3, 4], generator: g))
        let q = DiagonalGaussian.precisionWeighted(bottomUp: a, topDown: b)
        // N(z; μa, σa) N(z; μb, σb) = N(μa; μb, σa² + σb²) · N(z; μq, σq) for every z, per dimension.
        for i in 0..<12 {
            let (ma, sa, mb, sb) = (Double(a.loc.scalars[i]), exp(Double(a.logScale.scalars[i])), Double(b.loc.scalars[i]), exp(Double(b.logScale.scalars[i])))
            let precision = 1 / (sa * sa) + 1 / (sb * sb)
            XCTAssertEqual(Double(q.logScale.scalars[i]), -0.5 * log(precision), accuracy: 1e-5)
            XCTAssertEqual(Double(q.loc.scalars[i]), (ma / (sa * sa) + mb / (sb * sb)) / precision, accuracy: 1e-4)
            let sum = sa * sa + sb * sb
            let normalizer = -0.5 * (ma - mb) * (ma - mb) / sum - 0.5 * log(2 * Double.pi * sum)
            for z in [-1.5, 0.2, 2.0] {
                let lhs = logNormal([Float(z)], [Float(ma)], [Float(log(sa))]) + logNormal([Float(z)], [Float(mb)], [Float(log(sb))])
                let rhs = normalizer + logNormal([Float(z)], [q.loc.scalars[i]], [q.logScale.scalars[i]])
                XCTAssertEqual(lhs, rhs, accuracy: 2e-4)
            }
        }
    }

    /// Each term recomputed by hand from the networks' outputs at the drawn z: Bernoulli log-likelihood
    /// of the decoder's logits, the Gaussian log-densities of q and p(z₁|z₂), N(0, I) for z₂.
    func testTermsAreTheLogDensitiesOfTheDrawnLatents() throws {
        for inference in HierarchicalVAE.Inference.allCases {
            let model = try tiny(inference)
            let x = binary(3, pixels: 4)
            let t = model.terms(x, samples: 2, generator: RandomGenerator(seed: 5))
            XCTAssertEqual(t.reconstruction.shape, [2, 3])
            let z1 = t.z1.reshaped([6, 2]), z2 = t.z2.reshaped([6, 2])
            let logits = model.decoder.parameters(z1).reshaped([6, 4]).scalars, pixels = x.reshaped([3, 4]).scalars
            let p1 = model.prior1(z2)
            let h = model.bottomUp(x)
            for row in 0..<6 {
                let example = row % 3
                var logLikelihood = 0.0
                for j in 0..<4 {
                    let l = Double(logits[row * 4 + j]), v = Double(pixels[example * 4 + j])
                    logLikelihood += v * l - max(l, 0) - log1p(exp(-abs(l)))
                }
                XCTAssertEqual(Double(t.reconstruction.scalars[row]), -logLikelihood, accuracy: 1e-4, "\(inference) row \(row)")
                let z1r = Array(z1.scalars[(2 * row)..<(2 * row + 2)]), z2r = Array(z2.scalars[(2 * row)..<(2 * row + 2)])
                let logP1 = logNormal(z1r, Array(p1.loc.scalars[(2 * row)..<(2 * row + 2)]), Array(p1.logScale.scalars[(2 * row)..<(2 * row + 2)]))
                let logP2 = logNormal(z2r, [0, 0], [0, 0])
                let q1: DiagonalGaussian, q2: DiagonalGaussian
                switch inference {
                case .bottomUp:
                    q1 = model.posterior1(h.slice(axis: 0, from: example, to: example + 1))
                    q2 = model.posterior2(Tensor(shape: [1, 2], scalars: z1r))
                case .ladder:
                    q2 = model.posterior2(h.slice(axis: 0, from: example, to: example + 1))
                    q1 = DiagonalGaussian.precisionWeighted(bottomUp: model.posterior1(h.slice(axis: 0, from: example, to: example + 1)),
                                                            topDown: model.prior1(Tensor(shape: [1, 2], scalars: z2r)))
                }
                XCTAssertEqual(Double(t.klZ1.scalars[row]), logNormal(z1r, q1.loc.scalars, q1.logScale.scalars) - logP1, accuracy: 1e-4, "\(inference)")
                XCTAssertEqual(Double(t.klZ2.scalars[row]), logNormal(z2r, q2.loc.scalars, q2.logScale.scalars) - logP2, accuracy: 1e-4, "\(inference)")
            }
        }
    }

    /// The closed-form KL terms are the expectations of the sampled ones: over 20 000 draws the mean
    /// of (sampled − closed form) is 0 within 4 standard errors, per layer and inference mode; with
    /// the ladder, q(z₂|x) depends on x alone and its term is KL(q(z₂|x) ‖ N(0, I)) itself.
    func testClosedFormKLTermsAreTheMeansOfTheSampledOnes() throws {
        for inference in HierarchicalVAE.Inference.allCases {
            let model = try tiny(inference)
            let x = binary(1, pixels: 4)
            let k = 20_000
            let t = model.terms(x, samples: k, generator: RandomGenerator(seed: 8))
            for (sampled, closed, name) in [(t.klZ1, t.analyticKLZ1, "z1"), (t.klZ2, t.analyticKLZ2, "z2")] {
                let d = (sampled - closed).scalars.map(Double.init)
                let mean = d.reduce(0, +) / Double(k)
                let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(k - 1)).squareRoot()
                XCTAssertEqual(mean, 0, accuracy: 4 * sd / Double(k).squareRoot() + 1e-4, "\(inference) \(name)")
                XCTAssertGreaterThan(sd, 0.01, "\(inference) \(name): the sampled term has variance the closed form removes")
            }
            if inference == .ladder {
                let exact = model.posterior2(model.bottomUp(x)).klToStandardNormalPerDimension().sum().item
                XCTAssertEqual(t.analyticKLZ2.scalars[0], exact, accuracy: 1e-5)
            }
        }
    }

    func testIWAEBoundWithOneSampleIsTheELBOOfTheSameDraw() throws {
        for inference in HierarchicalVAE.Inference.allCases {
            let model = try tiny(inference)
            let batch = Batch(x: binary(5, pixels: 4))
            model.objective = .elbo(samples: 1)
            let elbo = model.trainingLoss(batch, step: 0, generator: RandomGenerator(seed: 4))
            model.objective = .iwae(samples: 1)
            let iwae = model.trainingLoss(batch, step: 0, generator: RandomGenerator(seed: 4))
            // The one-sample ELBO of the same draw, with its KLs as sampled (the log-weight itself).
            let t = model.terms(batch.x, samples: 1, generator: RandomGenerator(seed: 4))
            let sampledELBO = -Double((t.reconstruction + t.klZ1 + t.klZ2).mean().item)
            XCTAssertEqual(-Double(iwae.loss.item), sampledELBO, accuracy: 1e-4)
            XCTAssertEqual(iwae.parts["iwae_bound"]!, sampledELBO, accuracy: 1e-4)
            // The training ELBO takes the same draw, with the KLs' closed-form parts exact.
            XCTAssertEqual(elbo.parts["reconstruction"]!, Double(t.reconstruction.mean().item), accuracy: 1e-4)
            XCTAssertEqual(Double(elbo.loss.item), elbo.parts["reconstruction"]! + elbo.parts["kl"]!, accuracy: 1e-4)
            XCTAssertEqual(elbo.parts["kl"]!, elbo.parts["kl_z1"]! + elbo.parts["kl_z2"]!, accuracy: 1e-5)
            let marginal = model.logMarginal(batch.x, samples: 1, generator: RandomGenerator(seed: 4))
            XCTAssertTrue(marginal.isClose(to: model.terms(batch.x, samples: 1, generator: RandomGenerator(seed: 4)).logWeights.reshaped([5]), rtol: 1e-5, atol: 1e-4))
        }
    }

    func testBoundGradientsMatchFiniteDifferences() throws {
        for inference in HierarchicalVAE.Inference.allCases {
            for objective in [HierarchicalVAE.Objective.elbo(samples: 3), .iwae(samples: 3)] {
                let model = try tiny(inference)
                model.objective = objective
                let batch = Batch(x: binary(4, pixels: 4))
                let layers = [model.bottomUp.layers[1], (model.posterior2.body as! Sequential).layers[0], (model.prior1.body as! Sequential).layers[2],
                              model.posterior1.body, (model.decoder.body as! Sequential).layers[0]].map { $0 as! Linear }
                let result = gradcheck(layers.map(\.weight.value), epsilon: 1e-2, atol: 1e-2, rtol: 2e-2) { w in
                    for (layer, value) in zip(layers, w) { layer.weight.value = value }
                    return model.trainingLoss(batch, step: 0, generator: RandomGenerator(seed: 6)).loss
                }
                XCTAssertTrue(result.passed, "\(inference) \(objective): \(result)")
            }
        }
    }

    /// log p(x) of a model with 1-D z₁ and z₂ on 3 pixels, by a Riemann sum on a fine 2-D grid
    /// (the integrand is smooth and negligible outside it), against the importance-sampled
    /// estimate; and the IWAE bound's mean over replicates rising with k towards it.
    func testImportanceSampledLogMarginalMatchesBruteForceIntegrationAndRisesWithK() throws {
        for inference in HierarchicalVAE.Inference.allCases {
            let model = try tiny(inference, pixels: 3, latent1: 1, latent2: 1, hidden: 4, seed: 11)
            // Proposals wider than the posteriors (log σ̂₁ and log σ(z₂) raised by 0.5 and 0.4), so that the importance
            // weights have a finite variance and 50 000 samples pin log p(x) down to ~0.01 nats.
            broaden(model.posterior1.body as! Linear, by: 0.5)
            broaden((model.posterior2.body as! Sequential).layers.last as! Linear, by: 0.4)
            let x = Tensor(shape: [2, 1, 1, 3], scalars: [1, 0, 1, 0, 0, 1])
            // The grid: z₂ on [−7, 7], z₁ on [−12, 12], spacing 0.1 (the integrand is smooth: a
            // Riemann sum converges fast, and the mass outside is negligible).
            let n2 = 141, n1 = 241
            let z2 = (0..<n2).map { -7 + 14 * Float($0) / Float(n2 - 1) }, z1 = (0..<n1).map { -12 + 24 * Float($0) / Float(n1 - 1) }
            let (d2, d1) = (14.0 / Double(n2 - 1), 24.0 / Double(n1 - 1))
            let p1 = withoutGrad { model.prior1(Tensor(shape: [n2, 1], scalars: z2)) }
            let mu = p1.loc.scalars.map(Double.init), logSigma = p1.logScale.scalars.map(Double.init)
            let logits = withoutGrad { model.decoder.parameters(Tensor(shape: [n1, 1], scalars: z1)).reshaped([n1, 3]).scalars }
            let pixels = x.reshaped([2, 3]).scalars
            var exact: [Double] = []
            for example in 0..<2 {
                let logLikelihood = (0..<n1).map { i in
                    (0..<3).reduce(0.0) { s, j in
                        let l = Double(logits[i * 3 + j])
                        return s + Double(pixels[example * 3 + j]) * l - max(l, 0) - log1p(exp(-abs(l)))
                    }
                }
                var sum = 0.0
                let halfLog2Pi = 0.5 * log(2 * Double.pi)
                for j in 0..<n2 {
                    let prior2 = -0.5 * Double(z2[j] * z2[j]) - halfLog2Pi
                    let inverse = exp(-logSigma[j])
                    for i in 0..<n1 {
                        let u = (Double(z1[i]) - mu[j]) * inverse
                        sum += exp(logLikelihood[i] - 0.5 * u * u - logSigma[j] - halfLog2Pi + prior2)
                    }
                }
                exact.append(log(sum * d1 * d2))
            }
            let estimate = withoutGrad { model.logMarginal(x, samples: 50_000, generator: RandomGenerator(seed: 3), maxRows: 25_000) }
            for example in 0..<2 {
                XCTAssertEqual(Double(estimate.scalars[example]), exact[example], accuracy: 0.02, "\(inference) example \(example)")
            }
            // E[L_k] over 500 replicates: non-decreasing in k (up to Monte Carlo error) and below log p(x).
            let replicates = 500
            var previous = -Double.infinity
            for k in [1, 2, 5, 20, 50] {
                let w = withoutGrad { model.logImportanceWeights(x, samples: k * replicates, generator: RandomGenerator(seed: UInt64(k))) }
                let bounds = ImportanceSampling.logMeanExp(w.reshaped([replicates, k, 2]).permuted([1, 0, 2]).reshaped([k, replicates * 2]))
                let values = bounds.scalars.map(Double.init)
                let mean = values.reduce(0, +) / Double(values.count)
                let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
                let exactMean = (exact[0] + exact[1]) / 2
                XCTAssertGreaterThanOrEqual(mean, previous - 3 * sd / Double(values.count).squareRoot(), "\(inference) k = \(k)")
                XCTAssertLessThanOrEqual(mean, exactMean + 3 * sd / Double(values.count).squareRoot(), "\(inference) k = \(k)")
                previous = mean
            }
            XCTAssertEqual(previous, (exact[0] + exact[1]) / 2, accuracy: 0.03, "\(inference): L₅₀ close to log p(x)")
        }
    }

    /// Adds `shift` to the bias of the log σ half of a Gaussian head's output.
    func broaden(_ head: Linear, by shift: Float) {
        let bias = head.bias!.value.scalars, half = bias.count / 2
        head.bias!.value = Tensor(shape: [bias.count], scalars: bias.enumerated().map { $0.offset >= half ? $0.element + shift : $0.element })
    }

    /// The ELBO's KL weight rises linearly over `warmupSteps` (the loss is reconstruction + β·KL at
    /// β = step / steps, then 1); the IWAE objective refuses a warm-up.
    func testKLWarmupWeightsTheELBOsKL() throws {
        let model = try tiny(.ladder)
        model.warmupSteps = 100
        let batch = Batch(x: binary(4, pixels: 4))
        for (step, beta) in [(0, 0.0), (25, 0.25), (100, 1.0), (500, 1.0)] {
            let loss = model.trainingLoss(batch, step: step, generator: RandomGenerator(seed: 3))
            XCTAssertEqual(loss.parts["beta"]!, beta, accuracy: 1e-6)
            XCTAssertEqual(Double(loss.loss.item), loss.parts["reconstruction"]! + beta * loss.parts["kl"]!, accuracy: 1e-4, "step \(step)")
        }
        XCTAssertTrue(HierarchicalVAEConfiguration(objective: .iwae, samples: 5, warmupSteps: 10).problems().contains { $0.contains("ELBO objective only") })
    }

    func testCheckpointRoundTripRestoresTheBound() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        for inference in HierarchicalVAE.Inference.allCases {
            let config = HierarchicalVAEConfiguration(imageShape: [1, 2, 2], hidden1: [5], latent1: 3, hidden2: [4], latent2: 2,
                                                      inference: inference, seed: 1)
            let original = try config.build()
            let url = folder.appendingPathComponent("\(inference.rawValue).safetensors")
            try original.save(to: url)
            var other = config
            other.seed = 2
            let restored = try other.build()
            let x = binary(3, pixels: 4).reshaped([3, 1, 2, 2])
            let before = restored.logMarginal(x, samples: 10, generator: RandomGenerator(seed: 1))
            _ = try restored.load(from: url)
            let a = original.logMarginal(x, samples: 10, generator: RandomGenerator(seed: 1))
            let b = restored.logMarginal(x, samples: 10, generator: RandomGenerator(seed: 1))
            XCTAssertEqual(a.scalars, b.scalars, "\(inference)")
            XCTAssertNotEqual(a.scalars, before.scalars)
            XCTAssertEqual(original.namedParameters().count, 16)
        }
        XCTAssertThrowsError(try HierarchicalVAEConfiguration(latent1: 0, samples: 0).build()) { error in
            XCTAssertTrue("\(error)".contains("latent1 0") && "\(error)".contains("samples 0"), "\(error)")
        }
    }
}

/// Training through the shared `Trainer` on real binarized MNIST images.
final class HierarchicalVAETrainingTests: XCTestCase {
    /// A 784-64-(10)-32-(5) bottom-up model trained 60 steps (1000 mnist-5k images binarized once,
    /// batch 100, Adam 1e-2, ELBO) reaches a test −ELBO below 175 nats on 200 binarized test images
    /// (156 measured), far below the best model that ignores its latents — independent pixels at
    /// the training set's frequencies, 197 nats on these images — and its 100-sample IWAE estimate
    /// of log p(x) lies above its ELBO. (tanh MLPs sit on that plateau for their first few hundred
    /// steps at the paper's 1e-3 on dynamically binarized data.)
    func testShortMNISTTrainingBeatsTheIndependentPixelsBaseline() throws {
        let data = try ModelTestSupport.mnist5k()
        let train = data.train.prefix(1000).staticallyBinarized(seed: 4)
        let x = data.test.prefix(200).staticallyBinarized(seed: 5).inputs
        // −log p(x) under independent Bernoulli pixels with the (smoothed) training frequencies.
        let n = Double(train.count), pixels = 784
        let trainValues = train.inputs.scalars, testValues = x.scalars
        var frequency = [Double](repeating: 0.5, count: pixels)
        for i in 0..<train.count { for j in 0..<pixels { frequency[j] += Double(trainValues[i * pixels + j]) } }
        frequency = frequency.map { $0 / (n + 1) }
        var baseline = 0.0
        for i in 0..<200 { for j in 0..<pixels { baseline -= testValues[i * pixels + j] == 1 ? log(frequency[j]) : log(1 - frequency[j]) } }
        baseline /= 200

        let model = try HierarchicalVAEConfiguration(hidden1: [64], latent1: 10, hidden2: [32], latent2: 5, seed: 1).build()
        let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 1e-2),
                              configuration: TrainerConfiguration(epochs: 6, seed: 1))
        try trainer.fit(train: DataLoader(train, batchSize: 100, seed: 1))
        model.eval()
        let (negativeELBO, iwae) = withoutGrad { () -> (Double, Double) in
            (model.evaluationMetrics(Batch(x: x), generator: RandomGenerator(seed: 2))["loss"]!,
             Double(model.logMarginal(x, samples: 100, generator: RandomGenerator(seed: 2)).mean().item))
        }
        print("hierarchical VAE, 60 steps: test −ELBO \(negativeELBO), −IWAE₁₀₀ \(-iwae), independent pixels \(baseline)")
        XCTAssertLessThan(negativeELBO, 175, "test −ELBO after 60 steps")
        XCTAssertLessThan(negativeELBO, baseline - 20, "the latents carry information about x")
        XCTAssertGreaterThan(iwae, -negativeELBO)
    }
}
