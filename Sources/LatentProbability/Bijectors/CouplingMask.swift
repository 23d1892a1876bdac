import LatentTensor

/// Which elements of an event a coupling layer keeps (passes through unchanged and feeds to its
/// conditioner) and which it transforms. As a tensor, 1 marks kept elements and 0 transformed
/// ones; `flipped` swaps the two, so alternating flipped and unflipped masks across a stack
/// transforms every element (RealNVP, Dinh et al. 2017).
///
/// Patterns, for events `[D]` (vectors) or `[C, H, W]` (images):
/// - `half`: the first ⌊n/2⌋ entries of the first event axis are kept (features, or channels);
/// - `alternating`: even indices of the first event axis are kept;
/// - `checkerboard` (images): pixels with h + w even are kept, in every channel;
/// - `channelWise` (images): the first ⌊C/2⌋ channels are kept (`half`, restricted to images).
public struct CouplingMask: Equatable, Sendable {
    /// How kept and transformed elements are laid out.
    public enum Pattern: Equatable, Sendable {
        /// First half of the first event axis kept.
        case half
        /// Even indices of the first event axis kept.
        case alternating
        /// Pixels with h + w even kept (images).
        case checkerboard
        /// First half of the channels kept (images).
        case channelWise
    }

    /// The layout.
    public let pattern: Pattern
    /// Whether the roles of kept and transformed elements are swapped.
    public let isFlipped: Bool

    /// A mask of `pattern`, with kept and transformed elements swapped when `flipped`.
    public init(_ pattern: Pattern, flipped: Bool = false) {
        self.pattern = pattern
        self.isFlipped = flipped
    }

    /// First half of the features (or channels) kept.
    public static let half = CouplingMask(.half)
    /// Even features (or channels) kept.
    public static let alternating = CouplingMask(.alternating)
    /// Image pixels with h + w even kept.
    public static let checkerboard = CouplingMask(.checkerboard)
    /// First half of an image's channels kept.
    public static let channelWise = CouplingMask(.channelWise)

    /// The same pattern with kept and transformed elements swapped.
    public var flipped: CouplingMask { CouplingMask(pattern, flipped: !isFlipped) }

    /// The 0/1 mask for one event of shape `eventShape`, shaped `[1] + eventShape` so that it
    /// broadcasts against a batch `[N, event...]`. Stops if the pattern does not fit the shape or
    /// would keep (or transform) everything.
    public func tensor(eventShape: [Int]) -> Tensor {
        require(eventShape.count == 1 || eventShape.count == 3,
                "CouplingMask: events must be [D] or [C, H, W], got \(eventShape)")
        if pattern == .checkerboard || pattern == .channelWise {
            require(eventShape.count == 3, "CouplingMask.\(pattern): needs image events [C, H, W], got \(eventShape)")
        }
        let n = eventShape[0]
        let (h, w) = eventShape.count == 3 ? (eventShape[1], eventShape[2]) : (1, 1)
        var values = [Float](repeating: 0, count: n * h * w)
        for c in 0..<n {
            for i in 0..<h {
                for j in 0..<w {
                    let kept: Bool
                    switch pattern {
                    case .half, .channelWise: kept = c < n / 2
                    case .alternating: kept = c % 2 == 0
                    case .checkerboard: kept = (i + j) % 2 == 0
                    }
                    values[(c * h + i) * w + j] = kept != isFlipped ? 1 : 0
                }
            }
        }
        require(values.contains(0) && values.contains(1),
                "CouplingMask.\(pattern)\(isFlipped ? " (flipped)" : ""): on events \(eventShape) it would keep \(values.contains(0) ? "nothing" : "everything"); the coupling needs both kept and transformed elements")
        return Tensor(shape: [1] + eventShape, scalars: values)
    }
}

/// The conditioner input of a coupling layer: the masked input with the context appended along
/// axis 1. A `[N, F]` context is broadcast over the pixels of image inputs; a `[N, F, H, W]`
/// context is appended as it is.
enum CouplingInput {
    static func make(_ masked: Tensor, context: Tensor?, contextFeatures: Int, _ name: String) -> Tensor {
        guard contextFeatures > 0 else { return masked }
        guard let c = context else {
            fatalError("\(name): built for a context of \(contextFeatures) features, but none was given")
        }
        let n = masked.shape[0]
        require(c.rank >= 2 && c.shape[0] == n && c.shape[1] == contextFeatures,
                "\(name): context must be [\(n), \(contextFeatures)] (or [\(n), \(contextFeatures), H, W] for images), got \(c.shape)")
        if masked.rank == 2 {
            require(c.rank == 2, "\(name): context for [N, D] inputs must be [N, \(contextFeatures)], got \(c.shape)")
            return Tensor.concat([masked, c], axis: 1)
        }
        let spatial = Array(masked.shape.dropFirst(2))
        if c.rank == 2 {
            let expanded = c.reshaped([n, contextFeatures] + spatial.map { _ in 1 }).expanded(to: [n, contextFeatures] + spatial)
            return Tensor.concat([masked, expanded], axis: 1)
        }
        require(Array(c.shape.dropFirst(2)) == spatial,
                "\(name): image context \(c.shape) must match the input's spatial size \(spatial)")
        return Tensor.concat([masked, c], axis: 1)
    }
}
