import KDeltaModel
import KDeltaStorage

/// Parses times given on the command line.
enum TimeArgument {
    /// RFC 3339 (`2024-05-01T12:00:00Z`) or Unix milliseconds (`1714564800000`); `now`.
    static func parseMs(_ text: String, option: String) throws -> Int64 {
        if text == "now" { return SystemClock().nowMs() }
        if let ms = Int64(text) {
            if text.count <= 10 && ms > 0 {
                throw failure("\(option) \(text) looks like Unix seconds; times are Unix milliseconds (\(text)000) or RFC 3339 (2024-05-01T12:00:00Z)")
            }
            guard ms >= Limits.sourceTimeMsMin && ms <= Limits.sourceTimeMsMax else {
                throw failure("\(option) \(text) is outside 1970-01-01 ... 9999-12-31 in Unix milliseconds")
            }
            return ms
        }
        do { return try RFC3339.parseMs(text) } catch {
            throw failure("\(option) '\(DisplayText.shortened(text))' is not a time: \(error). Use RFC 3339 (2024-05-01T12:00:00Z) or Unix milliseconds")
        }
    }

    /// A `--at` point: a time as above, or `hlc:WALL.LOGICAL` (as `log` prints HLCs).
    static func parsePoint(_ text: String) throws -> TimePoint {
        if text.hasPrefix("hlc:") {
            let parts = text.dropFirst(4).split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let wall = Int64(parts[0]), wall >= 0, wall < 1 << 48,
                  let logical = parts.count == 2 ? UInt16(parts[1]) : 0
            else {
                throw failure("--at '\(DisplayText.shortened(text))' is not an HLC; write hlc:WALLMS.LOGICAL as `log` prints it, e.g. hlc:1714564800000.3")
            }
            return .hlc(HLC(wallMs: wall, logical: logical))
        }
        return .timeMs(try parseMs(text, option: "--at"))
    }
}
