import Foundation
import LatentTensor

/// Closed forms the ODE tests compare against.
enum ODEClosedForm {
    /// e^{A} of a 2×2 matrix [[a, b], [c, d]] (row-major): with s = (a + d)/2, B = A − sI and
    /// q = −det B, e^{A} = e^{s}·(cosh √q · I + sinh √q / √q · B) (cos/sin for q < 0).
    static func exp2x2(_ m: [Double]) -> [Double] {
        let s = (m[0] + m[3]) / 2
        let b = [m[0] - s, m[1], m[2], m[3] - s]
        let q = -(b[0] * b[3] - b[1] * b[2])
        let (c, k): (Double, Double)
        if q > 1e-12 {
            let r = q.squareRoot()
            (c, k) = (Foundation.cosh(r), Foundation.sinh(r) / r)
        } else if q < -1e-12 {
            let r = (-q).squareRoot()
            (c, k) = (Foundation.cos(r), Foundation.sin(r) / r)
        } else {
            (c, k) = (1, 1)
        }
        let e = Foundation.exp(s)
        return [e * (c + k * b[0]), e * k * b[1], e * k * b[2], e * (c + k * b[3])]
    }

    /// x·Mᵀ for points `[N, 2]` and a row-major 2×2 M.
    static func apply(_ m: [Double], _ x: Tensor) -> Tensor {
        x.matmul(Tensor(shape: [2, 2], scalars: [m[0], m[2], m[1], m[3]].map { Float($0) }))
    }

    /// The linear field v(x) = A·x for points `[N, 2]`.
    static func linearField(_ a: [Double]) -> (Tensor, Double) -> Tensor {
        let aT = Tensor(shape: [2, 2], scalars: [a[0], a[2], a[1], a[3]].map { Float($0) })
        return { x, _ in x.matmul(aT) }
    }

    /// The largest |a − b| over the entries.
    static func maxError(_ a: Tensor, _ b: Tensor) -> Double {
        Double(zip(a.scalars, b.scalars).map { Swift.abs($0 - $1) }.max() ?? 0)
    }
}
