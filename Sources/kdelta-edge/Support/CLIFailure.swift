#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KDeltaStorage

/// Prints `message` as `kdelta-edge: error: …` on stderr and returns the exit code to throw.
/// Messages already say what happened, where, and what to do.
func failure(_ message: String, code: Int32 = 1) -> ExitCode {
    printError("kdelta-edge: error: \(message)")
    return ExitCode(code)
}

/// Maps a store error to its exit code: 1 for operating errors, 3 for damaged data
/// (`repair` territory), 4 for a locked directory.
func failure(_ error: StoreError) -> ExitCode {
    switch error.code {
    case .corruptWAL, .corruptFile: return failure(error.message, code: 3)
    case .locked: return failure(error.message, code: 4)
    default: return failure(error.message, code: 1)
    }
}

/// Writes a line to standard error, after what was printed to standard output (which is
/// buffered when it is a pipe), so that a terminal shows both in the order written.
func printError(_ line: String) {
    fflush(nil)
    var text = line + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
