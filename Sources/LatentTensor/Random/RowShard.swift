/// The rows of a global batch that one process of a data-parallel run holds, so that its random
/// draws are exactly its part of the draws one process makes for the whole batch.
///
/// A draw of `c` values per example for `rows` examples is, with a shard set on the generator,
/// made as the draw of `c · total` values one process would make for the `total` examples of the
/// global batch, of which this process keeps values `c · first ..< c · (first + rows)`. For draws
/// laid out example-major (`[B, …]`, or `[1, B, …]`) this is the process's own examples' noise:
/// N processes then reproduce one process's run to float tolerance. Draws whose size is not a
/// multiple of `rows` are made as without a shard. Each process generates the whole batch's
/// values — cheap next to the network for the batch sizes trained here.
public struct RowShard: Equatable {
    /// The first row of the global batch held here.
    public var first: Int
    /// The rows held here (≥ 1).
    public var rows: Int
    /// The rows of the global batch.
    public var total: Int

    public init(first: Int, rows: Int, total: Int) {
        require(rows >= 1 && first >= 0 && first + rows <= total,
                "RowShard: rows \(first)..<\(first + rows) are not inside a batch of \(total)")
        (self.first, self.rows, self.total) = (first, rows, total)
    }

    /// For a draw of `count` values here: the values of the global draw before and after this
    /// shard's, or nil when the draw is not `count / rows` values per example (or there is
    /// nothing to skip).
    public func surroundings(of count: Int) -> (before: Int, after: Int)? {
        guard rows < total, count > 0, count % rows == 0 else { return nil }
        let perRow = count / rows
        return (perRow * first, perRow * (total - first - rows))
    }
}
