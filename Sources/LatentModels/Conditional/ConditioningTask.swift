import LatentTensor
import LatentData

/// How a loader batch becomes a conditional problem: a condition x (flat features `[B, C]`) and a
/// target y (`[B] + targetShape`) whose distribution p(y|x) the conditional VAE models.
public struct ConditioningTask {
    /// Features C of the flattened condition.
    public let conditionFeatures: Int
    /// Shape of one target.
    public let targetShape: [Int]
    /// Splits a batch into (condition `[B, C]`, target `[B] + targetShape`).
    public let split: (Batch) -> (condition: Tensor, target: Tensor)

    /// A task from its parts.
    public init(conditionFeatures: Int, targetShape: [Int], split: @escaping (Batch) -> (condition: Tensor, target: Tensor)) {
        (self.conditionFeatures, self.targetShape, self.split) = (conditionFeatures, targetShape, split)
    }

    /// Class-conditional generation: x = one-hot label (`classes` features, from `batch.y` class
    /// indices `[B]`, or already one-hot `[B, classes]`), y = the image `batch.x` of shape `imageShape`.
    public static func classConditional(classes: Int = 10, imageShape: [Int] = [1, 28, 28]) -> ConditioningTask {
        ConditioningTask(conditionFeatures: classes, targetShape: imageShape) { batch in
            require(batch.y != nil, "ConditioningTask.classConditional: the batch has no labels")
            let y = batch.y!
            if y.rank == 2 && y.shape[1] == classes { return (y, batch.x) }
            return (Transforms.oneHot(y.flattened(from: 0), classes: classes), batch.x)
        }
    }

    /// Image completion on `side`×`side` single-channel images: x = the whole image with the hidden
    /// quadrants set to 0 (side² features), y = the hidden pixels (a vector, row-major).
    /// Quadrants are numbered 0 = top-left, 1 = top-right, 2 = bottom-left, 3 = bottom-right;
    /// Sohn et al. (2015) show one quadrant (`visible: [0]`) and predict the other three.
    public static func quadrantCompletion(side: Int = 28, visible: Set<Int> = [0]) -> ConditioningTask {
        require(side % 2 == 0 && !visible.isEmpty && visible.count < 4 && visible.allSatisfy { (0..<4).contains($0) },
                "ConditioningTask.quadrantCompletion: need an even side and 1–3 visible quadrants in 0..<4, got \(side), \(visible.sorted())")
        let half = side / 2
        var mask = [Float](repeating: 0, count: side * side)
        var hidden: [Int] = []
        for r in 0..<side {
            for c in 0..<side {
                let quadrant = (r < half ? 0 : 2) + (c < half ? 0 : 1)
                if visible.contains(quadrant) { mask[r * side + c] = 1 } else { hidden.append(r * side + c) }
            }
        }
        let visibleMask = Tensor(shape: [1, side * side], scalars: mask)
        return ConditioningTask(conditionFeatures: side * side, targetShape: [hidden.count]) { batch in
            let flat = batch.x.reshaped([batch.x.shape[0], -1])
            require(flat.shape[1] == side * side, "ConditioningTask.quadrantCompletion: expected \(side)×\(side) images, got \(batch.x.shape)")
            return (flat * visibleMask, flat.indexSelect(axis: 1, indices: hidden))
        }
    }
}
