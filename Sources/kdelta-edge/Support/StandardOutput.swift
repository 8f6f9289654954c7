#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KDeltaStorage
import Synchronization

/// Standard output of every command, through one checked path: `line` and `text` buffer
/// what a command prints, and every write of the buffer to file descriptor 1 is checked,
/// the last one (`flush`, which `KDeltaEdge.run` calls after the command) included. Output
/// to a full disk or to `/dev/full` is not lost silently: the command stops with
/// `cannot write to standard output (ENOSPC: No space left on device); …` and exit 1.
///
/// A reader that closes the pipe early (`kdelta-edge log KEY | head`) is not an error:
/// SIGPIPE is ignored so that the write returns EPIPE, and the command stops quietly with
/// exit 141 (`brokenPipeExitCode`), the status a shell shows for a program that SIGPIPE
/// ended, so `set -o pipefail` scripts see what they see of `cat`. What a command changed
/// before it printed (a stored reading, a repair) stays done either way; such commands
/// say so with `madeChanges(_:)`, and the message says it instead of "run it again".
///
/// Not stdio's `stdout`: Swift 6.0 reports the C global as shared mutable state, and stdio
/// would keep an error flag instead of the errno that says what happened.
enum StandardOutput {
    /// Bytes buffered before they are written: one `write` per 64 KiB of a long listing.
    static let bufferBytesMax = 64 * 1024
    /// The exit status after a reader closed the pipe: 128 + SIGPIPE, as a shell reports a
    /// program that SIGPIPE ended.
    static let brokenPipeExitCode: Int32 = 141

    /// The buffer, and how the output failed once it did.
    struct State {
        var buffer: [UInt8] = []
        /// Set once a write failed: nothing more is written, and the same exit code is
        /// thrown again without a second message.
        var failedExitCode: Int32?
        /// What the command changed before printing, for the failure's message.
        var changes: String?
    }

    /// The one `State` of the process, in a class: a `Mutex` lives in a `let` of
    /// something with an identity.
    final class Shared: Sendable {
        let state = Mutex(State())
    }

    private static let shared = Shared()

    /// Ignores SIGPIPE, so that a closed pipe is an EPIPE from `write` rather than the
    /// death of the process in the middle of a command.
    static func start() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Prints `line` and a line feed.
    static func line(_ line: String) throws(ExitCode) {
        try text(line + "\n")
    }

    /// Prints `text` as it is (a rendered table ends in its own line feed).
    static func text(_ text: String) throws(ExitCode) {
        let failed: ExitCode? = shared.state.withLock { s in
            if let code = s.failedExitCode { return ExitCode(code) }
            s.buffer.append(contentsOf: text.utf8)
            return s.buffer.count >= bufferBytesMax ? drain(&s) : nil
        }
        if let failed { throw failed }
    }

    /// Writes what is buffered, checked.
    static func flush() throws(ExitCode) {
        let failed: ExitCode? = shared.state.withLock { s in
            if let code = s.failedExitCode { return ExitCode(code) }
            return drain(&s)
        }
        if let failed { throw failed }
    }

    /// Writes what is buffered before a message goes to standard error, so that a terminal
    /// shows both in the order they were made. A failure is reported here (once); the
    /// caller goes on to its own message and exit code.
    static func flushBeforeMessage() {
        shared.state.withLock { s in
            if s.failedExitCode == nil { _ = drain(&s) }
        }
    }

    /// Records what the command changed before it prints its report (`the reading is
    /// stored as seq 3 of KEY`): should the output fail, its message says this, so that
    /// no one runs the command again and stores the reading twice.
    static func madeChanges(_ changes: String) {
        shared.state.withLock { $0.changes = changes }
    }

    /// Writes the whole buffer to file descriptor 1, retrying short writes and EINTR; the
    /// exit code to stop with when that fails (after the message, unless the pipe was
    /// closed). The corresponding C function is `write`.
    private static func drain(_ s: inout State) -> ExitCode? {
        var written = 0
        var failure: Int32 = 0
        s.buffer.withUnsafeBytes { bytes in
            while written < bytes.count {
                let n = write(1, bytes.baseAddress! + written, bytes.count - written)
                if n > 0 {
                    written += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    failure = n < 0 ? errno : EIO
                    return
                }
            }
        }
        s.buffer.removeAll(keepingCapacity: true)
        guard failure != 0 else { return nil }
        let code = failure == EPIPE ? brokenPipeExitCode : 1
        s.failedExitCode = code
        if failure != EPIPE { writeError(message(errno: failure, changes: s.changes)) }
        return ExitCode(code)
    }

    /// `cannot write to standard output (ENOSPC: No space left on device); …`: what
    /// happened, and what to do, which depends on whether the command had changed anything.
    static func message(errno code: Int32, changes: String?) -> String {
        let what = "cannot write to standard output (\(ErrnoText.describe(code))), so what this command printed is incomplete"
        guard let changes else {
            return "\(what); nothing was changed: free space where the output goes, or send it elsewhere, and run the command again"
        }
        return "\(what); all the same, \(changes), so do not run the command again; free space where the output goes, or send it elsewhere"
    }

    /// Writes `kdelta-edge: error: MESSAGE` to standard error, unbuffered.
    private static func writeError(_ message: String) {
        var text = "kdelta-edge: error: " + message + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
