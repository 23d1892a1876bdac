/// Why a dataset file could not be read: every case names the file and says what was expected,
/// so that the message alone tells the user what to fix.
public struct DataError: Error, CustomStringConvertible {
    /// The file (or directory) concerned.
    public let path: String
    /// What is wrong and what was expected.
    public let problem: String

    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
