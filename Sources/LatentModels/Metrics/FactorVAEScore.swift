import Foundation
import LatentTensor
import LatentData

/// The disentanglement metric of Kim & Mnih (2018, "Disentangling by Factorising"), the
/// majority-vote refinement of Higgins et al.'s β-VAE metric, on the procedural sprites.
///
/// One vote: pick a factor k uniformly, render `batchSize` sprites that share a random value of
/// factor k (all other factors random), encode them, divide each code dimension by its standard
/// deviation over a reference set of random sprites, and take d* = argmin_d Var(z_d / s_d) — the
/// dimension that moves least when only factor k is held still. Votes (d*, k) from a training set
/// of votes give each dimension its majority factor; the score is the fraction of separate test
/// votes that this classifier gets right. 1 = every factor has its own dimension; chance is about
/// 1/K for K = 5 factors. Dimensions whose reference standard deviation is below
/// `collapsedScale` (collapsed to the prior: they carry no information) are ignored, as in the paper.
public struct FactorVAEScore {
    /// Accuracy of the majority-vote classifier on the test votes, in [0, 1].
    public var score: Double
    /// votes[d][k] of the training votes.
    public var votes: [[Int]]
    /// The factor each code dimension is assigned to (nil: it never won a vote or is collapsed).
    public var assignment: [Int?]

    /// Measures a sprite encoder `encode` (images `[N, 1, 64, 64]` → codes `[N, L]`, e.g. a VAE's
    /// posterior means) with `trainVotes` + `testVotes` votes of `batchSize` sprites each,
    /// drawing everything from `generator`.
    public static func measure(encode: @escaping (Tensor) -> Tensor, trainVotes: Int = 500, testVotes: Int = 300,
                               batchSize: Int = 64, referenceSize: Int = 5000, collapsedScale: Double = 0.05,
                               generator: RandomGenerator) -> FactorVAEScore {
        measure(factorSizes: Sprites.factorSizes, codes: { encode(Sprites.render($0).images) }, trainVotes: trainVotes,
                testVotes: testVotes, batchSize: batchSize, referenceSize: referenceSize, collapsedScale: collapsedScale,
                generator: generator)
    }

    /// The metric for any data with independent discrete factors of the given sizes: `codes`
    /// maps rows of factor indices (one row per example) to codes `[N, L]` — for a model, render
    /// the examples and encode them. `progress(done, total)` hears after every `codes` call how
    /// many of the referenceSize + (trainVotes + testVotes) · batchSize examples are encoded.
    public static func measure(factorSizes sizes: [Int], codes encodeRowsOfFactors: ([[Int]]) -> Tensor, trainVotes: Int = 500,
                               testVotes: Int = 300, batchSize: Int = 64, referenceSize: Int = 5000,
                               collapsedScale: Double = 0.05, generator: RandomGenerator,
                               progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> FactorVAEScore {
        require(trainVotes > 0 && testVotes > 0 && batchSize > 1 && referenceSize > 1 && !sizes.isEmpty && sizes.allSatisfy { $0 > 1 },
                "FactorVAEScore: need positive vote counts, batchSize > 1, referenceSize > 1 and factors with ≥ 2 values, got \(trainVotes), \(testVotes), \(batchSize), \(referenceSize), \(sizes)")
        func randomRow() -> [Int] { sizes.map { generator.nextInt(below: $0) } }
        let total = referenceSize + (trainVotes + testVotes) * batchSize
        var encoded = 0
        func encodeRows(_ rows: [[Int]]) -> Tensor {
            let codes = encodeRowsOfFactors(rows)
            encoded += rows.count
            progress?(encoded, total)
            return codes
        }
        // Reference scale of every dimension.
        var reference: [Tensor] = []
        var done = 0
        while done < referenceSize {
            let n = Swift.min(500, referenceSize - done)
            reference.append(encodeRows((0..<n).map { _ in randomRow() }))
            done += n
        }
        let codes = Tensor.concat(reference, axis: 0)
        let l = codes.shape[1]
        let scale = columnStandardDeviations(codes)
        let active = scale.map { $0 >= collapsedScale }
        func vote() -> (dimension: Int, factor: Int)? {
            let k = generator.nextInt(below: sizes.count)
            let fixed = generator.nextInt(below: sizes[k])
            let rows = (0..<batchSize).map { _ -> [Int] in
                var row = randomRow()
                row[k] = fixed
                return row
            }
            // Normalized spread: argmin of std(z_d)/s_d is argmin of Var(z_d / s_d).
            let spread = columnStandardDeviations(encodeRows(rows))
            var best: Int? = nil
            for d in 0..<l where active[d] {
                if best == nil || spread[d] / scale[d] < spread[best!] / scale[best!] { best = d }
            }
            return best.map { ($0, k) }
        }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: sizes.count), count: l)
        for _ in 0..<trainVotes { if let v = vote() { counts[v.dimension][v.factor] += 1 } }
        let assignment: [Int?] = counts.enumerated().map { d, row in
            guard active[d], let top = row.max(), top > 0 else { return nil }
            return row.firstIndex(of: top)
        }
        var right = 0
        for _ in 0..<testVotes {
            if let v = vote(), assignment[v.dimension] == v.factor { right += 1 }
        }
        return FactorVAEScore(score: Double(right) / Double(testVotes), votes: counts, assignment: assignment)
    }

    /// The standard deviation of every column of `[N, L]` (population form).
    static func columnStandardDeviations(_ x: Tensor) -> [Double] {
        let n = x.shape[0], l = x.shape[1], v = x.scalars
        return (0..<l).map { d in
            var mean = 0.0
            for i in 0..<n { mean += Double(v[i * l + d]) }
            mean /= Double(n)
            var sum = 0.0
            for i in 0..<n { let e = Double(v[i * l + d]) - mean; sum += e * e }
            return (sum / Double(n)).squareRoot()
        }
    }
}
