import Foundation

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random draw in Latent takes a generator, defaulting to `RandomGenerator.global`; the same
/// seed gives the same stream on every platform. It is a class so that a generator can be shared
/// by the pieces of a model and advanced by each draw. Not thread-safe: give each thread its own.
public final class RandomGenerator: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// When set, the Tensor draws (`Tensor.normal`, `uniform`, `bernoulli`) taking this generator
    /// make this process's rows of the draw for a whole global batch (`RowShard`).
    public var rowShard: RowShard?

    /// The generator used when a call does not name one. Seed it with `RandomGenerator.global.reseed(_:)`.
    public nonisolated(unsafe) static var global = RandomGenerator(seed: 0)

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        (s0, s1, s2, s3) = (0, 0, 0, 0)
        reseed(seed)
    }

    /// Restarts the stream from `seed`.
    public func reseed(_ seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    /// The next 64 random bits.
    @inline(__always)
    public func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 24 random bits (every Float32 multiple of 2⁻²⁴).
    @inline(__always)
    public func nextUniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Fills `buffer` with independent standard normal draws (Box–Muller on pairs).
    public func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        var i = 0
        let n = buffer.count
        while i < n {
            // u1 in (0, 1] so that log(u1) is finite.
            let u1 = Float((next() >> 40) + 1) * 0x1p-24
            let u2 = nextUniform()
            let r = (-2 * Foundation.log(u1)).squareRoot()
            let theta = 2 * Float.pi * u2
            buffer[i] = r * Foundation.cos(theta)
            if i + 1 < n { buffer[i + 1] = r * Foundation.sin(theta) }
            i += 2
        }
    }

    /// A uniformly chosen integer in `0..<upperBound` (unbiased).
    public func nextInt(below upperBound: Int) -> Int {
        require(upperBound > 0, "RandomGenerator.nextInt(below:): upper bound must be positive, got \(upperBound)")
        var generator = self
        return Int(generator.next(upperBound: UInt64(upperBound)))
    }

    /// A uniformly random ordering of `0..<n` (Fisher–Yates), the same for the same seed on every
    /// platform and Swift version (unlike `shuffled()`).
    public func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        var i = n - 1
        while i > 0 {
            p.swapAt(i, nextInt(below: i + 1))
            i -= 1
        }
        return p
    }
}
