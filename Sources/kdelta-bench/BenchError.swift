/// A benchmark that could not run or produced a wrong result; ArgumentParser prints the
/// message and exits non-zero.
struct BenchError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    let message: String

    /// Creates an error.
    init(_ message: String) { self.message = message }

    var description: String { message }
}
