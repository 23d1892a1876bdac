import LatentTensor

/// Double-precision dense linear algebra on small square matrices (row-major `[Double]`, n×n),
/// for initializing and inverting the weights of invertible 1×1 convolutions.
enum SmallLinearAlgebra {
    /// A random orthogonal matrix: Gram–Schmidt (applied twice, for accuracy) on the columns of a
    /// Gaussian matrix drawn from `normal`.
    static func randomOrthogonal(_ n: Int, normal: () -> Double) -> [Double] {
        var q = (0..<(n * n)).map { _ in normal() }
        for j in 0..<n {
            for _ in 0..<2 {
                for k in 0..<j {
                    var dot = 0.0
                    for i in 0..<n { dot += q[i * n + j] * q[i * n + k] }
                    for i in 0..<n { q[i * n + j] -= dot * q[i * n + k] }
                }
            }
            var norm = 0.0
            for i in 0..<n { norm += q[i * n + j] * q[i * n + j] }
            norm = norm.squareRoot()
            for i in 0..<n { q[i * n + j] /= norm }
        }
        return q
    }

    /// The factorization a = P·L·U with partial pivoting: P a permutation matrix, L unit lower
    /// triangular, U upper triangular. Stops if `a` is singular.
    static func luDecomposition(_ a: [Double], _ n: Int) -> (p: [Double], l: [Double], u: [Double]) {
        var u = a
        var l = [Double](repeating: 0, count: n * n)
        var rows = Array(0..<n)
        for k in 0..<n {
            var pivot = k
            for i in k..<n where abs(u[i * n + k]) > abs(u[pivot * n + k]) { pivot = i }
            require(u[pivot * n + k] != 0, "LU decomposition: the matrix is singular (column \(k))")
            if pivot != k {
                for j in 0..<n {
                    u.swapAt(k * n + j, pivot * n + j)
                    l.swapAt(k * n + j, pivot * n + j)
                }
                rows.swapAt(k, pivot)
            }
            for i in (k + 1)..<n {
                let factor = u[i * n + k] / u[k * n + k]
                l[i * n + k] = factor
                for j in k..<n { u[i * n + j] -= factor * u[k * n + j] }
            }
        }
        for i in 0..<n { l[i * n + i] = 1 }
        // Row k of L·U is row rows[k] of a, so a = P·L·U with P[rows[k], k] = 1.
        var p = [Double](repeating: 0, count: n * n)
        for k in 0..<n { p[rows[k] * n + k] = 1 }
        return (p, l, u)
    }

    /// a⁻¹ by Gauss–Jordan elimination with partial pivoting. Stops if `a` is singular.
    static func inverse(_ a: [Double], _ n: Int) -> [Double] {
        var m = a
        var inv = [Double](repeating: 0, count: n * n)
        for i in 0..<n { inv[i * n + i] = 1 }
        for k in 0..<n {
            var pivot = k
            for i in k..<n where abs(m[i * n + k]) > abs(m[pivot * n + k]) { pivot = i }
            require(m[pivot * n + k] != 0, "matrix inverse: the matrix is singular (column \(k))")
            for j in 0..<n {
                m.swapAt(k * n + j, pivot * n + j)
                inv.swapAt(k * n + j, pivot * n + j)
            }
            let d = m[k * n + k]
            for j in 0..<n {
                m[k * n + j] /= d
                inv[k * n + j] /= d
            }
            for i in 0..<n where i != k {
                let f = m[i * n + k]
                if f == 0 { continue }
                for j in 0..<n {
                    m[i * n + j] -= f * m[k * n + j]
                    inv[i * n + j] -= f * inv[k * n + j]
                }
            }
        }
        return inv
    }
}
