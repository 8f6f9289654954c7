#if canImport(Glibc)
import Glibc
#endif

/// Progress goes to standard error (unbuffered, so it shows as cells finish); the report
/// goes to standard output, so `--json > file` captures only the JSON.
enum Console {
    /// Writes `line` and a newline to standard error.
    static func progress(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { buffer in
            var done = 0
            while done < buffer.count {
                let n = write(2, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
    }
}
