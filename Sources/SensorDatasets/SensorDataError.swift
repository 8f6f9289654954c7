/// A dataset that could not be read: which file, where, and why.
public struct SensorDataError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the file and line.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
