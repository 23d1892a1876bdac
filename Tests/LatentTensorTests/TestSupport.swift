import XCTest
import LatentTensor

/// Asserts that the tape's gradients of `f` match central finite differences.
func assertGradients(_ inputs: [Tensor], wrt: [Int]? = nil, epsilon: Float = 1e-2, atol: Float = 1e-2, rtol: Float = 1e-2,
                     file: StaticString = #filePath, line: UInt = #line, _ f: @escaping ([Tensor]) -> Tensor) {
    let result = gradcheck(inputs, wrt: wrt, epsilon: epsilon, atol: atol, rtol: rtol, f)
    XCTAssertTrue(result.passed, result.description, file: file, line: line)
    XCTAssertNotNil(result.worst, "gradcheck checked no element", file: file, line: line)
}

/// Asserts two tensors have the same shape and values within tolerance.
func assertClose(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-5, atol: Float = 1e-5,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, "shapes differ", file: file, line: line)
    guard a.shape == b.shape else { return }
    XCTAssertTrue(a.isClose(to: b, rtol: rtol, atol: atol), "values differ:\n\(a)\nvs\n\(b)", file: file, line: line)
}

/// Uniform random tensor in [low, high) from a fixed-seed generator.
func random(_ shape: [Int], _ low: Float = -1, _ high: Float = 1, seed: UInt64 = 7) -> Tensor {
    Tensor.uniform(shape, low: low, high: high, generator: RandomGenerator(seed: seed))
}

/// Random values bounded away from zero (for division, log, kinks of abs/relu).
func awayFromZero(_ shape: [Int], seed: UInt64 = 11) -> Tensor {
    let u = random(shape, -1, 1, seed: seed)
    return Tensor(shape: shape, scalars: u.scalars.map { $0 < 0 ? $0 - 0.2 : $0 + 0.2 })
}
