import XCTest
import CLatentKernels
import Foundation

/// The fused Bernoulli-logits head against the formula evaluated in Double.
final class FusedTests: XCTestCase {
    /// Logits from −60 to 60 (softplus's both asymptotes) and x in [0, 1], at lengths that end
    /// inside and on the kernel's 256-element blocks.
    func testBernoulliLogProbAndGradientAgainstDouble() {
        for n in [1, 255, 256, 257, 1000] {
            let l = (0..<n).map { Float(-60 + 120 * Double($0) / Double(max(n - 1, 1))) }
            let x = (0..<n).map { Float(($0 * 37) % 101) / 100 }
            let gy = (0..<n).map { Float(1 + ($0 % 7)) / 4 }
            var y = [Float](repeating: .nan, count: n), gl = y, gx = y
            lk_bernoulli_logits_logprob(l, x, &y, n)
            lk_bernoulli_logits_logprob_backward(l, x, gy, &gl, &gx, n)
            for i in 0..<n {
                let (li, xi, gi) = (Double(l[i]), Double(x[i]), Double(gy[i]))
                let softplus = max(li, 0) + log1p(exp(-abs(li)))
                let ref = xi * li - softplus
                XCTAssertEqual(Double(y[i]), ref, accuracy: 2e-6 * max(1, abs(ref)), "logprob n=\(n) i=\(i) l=\(li)")
                let sigmoid = 1 / (1 + exp(-li))
                XCTAssertEqual(Double(gl[i]), gi * (xi - sigmoid), accuracy: 2e-6 * max(1, gi), "d/dl n=\(n) i=\(i)")
                XCTAssertEqual(Double(gx[i]), gi * li, accuracy: 1e-6 * max(1, abs(gi * li)), "d/dx n=\(n) i=\(i)")
            }
        }
    }

    /// Without an x gradient buffer the logit gradient is the same and nothing else is written.
    func testBackwardWithoutDataGradient() {
        let l: [Float] = [-3, -0.5, 0, 0.5, 3], x: [Float] = [0, 1, 0.5, 0.25, 1], gy: [Float] = [1, 2, 3, 4, 5]
        var withX = [Float](repeating: 0, count: 5), without = withX, gx = withX
        lk_bernoulli_logits_logprob_backward(l, x, gy, &withX, &gx, 5)
        lk_bernoulli_logits_logprob_backward(l, x, gy, &without, nil, 5)
        XCTAssertEqual(withX, without)
        XCTAssertEqual(Double(without[2]), 3 * (0.5 - 0.5), accuracy: 1e-7)
    }

    /// The Gaussian head's kernels against Double, for log σ from −6 to 4 and lengths around the block.
    func testGaussianRsampleAndKLAgainstDouble() {
        for n in [1, 256, 300] {
            let mu = (0..<n).map { Float(($0 * 29) % 41) / 10 - 2 }
            let s = (0..<n).map { Float(-6 + 10 * Double($0) / Double(max(n - 1, 1))) }
            let eps = (0..<n).map { Float(($0 * 17) % 23) / 5 - 2.2 }
            let g = (0..<n).map { Float(1 + ($0 % 3)) / 2 }
            var z = [Float](repeating: .nan, count: n), gs = z, ge = z, kl = z, gm = z, gks = z
            lk_gaussian_rsample(mu, s, eps, &z, n)
            lk_gaussian_rsample_backward(s, eps, g, &gs, &ge, n)
            lk_gaussian_kl_standard(mu, s, &kl, n)
            lk_gaussian_kl_standard_backward(mu, s, g, &gm, &gks, n)
            for i in 0..<n {
                let (m, si, e, gi) = (Double(mu[i]), Double(s[i]), Double(eps[i]), Double(g[i]))
                let sigma = exp(si)
                XCTAssertEqual(Double(z[i]), m + sigma * e, accuracy: 1e-6 * max(1, abs(m) + sigma * abs(e)), "z n=\(n) i=\(i)")
                XCTAssertEqual(Double(gs[i]), gi * sigma * e, accuracy: 1e-6 * max(1, abs(gi * sigma * e)), "dz/ds i=\(i)")
                XCTAssertEqual(Double(ge[i]), gi * sigma, accuracy: 1e-6 * max(1, gi * sigma), "dz/deps i=\(i)")
                let ref = 0.5 * (m * m + sigma * sigma - 1) - si
                XCTAssertEqual(Double(kl[i]), ref, accuracy: 2e-6 * max(1, abs(ref)), "KL n=\(n) i=\(i)")
                XCTAssertEqual(Double(gm[i]), gi * m, accuracy: 1e-6 * max(1, abs(gi * m)), "dKL/dmu i=\(i)")
                XCTAssertEqual(Double(gks[i]), gi * (sigma * sigma - 1), accuracy: 2e-6 * max(1, gi * sigma * sigma), "dKL/ds i=\(i)")
            }
        }
    }
}
