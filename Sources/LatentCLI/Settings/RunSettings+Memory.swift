import Foundation

/// Sizes that fit every setting's range can still not fit the machine (`--train-size 10000000`
/// on 64×64 sprites is 164 GB of pixels; `--hidden 65536,65536 --layers 1000` is terabytes of
/// weights). These estimates — deliberate over-counts, in `Double` so they cannot overflow — are
/// checked against `MemoryBudget` before anything is allocated.
extension RunSettings {
    /// Examples the run holds in memory: (train, test), after the defaults for 0.
    var exampleCounts: (train: Double, test: Double) {
        let train = Double(int("train-size")), test = Double(int("test-size"))
        func pick(_ asked: Double, _ all: Double, cap: Bool) -> Double { asked > 0 ? (cap ? min(asked, all) : asked) : all }
        if OwnData.isOwn(data), let own = try? OwnData.contents(data) {
            let all = Double(own.count), test = own.test.map { Double($0.count) } ?? (all * 0.9).rounded(.up)
            return (pick(train, all, cap: true), pick(test, test, cap: true))
        }
        switch data {
        case "mnist", "fashion-mnist": return (pick(train, 60_000, cap: true), pick(test, 10_000, cap: true))
        case "mnist-5k": return (pick(train, 4_000, cap: true), pick(test, 1_000, cap: true))
        case "cifar10": return (pick(train, 50_000, cap: true), pick(test, 10_000, cap: true))
        case "sprites", "dsprites": return (pick(train, 20_000, cap: false), pick(test, 2_000, cap: false))
        default: return (pick(train, 50_000, cap: false), pick(test, 10_000, cap: false))
        }
    }

    /// Values per example (pixels, or the features of points).
    var featureCount: Double {
        switch try? DatasetCatalog.kind(data) {
        case let .images(shape, _, _)?: return Double(shape.reduce(1, *))
        case let .points(features)?: return Double(features)
        case nil: return 2
        }
    }

    /// Bytes of the data splits (with room for one transformed copy).
    var dataBytes: Double {
        let (train, test) = exampleCounts
        return (train + test) * featureCount * 4 * 2
    }

    /// An upper estimate of the model's parameter count.
    var parameterEstimate: Double {
        let f = featureCount
        let hidden = ints("hidden").map(Double.init)
        /// Weights of an MLP in → hidden… → out.
        func mlp(_ input: Double, _ widths: [Double], _ output: Double) -> Double {
            let sizes = [input] + widths + [output]
            return zip(sizes, sizes.dropFirst()).reduce(0) { $0 + ($1.0 + 1) * $1.1 }
        }
        switch model.family {
        case .vae, .cvae:
            let latent = Double(int("latent"))
            let widths = model.family == .vae && string("architecture") == "conv" ? hidden + [f * 64 / 16] : hidden
            var p = mlp(f + 10, widths, 2 * latent) + mlp(latent + f, widths.reversed(), 2 * f) + 1_000_000
            if model.family == .vae {
                // The mixture's means and scales, or the VampPrior's pseudo-inputs.
                p += Double(int("prior-components")) * (string("prior") == "vamp" ? f : latent * 2)
                let width = hidden.first ?? 256
                p += Double(int("posterior-flow")) * (mlp(latent + width, [width], 2 * latent) + mlp(f, [width], width))
            } else {
                p += mlp(f + 10, widths, 2 * latent)  // the learned prior's network
            }
            return p
        case .vqvae:
            let width = Double(int("code-positions") * int("code-dimension")), h = hidden.first ?? 400
            let prior = Double(int("code-positions") * int("codes"))
            return mlp(f, [h], width) + mlp(width, [h], f) + mlp(prior, [Double(int("prior-hidden"))], prior)
                + Double(int("codes") * int("code-dimension")) * 2
        case .hvae:
            let sizes = ints("latent-sizes").map(Double.init), top = ints("hidden-top").map(Double.init)
            let (l1, l2) = (sizes.first ?? 1, sizes.last ?? 1)
            return mlp(f, hidden, 2 * l1) + mlp(max(l1, hidden.last ?? 0), top, 2 * l2) + mlp(l2, top.reversed(), 2 * l1) + mlp(l1, hidden.reversed(), f)
        case .flow:
            let layers = Double(int("layers"))
            switch model {
            case .planar, .radial: return layers * (3 * f + 10) * 2
            case .glow:
                let h = hidden.first ?? 1, scales = Double(int("scales")), channels = pow(4, scales)
                return layers * scales * (h * h + 18 * h * channels + 9 * h * channels + channels * channels)
            case .nsf, .nsfAR: return layers * mlp(f + 10, hidden, f * Double(3 * int("bins") + 1))
            default: return layers * 2 * mlp(f + 10, hidden, 2 * f)
            }
        case .flowMatching:
            return mlp(f + 1, hidden, f)
        }
    }

    /// Bytes of the activations one training step keeps for the backward pass (an over-count).
    var activationBytes: Double {
        let f = featureCount
        // The VampPrior encodes its pseudo-inputs with every batch.
        let batch = Double(int("batch-size") + (model.family == .vae && string("prior") == "vamp" ? int("prior-components") : 0))
        let widths = ints("hidden").map(Double.init).reduce(0, +)
        switch model.family {
        case .vae, .cvae:
            let conv = model.family == .vae && string("architecture") == "conv" ? f * 96 : 0
            let samples = model.family == .vae ? Double(int("iwae-samples")) : 1
            let evaluation = Double(int("eval-samples")) * 500 * (f + widths) / max(batch, 1)
            return batch * max(samples, evaluation, 1) * (8 * f + 4 * widths + conv) * 4 * 3
        case .hvae:
            let top = ints("hidden-top").map(Double.init).reduce(0, +) + ints("latent-sizes").map(Double.init).reduce(0, +)
            let evaluation = Double(int("eval-samples")) * 500 * (f + widths) / max(batch, 1)
            return batch * max(Double(int("iwae-samples")), evaluation, 1) * (8 * f + 4 * (widths + top)) * 4 * 3
        case .vqvae:
            return batch * (8 * f + 4 * widths + 4 * Double(int("code-positions") * int("codes"))) * 4 * 3
        case .flow:
            let layers = Double(int("layers"))
            if model == .glow { return batch * f * layers * Double(int("scales")) * (ints("hidden").map(Double.init).first ?? 1) * 4 * 3 }
            return batch * layers * (4 * f + 2 * widths) * 4 * 3
        case .flowMatching:
            return batch * (6 * f + 2 * widths) * 4 * 3
        }
    }

    /// Bytes the whole run plans for: data, parameters with gradients and Adam state, one step's activations.
    var memoryEstimate: Double { dataBytes + parameterEstimate * 16 + activationBytes }

    /// Throws `CLIError.usage` naming the settings behind a size the machine cannot hold.
    func checkMemory() throws {
        let (train, test) = exampleCounts
        let parameters = parameterEstimate
        let checks: [(Double, String)] = [
            (dataBytes, "\(Int(train)) training + \(Int(test)) test examples of \(Int(featureCount)) values (--train-size, --test-size)"),
            (parameters * 4 * 4, "a model of about \(RunSettings.approximate(parameters)) parameters with its gradients and Adam state (--hidden \(ints("hidden").map(String.init).joined(separator: ","))\(sizeFlags.isEmpty ? "" : ", " + sizeFlags))"),
            (activationBytes, "a training step at --batch-size \(int("batch-size")) with these widths"),
            (memoryEstimate, "these settings together"),
        ]
        for (bytes, what) in checks {
            do { try MemoryBudget.check(bytes: bytes, what: what) } catch let error as CLIError {
                throw CLIError.usage(error.description)
            }
        }
    }

    /// The flags besides --hidden that set the model's size, for messages.
    var sizeFlags: String {
        switch model.family {
        case .flow: return "--layers \(int("layers"))"
        case .vqvae: return "--codes \(int("codes")), --code-positions \(int("code-positions")), --code-dimension \(int("code-dimension"))"
        case .vae, .cvae: return "--latent \(int("latent"))"
        case .hvae: return "--latent-sizes \(ints("latent-sizes").map(String.init).joined(separator: ",")), --hidden-top \(ints("hidden-top").map(String.init).joined(separator: ","))"
        case .flowMatching: return ""
        }
    }

    /// A count as "3.1 million", "4.3 billion".
    static func approximate(_ n: Double) -> String {
        for (scale, word) in [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")] where n >= scale {
            return String(format: "%.1f ", n / scale) + word
        }
        return String(Int(n))
    }
}
