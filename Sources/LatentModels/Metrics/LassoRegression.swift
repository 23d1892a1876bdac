import Foundation

/// L1-regularized linear regression (the Lasso) of one target on standardized features, fitted by
/// cyclic coordinate descent on the Gram matrix — the regressor whose weights give DCI its
/// importance matrix.
///
/// With features and target standardized over the n training rows (mean 0, variance 1), it
/// minimizes scikit-learn's objective
///
///     (1/2n)·‖y − Xw‖² + α‖w‖₁,
///
/// which needs only G = XᵀX/n (`[L, L]`) and c = Xᵀy/n (`[L]`): each coordinate update is the
/// soft threshold w_j = S(c_j − Σ_{i≠j} G_ji w_i, α) / G_jj. Features with G_jj = 0 (constant
/// columns) keep the weight 0.
struct LassoRegression {
    /// The fitted weights on the standardized features.
    let weights: [Double]

    /// Fits the weights from the Gram matrix `gram` (row-major `[L, L]`) and `correlation` c.
    init(gram: [Double], correlation: [Double], alpha: Double, sweeps: Int = 1000, tolerance: Double = 1e-10) {
        let l = correlation.count
        var w = [Double](repeating: 0, count: l)
        for _ in 0..<sweeps {
            var largest = 0.0
            for j in 0..<l where gram[j * l + j] > 1e-12 {
                var r = correlation[j]
                for i in 0..<l where i != j { r -= gram[j * l + i] * w[i] }
                let updated = (r > alpha ? r - alpha : r < -alpha ? r + alpha : 0) / gram[j * l + j]
                largest = Swift.max(largest, Swift.abs(updated - w[j]))
                w[j] = updated
            }
            if largest < tolerance { break }
        }
        weights = w
    }
}

/// Column means and standard deviations of a row-major `[N, C]` table over the rows `rows`.
struct ColumnMoments {
    let mean: [Double]
    /// Population standard deviations; 0 for a constant column.
    let scale: [Double]

    init(_ values: [Double], columns c: Int, rows: [Int]) {
        let n = Double(rows.count)
        var mean = [Double](repeating: 0, count: c), square = [Double](repeating: 0, count: c)
        for r in rows { for j in 0..<c { mean[j] += values[r * c + j] } }
        mean = mean.map { $0 / n }
        for r in rows { for j in 0..<c { let e = values[r * c + j] - mean[j]; square[j] += e * e } }
        self.mean = mean
        scale = square.map { ($0 / n).squareRoot() }
    }

    /// Column j of row r standardized with the moments (0 for a constant column).
    func standardized(_ values: [Double], columns c: Int, row r: Int, column j: Int) -> Double {
        scale[j] > 1e-12 ? (values[r * c + j] - mean[j]) / scale[j] : 0
    }
}
