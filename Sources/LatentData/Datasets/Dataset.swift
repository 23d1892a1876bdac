import LatentTensor

/// A set of examples held in memory: inputs, optional labels, and a name for logs.
///
/// Images are `[N, 1, 28, 28]` Float32 in [0, 1] (or `[N, 784]` after `flattened()`), vectors
/// `[N, D]`; labels are `[N]` class indices stored as Float (or `[N, C]` after `oneHotLabels`).
public struct Dataset {
    /// A short name for logs and plots, e.g. `mnist/train`.
    public var name: String
    /// The examples, first axis = example.
    public var inputs: Tensor
    /// One label per example (first axis = example), or nil for unlabelled data.
    public var labels: Tensor?

    /// A dataset; `labels`, when given, must have as many rows as `inputs`.
    public init(name: String, inputs: Tensor, labels: Tensor? = nil) {
        require(inputs.rank >= 1, "Dataset \(name): inputs must have an example axis, got shape \(inputs.shape)")
        if let labels = labels {
            require(labels.rank >= 1 && labels.shape[0] == inputs.shape[0],
                    "Dataset \(name): \(inputs.shape[0]) inputs but labels of shape \(labels.shape)")
        }
        self.name = name
        self.inputs = inputs
        self.labels = labels
    }

    /// The number of examples.
    public var count: Int { inputs.shape[0] }

    /// The shape of one example (the input shape without its first axis).
    public var exampleShape: [Int] { Array(inputs.shape.dropFirst()) }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(name: name, inputs: inputs.indexSelect(axis: 0, indices: indices),
                labels: labels?.indexSelect(axis: 0, indices: indices))
    }

    /// The first `n` examples (all of them when there are fewer), e.g. for quick experiments.
    public func prefix(_ n: Int) -> Dataset { subset(Array(0..<min(n, count))) }

    /// Inputs reshaped to `[N, D]` (images to vectors for MLP encoders); labels unchanged.
    public func flattened() -> Dataset {
        Dataset(name: name, inputs: Transforms.flatten(inputs), labels: labels)
    }

    /// The same dataset with `[N]` class labels replaced by `[N, classes]` one-hot rows.
    public func oneHotLabels(classes: Int) -> Dataset {
        require(labels != nil, "Dataset \(name): oneHotLabels(classes:) needs labels, and this dataset has none")
        return Dataset(name: name, inputs: inputs, labels: Transforms.oneHot(labels!, classes: classes))
    }

    /// Static binarization: inputs in [0, 1] replaced once by Bernoulli draws from a generator
    /// seeded with `seed`, so the same seed always gives the same binary dataset (compare
    /// `BatchTransform.dynamicBinarization`, which redraws every batch).
    public func staticallyBinarized(seed: UInt64) -> Dataset {
        mapInputs { Transforms.binarize($0, generator: RandomGenerator(seed: seed)) }
    }

    /// The same labels with inputs transformed by `transform` (which must keep the example axis).
    public func mapInputs(_ transform: (Tensor) -> Tensor) -> Dataset {
        Dataset(name: name, inputs: transform(inputs), labels: labels)
    }
}

/// The train and test parts of a dataset.
public struct DatasetSplits {
    /// Examples to fit on.
    public var train: Dataset
    /// Held-out examples to report on.
    public var test: Dataset

    /// Both parts.
    public init(train: Dataset, test: Dataset) {
        self.train = train
        self.test = test
    }

    /// Both parts transformed the same way (e.g. `{ $0.flattened() }`).
    public func map(_ transform: (Dataset) -> Dataset) -> DatasetSplits {
        DatasetSplits(train: transform(train), test: transform(test))
    }
}
