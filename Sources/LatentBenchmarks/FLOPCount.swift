/// FLOPs of one training step: 2 × the multiply-adds of every matrix product and convolution,
/// forward and backward. Elementwise work, reductions and the optimizer are left out (they are
/// memory-bound and small next to the products).
///
/// A layer with weight W computes its output (M multiply-adds per example), the weight gradient
/// (M again) and, unless its input needs no gradient (the data), the input gradient (M again).
enum FLOPCount {
    /// One weighted layer: multiply-adds per example and whether its input gradient is computed.
    struct Layer {
        var multiplyAdds: Int
        var inputGradient: Bool
    }

    /// A fully connected layer `inputs` → `outputs`.
    static func linear(_ inputs: Int, _ outputs: Int, inputGradient: Bool = true) -> Layer {
        Layer(multiplyAdds: inputs * outputs, inputGradient: inputGradient)
    }

    /// A convolution (or its transpose, which costs the same) with `outputPositions` output pixels
    /// of the direct convolution, kernel `k`×`k`.
    static func convolution(inChannels: Int, outChannels: Int, kernel k: Int, outputPositions: Int,
                            inputGradient: Bool = true) -> Layer {
        Layer(multiplyAdds: outputPositions * outChannels * inChannels * k * k, inputGradient: inputGradient)
    }

    /// FLOPs of forward + backward over a batch.
    static func step(_ layers: [Layer], batch: Int) -> Double {
        let macs = layers.reduce(0) { $0 + $1.multiplyAdds * ($1.inputGradient ? 3 : 2) }
        return 2 * Double(macs) * Double(batch)
    }

    /// The FLOPs of one training step of `workload`.
    static func perStep(_ workload: BenchmarkWorkload) -> Double {
        step(layers(workload), batch: workload.batchSize)
    }

    /// The weighted layers of a workload's model.
    static func layers(_ workload: BenchmarkWorkload) -> [Layer] {
        switch workload {
        case .mlpVAE:
            return [linear(784, 400, inputGradient: false), linear(400, 40), linear(20, 400), linear(400, 784)]
        case .conditionalVAE:
            return [linear(794, 400, inputGradient: false), linear(400, 40), linear(30, 400), linear(400, 784)]
        case .convolutionalVAE:
            // Encoder 28 → 14 → 7, linear to (μ, log σ); decoder: linear to 64×7×7, transposed
            // convolutions 7 → 14 → 28 (each the adjoint of a direct convolution 14 → 7, 28 → 14).
            return [convolution(inChannels: 1, outChannels: 32, kernel: 4, outputPositions: 14 * 14, inputGradient: false),
                    convolution(inChannels: 32, outChannels: 64, kernel: 4, outputPositions: 7 * 7),
                    linear(64 * 7 * 7, 32), linear(16, 64 * 7 * 7),
                    convolution(inChannels: 32, outChannels: 64, kernel: 4, outputPositions: 7 * 7),
                    convolution(inChannels: 1, outChannels: 32, kernel: 4, outputPositions: 14 * 14)]
        case .convolutionalVAE32:
            // The same layers at side 32 with 3 channels: 32 → 16 → 8 and back.
            return [convolution(inChannels: 3, outChannels: 32, kernel: 4, outputPositions: 16 * 16, inputGradient: false),
                    convolution(inChannels: 32, outChannels: 64, kernel: 4, outputPositions: 8 * 8),
                    linear(64 * 8 * 8, 32), linear(16, 64 * 8 * 8),
                    convolution(inChannels: 32, outChannels: 64, kernel: 4, outputPositions: 8 * 8),
                    convolution(inChannels: 3, outChannels: 32, kernel: 4, outputPositions: 16 * 16)]
        case .realNVP2D:
            return coupling(features: 2, hidden: [64, 64], count: 8)
        case .realNVPMNIST:
            return coupling(features: 784, hidden: [512, 512], count: 8)
        case .glow:
            let g = BenchmarkWorkload.glowConfiguration(seed: 0), shape = g.imageShape ?? [1, 28, 28]
            return glow(channels: shape[0], side: shape[1], scales: g.scales, stepsPerScale: g.layers, hidden: g.hidden[0])
        }
    }

    /// Glow's convolutions on `channels`×`side`×`side` images: at a level of C channels on P
    /// positions (C = 4·channels, P = (side/2)² after the first squeeze), every step's 1×1
    /// convolution (C·C per position) and coupling conditioner (3×3 C → h, 1×1 h → h, 3×3 h → 2C);
    /// before each split the learned prior's 3×3 ⌊C/2⌋ → 2(C − ⌊C/2⌋); the next level has 2C
    /// channels on P/4 positions. ActNorm comes first, so every layer's input depends on parameters
    /// and every input gradient is computed. Left out: the C×C products assembling each W = P·L·U
    /// (once per step, not per example: under 0.01 % here).
    private static func glow(channels: Int, side: Int, scales: Int, stepsPerScale: Int, hidden h: Int) -> [Layer] {
        var c = 4 * channels, p = (side / 2) * (side / 2)
        var layers: [Layer] = []
        for level in 0..<scales {
            for _ in 0..<stepsPerScale {
                layers += [convolution(inChannels: c, outChannels: c, kernel: 1, outputPositions: p),
                           convolution(inChannels: c, outChannels: h, kernel: 3, outputPositions: p),
                           convolution(inChannels: h, outChannels: h, kernel: 1, outputPositions: p),
                           convolution(inChannels: h, outChannels: 2 * c, kernel: 3, outputPositions: p)]
            }
            if level + 1 < scales {
                layers.append(convolution(inChannels: c / 2, outChannels: 2 * (c - c / 2), kernel: 3, outputPositions: p))
                (c, p) = (2 * c, p / 4)
            }
        }
        return layers
    }

    /// `count` couplings with separate s and t MLPs; the first coupling applied to the data needs
    /// no gradient for its networks' inputs.
    private static func coupling(features d: Int, hidden: [Int], count: Int) -> [Layer] {
        let widths = [d] + hidden + [d]
        var layers: [Layer] = []
        for c in 0..<count {
            for _ in 0..<2 {
                for i in 0..<(widths.count - 1) {
                    layers.append(linear(widths[i], widths[i + 1], inputGradient: !(c == 0 && i == 0)))
                }
            }
        }
        return layers
    }
}
