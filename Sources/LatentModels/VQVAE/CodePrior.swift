import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// An autoregressive prior over a VQ-VAE's discrete codes: p(c) = Π_m p(c_m | c_<m) over M code
/// positions with K values each, one masked MLP (MADE, Germain et al., 2015, with the K one-hot
/// inputs of a position sharing its degree) — the role the PixelCNN plays in van den Oord et al.
///
/// Input: the one-hot codes `[N, M·K]`; output: logits `[N, M, K]` whose row m depends only on
/// c_<m (position 0 gets constant logits). Hidden units cycle through the degrees 1…M−1; a hidden
/// unit of degree h sees positions ≤ h, the logits of position m (degree m + 1) see hidden units
/// of degree ≤ m. Sampling takes M passes, one position at a time.
public final class CodePrior: Module {
    /// Code positions M.
    public let positions: Int
    /// Values per position K.
    public let codes: Int
    /// Masked hidden layers (ReLU after each).
    public let hidden: [MaskedLinear]
    /// The masked output layer, M·K logits (position-major).
    public let output: MaskedLinear

    /// A prior over `positions` codes of `codes` values with hidden layers of the given widths.
    public init(positions: Int, codes: Int, hidden widths: [Int], generator: RandomGenerator) {
        require(positions > 0 && codes > 1 && !widths.isEmpty && widths.allSatisfy { $0 > 0 },
                "CodePrior: need positions ≥ 1, codes ≥ 2 and positive hidden widths, got \(positions), \(codes), \(widths)")
        self.positions = positions
        self.codes = codes
        let inputDegrees = (0..<positions).flatMap { Array(repeating: $0 + 1, count: codes) }
        let lowest = positions == 1 ? 0 : 1
        var below = inputDegrees
        var layers: [MaskedLinear] = []
        for width in widths {
            let degrees = (0..<width).map { lowest + $0 % max(1, positions - lowest) }
            layers.append(MaskedLinear(mask: CodePrior.mask(from: below, to: degrees, strict: false), generator: generator))
            below = degrees
        }
        hidden = layers
        output = MaskedLinear(mask: CodePrior.mask(from: below, to: inputDegrees, strict: true), generator: generator)
    }

    /// `[out, in]` with 1 where unit `in` may feed unit `out`: degree ≤ (or < when `strict`).
    static func mask(from inputs: [Int], to outputs: [Int], strict: Bool) -> Tensor {
        Tensor(shape: [outputs.count, inputs.count],
               scalars: outputs.flatMap { o in inputs.map { i in (strict ? i < o : i <= o) ? 1 : 0 } })
    }

    /// The one-hot encoding `[N, M·K]` of code rows (each M values in 0..<K).
    func oneHot(_ rows: [[Int]]) -> Tensor {
        var values = [Float](repeating: 0, count: rows.count * positions * codes)
        for (n, row) in rows.enumerated() {
            require(row.count == positions && row.allSatisfy { (0..<codes).contains($0) },
                    "CodePrior: each code row needs \(positions) values in 0..<\(codes), got \(row)")
            for (m, c) in row.enumerated() { values[(n * positions + m) * codes + c] = 1 }
        }
        return Tensor(shape: [rows.count, positions * codes], scalars: values)
    }

    /// Logits `[N, M, K]` of p(c_m | c_<m) for code rows.
    public func logits(_ rows: [[Int]]) -> Tensor {
        var h = oneHot(rows)
        for layer in hidden { h = layer(h).relu() }
        return output(h).reshaped([rows.count, positions, codes])
    }

    /// log p(c) per row, `[N]` (nats).
    public func logProb(_ rows: [[Int]]) -> Tensor {
        (logits(rows).logSoftmax(axis: 2) * oneHot(rows).reshaped([rows.count, positions, codes])).sum(axes: [1, 2])
    }

    /// n code rows drawn position by position from `generator` (no gradients).
    public func sample(_ n: Int, generator: RandomGenerator) -> [[Int]] {
        var rows = [[Int]](repeating: [Int](repeating: 0, count: positions), count: n)
        withoutGrad {
            for m in 0..<positions {
                let p = logits(rows).softmax(axis: 2).scalars
                for i in 0..<n {
                    var u = generator.nextUniform(), k = 0
                    let base = (i * positions + m) * codes
                    while k < codes - 1 && u >= p[base + k] { u -= p[base + k]; k += 1 }
                    rows[i][m] = k
                }
            }
        }
        return rows
    }
}
