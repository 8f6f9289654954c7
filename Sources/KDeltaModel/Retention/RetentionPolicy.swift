/// How long the versions of the keys one rule matches are kept (docs/retention.md).
///
/// - `keepLast`: at most this many raw versions per key, the newest.
/// - `keepForMs`: raw versions whose time is older than this are dropped.
/// - `downsample`: raw versions older than `afterMs` become rollups of `everyMs`, kept for
///   `keepRollupsForMs`.
///
/// `keepLast` and `keepForMs` may be combined: each is a cap, and a version goes when
/// either says so. Downsampling replaces both: a downsampled key keeps raw versions for
/// `afterMs` and then rollups, so `keepLast` or `keepForMs` beside it is refused (versions
/// they dropped early would never reach a rollup). A policy with none of them keeps
/// everything (`keep-all`). Whatever the policy, the store keeps each key's newest version,
/// so `get` always answers with the last reading, and it drops data the hub has not
/// acknowledged only under the overflow policy (`OverflowPolicy`).
public struct RetentionPolicy: Hashable, Sendable {
    /// At most this many raw versions per key; nil for no count limit.
    public let keepLast: Int?
    /// Raw versions are kept for this many milliseconds of age; nil for no age limit.
    public let keepForMs: Int64?
    /// Downsampling to rollups; nil for none.
    public let downsample: RetentionDownsampling?

    /// Keeps everything: the policy of a key no rule matches, and of `keep-all` rules.
    public static let keepEverything = RetentionPolicy(unchecked: nil, nil, nil)

    /// Validates the combination (see the type's comment and `RetentionLimits`).
    public init(keepLast: Int? = nil, keepForMs: Int64? = nil, downsample: RetentionDownsampling? = nil) throws(RetentionPolicyError) {
        if let n = keepLast, n < 1 || n > RetentionLimits.keepLastMax {
            throw RetentionPolicyError(.keepLast, "keep-last \(n) is outside 1 to \(RetentionLimits.keepLastMax); the store always keeps at least a key's newest version")
        }
        if let ms = keepForMs { try Self.checkAge(ms, field: .keepFor) }
        if downsample != nil {
            if keepLast != nil {
                throw RetentionPolicyError(.keepLast, "keep-last cannot be combined with downsample-after: versions it dropped would never reach a rollup. Remove keep-last; raw versions stay for downsample-after, then rollups for keep-rollups-for", kind: .combination)
            }
            if keepForMs != nil {
                throw RetentionPolicyError(.keepFor, "keep-for cannot be combined with downsample-after: raw versions go at downsample-after anyway. Use keep-rollups-for for how long the rollups stay", kind: .combination)
            }
        }
        self.init(unchecked: keepLast, keepForMs, downsample)
    }

    private init(unchecked keepLast: Int?, _ keepForMs: Int64?, _ downsample: RetentionDownsampling?) {
        self.keepLast = keepLast
        self.keepForMs = keepForMs
        self.downsample = downsample
    }

    /// True when nothing is ever dropped by this policy (only the disk budget can).
    public var keepsEverything: Bool { keepLast == nil && keepForMs == nil && downsample == nil }

    static func checkAge(_ ms: Int64, field: RetentionPolicyError.Field) throws(RetentionPolicyError) {
        if ms < RetentionLimits.ageMsMin || ms > RetentionLimits.ageMsMax {
            throw RetentionPolicyError(field, "\(field.rawValue) \(DurationText.format(ms: max(0, ms))) is outside \(DurationText.format(ms: RetentionLimits.ageMsMin)) to \(DurationText.format(ms: RetentionLimits.ageMsMax)); retention runs every minute or so, and to keep data forever leave \(field.rawValue) out")
        }
    }
}
