import Foundation
import LatentTensor

/// Helpers shared by the distributions.
enum Dist {
    /// log 2π.
    static let log2Pi = Float(Foundation.log(2 * Double.pi))

    /// The broadcast shape of parameter tensors (the batch shape of an elementwise distribution).
    static func batchShape(_ name: String, _ params: Tensor...) -> [Int] {
        var shape: [Int] = []
        for p in params { shape = broadcast(shape, p.shape, name) }
        return shape
    }

    static func broadcast(_ a: [Int], _ b: [Int], _ name: String) -> [Int] {
        Tensor.broadcastShape(a, b, op: name)
    }

    /// Checks that a value's trailing axes broadcast against the batch + event shape.
    static func checkValue(_ x: Tensor, _ shape: [Int], _ name: String) {
        _ = broadcast(x.shape, shape, "\(name).logProb (value \(x.shape) against batch+event shape \(shape))")
    }

    /// Uniform draws in the open interval (0, 1), safe for log(u) and log(1 − u).
    static func openUniform(_ shape: [Int], _ generator: RandomGenerator) -> Tensor {
        Tensor.uniform(shape, low: 0, high: 1, generator: generator).clamp(min: 1e-7, max: 1 - 1e-7)
    }
}
