import KDeltaModel

/// `storage.fsync`: when the WAL is made durable. The wiring maps it to the storage
/// engine's `FsyncPolicy` through `FsyncPolicy(parsing: setting.description)`; the two
/// accept the same texts (a test checks), and docs/durability.md says what each can lose.
public enum FsyncSetting: Sendable, Hashable, CustomStringConvertible {
    /// Sync before acknowledging (the default): a power cut loses nothing acknowledged.
    case always
    /// Sync every `ms` in the background: a power cut loses at most that window.
    case interval(ms: Int)
    /// Never sync for a write; the kernel decides.
    case never

    /// The default setting.
    public static let `default` = FsyncSetting.always

    /// Parses `always`, `never`, `interval:MS` (milliseconds, `interval:1000`) or
    /// `interval:DURATION` (`interval:1s`, `interval:500ms`); the interval must lie within
    /// `ConfigLimits.fsyncIntervalMsMin...Max`. The error text says what to write.
    public init(parsing text: String) throws(FsyncSettingError) {
        switch text {
        case "always": self = .always
        case "never": self = .never
        default:
            guard text.hasPrefix("interval:") else {
                let lowered = text.lowercased()
                var hint = ""
                if lowered == "always" || lowered == "never" { hint = " (names are lower case)" }
                if lowered.hasPrefix("interval") || Int(text) != nil { hint = " (write interval:1000 or interval:1s)" }
                throw FsyncSettingError(text: text, detail: "it is not one of always, interval:MS, never\(hint)")
            }
            let amount = String(text.dropFirst("interval:".count))
            let ms: Int64
            if let plain = Int64(amount) {
                ms = plain
            } else {
                do { ms = try DurationText.parseMs(amount) } catch {
                    throw FsyncSettingError(text: text, detail: "the interval is not milliseconds or a duration: \(error.detail)")
                }
            }
            guard ms >= Int64(ConfigLimits.fsyncIntervalMsMin), ms <= Int64(ConfigLimits.fsyncIntervalMsMax) else {
                throw FsyncSettingError(text: text, detail: "the interval must be \(ConfigLimits.fsyncIntervalMsMin) ms to \(ConfigLimits.fsyncIntervalMsMax) ms (10m)")
            }
            self = .interval(ms: Int(ms))
        }
    }

    /// `always`, `interval:MS` or `never`: the text `FsyncPolicy(parsing:)` and
    /// `--fsync` take.
    public var description: String {
        switch self {
        case .always: return "always"
        case .interval(let ms): return "interval:\(ms)"
        case .never: return "never"
        }
    }
}
