import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The disentanglement metric of Higgins et al. (2017, "β-VAE", §3 and appendix A.4): how well a
/// *linear* classifier can tell, from a code's behaviour alone, which factor was held fixed.
///
/// One point: pick a factor k uniformly; draw `pairsPerPoint` pairs of examples that share the
/// value of factor k (everything else random, independently per example); the point's features are
/// the mean over pairs of |z₁ − z₂| per code dimension, its label is k. A multinomial logistic
/// regression (softmax, trained to convergence by Adam on features standardized with the training
/// points' mean and spread) is fitted on `trainPoints` points; the score is its accuracy on
/// `testPoints` fresh ones. Chance is about 1/K (0.2 for the sprites' five factors); a code with one
/// dimension per factor scores near 1, since the fixed factor's dimension alone shows no change.
///
/// Compared with `FactorVAEScore` (Kim & Mnih's majority-vote refinement) this metric is lenient:
/// a linear classifier can read a factor spread over several dimensions, and any rotation of two
/// factors' latents other than 45° stays separable.
public struct BetaVAEScore {
    /// Accuracy of the classifier on the test points, in [0, 1].
    public var score: Double
    /// Accuracy on the training points (far above `score` means too few points).
    public var trainAccuracy: Double

    /// Measures a sprite encoder `encode` (images `[N, 1, 64, 64]` → codes `[N, L]`, e.g. a VAE's
    /// posterior means), drawing every sprite from `generator`.
    public static func measure(encode: @escaping (Tensor) -> Tensor, trainPoints: Int = 800, testPoints: Int = 400,
                               pairsPerPoint: Int = 64, generator: RandomGenerator) -> BetaVAEScore {
        measure(factorSizes: Sprites.factorSizes, codes: { encode(Sprites.render($0).images) }, trainPoints: trainPoints,
                testPoints: testPoints, pairsPerPoint: pairsPerPoint, generator: generator)
    }

    /// The metric for any data with independent discrete factors of the given sizes: `codes` maps
    /// rows of factor indices (one row per example) to codes `[N, L]`. `progress(done, total)`
    /// hears after every `codes` call how many of the (trainPoints + testPoints) · 2 · pairsPerPoint
    /// examples are encoded.
    public static func measure(factorSizes sizes: [Int], codes encodeRows: ([[Int]]) -> Tensor, trainPoints: Int = 800,
                               testPoints: Int = 400, pairsPerPoint: Int = 64, generator: RandomGenerator,
                               progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> BetaVAEScore {
        require(trainPoints > 1 && testPoints > 0 && pairsPerPoint > 0 && sizes.count > 1 && sizes.allSatisfy { $0 > 1 },
                "BetaVAEScore: need trainPoints > 1, testPoints > 0, pairsPerPoint > 0 and at least two factors with ≥ 2 values, got \(trainPoints), \(testPoints), \(pairsPerPoint), \(sizes)")
        let total = (trainPoints + testPoints) * 2 * pairsPerPoint
        var encoded = 0
        func points(_ count: Int) -> (features: [[Float]], labels: [Int]) {
            var features: [[Float]] = [], labels: [Int] = []
            // Encode several points' pairs per call: rows 2i and 2i+1 are a pair.
            let perCall = max(1, 1024 / (2 * pairsPerPoint))
            while labels.count < count {
                let n = min(perCall, count - labels.count)
                var rows: [[Int]] = [], ks: [Int] = []
                for _ in 0..<n {
                    let k = generator.nextInt(below: sizes.count)
                    ks.append(k)
                    for _ in 0..<pairsPerPoint {
                        let a = sizes.map { generator.nextInt(below: $0) }
                        var b = sizes.map { generator.nextInt(below: $0) }
                        b[k] = a[k]
                        rows.append(a)
                        rows.append(b)
                    }
                }
                let z = withoutGrad { encodeRows(rows) }
                encoded += rows.count
                progress?(encoded, total)
                let l = z.shape[1], v = z.scalars
                for (p, k) in ks.enumerated() {
                    var mean = [Float](repeating: 0, count: l)
                    for pair in 0..<pairsPerPoint {
                        let r = 2 * (p * pairsPerPoint + pair)
                        for d in 0..<l { mean[d] += Swift.abs(v[r * l + d] - v[(r + 1) * l + d]) }
                    }
                    features.append(mean.map { $0 / Float(pairsPerPoint) })
                    labels.append(k)
                }
            }
            return (features, labels)
        }
        let train = points(trainPoints), test = points(testPoints)
        let classifier = LinearClassifier(train: train.features, labels: train.labels, classes: sizes.count,
                                          generator: RandomGenerator(seed: 0xBE7A))
        return BetaVAEScore(score: classifier.accuracy(test.features, test.labels),
                            trainAccuracy: classifier.accuracy(train.features, train.labels))
    }
}

/// Multinomial logistic regression on standardized features, fitted by full-batch Adam — the
/// low-capacity classifier of the β-VAE metric.
struct LinearClassifier {
    let layer: Linear
    let mean: [Float], scale: [Float]

    init(train features: [[Float]], labels: [Int], classes: Int, steps: Int = 500, generator: RandomGenerator) {
        let n = features.count, l = features[0].count
        mean = (0..<l).map { d in features.reduce(0) { $0 + $1[d] } / Float(n) }
        scale = (0..<l).map { [mean] d in
            let v = features.reduce(0) { $0 + ($1[d] - mean[d]) * ($1[d] - mean[d]) } / Float(n)
            return v > 1e-12 ? v.squareRoot() : 1
        }
        layer = Linear(l, classes, generator: generator)
        let x = standardized(features)
        let target = Transforms.oneHot(Tensor(shape: [n], scalars: labels.map(Float.init)), classes: classes)
        let optimizer = Adam(layer.namedParameters(), learningRate: 0.05)
        for _ in 0..<steps {
            optimizer.zeroGrad()
            let loss = -(layer(x).logSoftmax(axis: 1) * target).sum(axis: 1).mean()
            loss.backward()
            optimizer.step()
        }
    }

    func standardized(_ features: [[Float]]) -> Tensor {
        let l = mean.count
        return Tensor(shape: [features.count, l], scalars: features.flatMap { row in (0..<l).map { (row[$0] - mean[$0]) / scale[$0] } })
    }

    /// The fraction of `features` whose most probable class is the label.
    func accuracy(_ features: [[Float]], _ labels: [Int]) -> Double {
        let logits = withoutGrad { layer(standardized(features)) }
        let c = logits.shape[1], v = logits.scalars
        var right = 0
        for (i, label) in labels.enumerated() {
            let row = v[(i * c)..<((i + 1) * c)]
            if row.firstIndex(of: row.max()!)! - i * c == label { right += 1 }
        }
        return Double(right) / Double(labels.count)
    }
}
