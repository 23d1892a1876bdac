import LatentTensor
import LatentNN

/// Shape checks, per-sample reductions and domain checks shared by the flow layers.
enum FlowSupport {
    /// Σ over every axis but the batch axis 0: `[N, event...]` → `[N]` (a rank-1 input is returned as is).
    static func eventSum(_ t: Tensor) -> Tensor {
        t.rank <= 1 ? t : t.sum(axes: Array(1..<t.rank))
    }

    /// A per-sample log-determinant `[n]` from one value shared by every sample (shape `[]`).
    static func perSample(_ value: Tensor, batch n: Int) -> Tensor {
        value.reshaped([]).expanded(to: [n])
    }

    /// Zeros `[n]`: the log-determinant of a volume-preserving map.
    static func zeroLogDet(batch n: Int) -> Tensor { Tensor.zeros([n]) }

    /// Number of positions per channel: the product of the axes after the channel axis 1
    /// (1 for `[N, D]`, H·W for `[N, C, H, W]`).
    static func positionsPerChannel(_ shape: [Int]) -> Int {
        shape.count <= 2 ? 1 : shape.dropFirst(2).reduce(1, *)
    }

    /// Shape `[1, C, 1, …]` that broadcasts a per-channel vector against an input of `rank`.
    static func channelShape(_ channels: Int, rank: Int) -> [Int] {
        var s = [Int](repeating: 1, count: rank)
        s[1] = channels
        return s
    }

    /// Stops unless `x` is `[N, C, …]` with `channels` on axis 1.
    static func requireChannels(_ x: Tensor, _ channels: Int, _ name: String) {
        require(x.rank >= 2 && x.shape[1] == channels,
                "\(name): input must be [N, \(channels)] or [N, \(channels), …] (channels on axis 1), got shape \(x.shape)")
    }

    /// The context of a conditional layer, after checking that it is `[rows, features]`; stops with
    /// a message naming the layer, the expected shape and the given one (or nil).
    static func requireContext(_ context: Tensor?, rows: Int, features: Int, _ name: String) -> Tensor {
        let expected = "[\(rows), \(features)]"
        guard let c = context else {
            fatalError("\(name): built with contextFeatures \(features), so it needs a context \(expected), but none was given")
        }
        require(c.shape == [rows, features],
                "\(name): built with contextFeatures \(features), so it needs a context \(expected), got shape \(c.shape)")
        return c
    }

    /// Stops with a message naming the bijector, the first offending value and the domain when an
    /// element of `x` fails `inside` (NaN always fails).
    static func requireDomain(_ x: Tensor, _ name: String, _ domain: String, _ inside: (Float) -> Bool) {
        x.withUnsafeBufferPointer { p in
            for i in 0..<p.count where !(inside(p[i]) && !p[i].isNaN) {
                require(false, "\(name): value \(p[i]) at flat index \(i) of input \(x.shape) is outside the domain \(domain)")
            }
        }
    }

    /// Overwrites a parameter's values in place, keeping it a trainable leaf (used by data-dependent
    /// initialization; not recorded for autodiff).
    static func assign(_ parameter: Parameter, _ values: Tensor) {
        require(values.count == parameter.count, "assign: \(values.shape) values for a parameter of shape \(parameter.shape)")
        let source = values.scalars
        parameter.value.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = source[i] }
        }
    }
}
