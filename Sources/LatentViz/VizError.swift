/// What can go wrong when a picture leaves memory: the message names the file or the zlib call
/// and the code it returned.
public struct VizError: Error, CustomStringConvertible {
    /// A sentence naming the operation, the file or call, and what was seen.
    public let description: String

    /// An error with the given message.
    public init(_ description: String) { self.description = description }
}
