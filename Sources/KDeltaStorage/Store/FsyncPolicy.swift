/// When the WAL is made durable, and so what a crash can lose.
///
/// | policy | process crash (kill -9) | power cut / kernel panic |
/// |---|---|---|
/// | `always` | nothing acknowledged | nothing acknowledged |
/// | `interval(ms)` | nothing acknowledged | at most the last `ms` of acknowledged writes (plus one fsync's duration) |
/// | `never` | nothing acknowledged | whatever the kernel had not written back (ext4 default: up to ~30 s), at most one segment |
///
/// A process crash never loses acknowledged data under any policy because an
/// acknowledged write has reached the kernel's page cache. The default is `always`: a Pi
/// loses power often, and group commit makes it cheap (docs/durability.md).
public enum FsyncPolicy: Sendable, Equatable, CustomStringConvertible {
    /// `fdatasync` before acknowledging; concurrent writers share one fsync (group commit).
    case always
    /// Acknowledge once written to the kernel; a background thread syncs every `ms`.
    case interval(ms: Int)
    /// Never sync for a write; the kernel decides. The WAL is synced only when a segment is
    /// full (so a power cut cannot leave a gap before the next segment) and at a clean close.
    case never

    /// The default policy.
    public static let `default` = FsyncPolicy.always

    /// Parses `always`, `interval:MS` or `never`.
    public init(parsing text: String) throws(StoreError) {
        switch text {
        case "always": self = .always
        case "never": self = .never
        default:
            if text.hasPrefix("interval:"), let ms = Int(text.dropFirst("interval:".count)),
                ms >= StorageLimits.fsyncIntervalMsMin, ms <= StorageLimits.fsyncIntervalMsMax
            {
                self = .interval(ms: ms)
                return
            }
            throw StoreError(
                .invalidArgument,
                "fsync policy '\(text)' is not one of always, interval:MS (MS from \(StorageLimits.fsyncIntervalMsMin) to \(StorageLimits.fsyncIntervalMsMax)), never; for example --fsync interval:1000")
        }
    }

    /// `always`, `interval:MS` or `never`.
    public var description: String {
        switch self {
        case .always: return "always"
        case .interval(let ms): return "interval:\(ms)"
        case .never: return "never"
        }
    }
}
