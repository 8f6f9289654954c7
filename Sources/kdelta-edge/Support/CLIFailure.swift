#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// Prints `message` as `kdelta-edge: error: …` on stderr and returns the exit code to throw.
/// Messages already say what happened, where, and what to do.
func failure(_ message: String, code: Int32 = 1) -> ExitCode {
    printError("kdelta-edge: error: \(message)")
    return ExitCode(code)
}

/// Maps a store error to its exit code: 1 for operating errors, 3 for damaged data
/// (`repair` territory), 4 for a locked directory. `adding` goes after the store's
/// message, after a semicolon: what the command had done when the error came.
func failure(_ error: StoreError, adding: String? = nil) -> ExitCode {
    var message = error.code == .locked ? lockedMessage(error.message) : error.message
    if let adding {
        if message.hasSuffix(".") { message.removeLast() }
        message += "; " + adding
    }
    switch error.code {
    case .corruptWAL, .corruptFile: return failure(message, code: 3)
    case .locked: return failure(message, code: 4)
    default: return failure(message, code: 1)
    }
}

/// The store's "directory is locked" message, naming the reading commands that work
/// alongside the writer.
func lockedMessage(_ message: String) -> String {
    message + "; reading commands such as get, log, query, keys and stats work alongside it"
}

/// Writes a line to standard error, after what was printed to standard output (which is
/// buffered: `StandardOutput`), so that a terminal shows both in the order written. The
/// characters a terminal hides are escaped (`DisplayText.escaped`), line by line, whatever
/// input the message echoes: a message cannot act on the terminal.
func printError(_ line: String) {
    StandardOutput.flushBeforeMessage()
    var text = line.split(separator: "\n", omittingEmptySubsequences: false)
        .map { DisplayText.escaped(String($0)) }.joined(separator: "\n") + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
