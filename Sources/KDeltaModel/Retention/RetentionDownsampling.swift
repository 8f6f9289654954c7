/// "After `afterMs`, replace raw readings by rollups of `everyMs`, kept for
/// `keepRollupsForMs`": the downsampling part of a `RetentionPolicy` (docs/retention.md).
///
/// A rollup holds count, sum, min, max, first and last of one interval's numeric readings.
/// Intervals are aligned to the Unix epoch, and `everyMs` must divide a day evenly (1s, 5s,
/// 10s, 15s, 30s, 1m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d, ...), so every
/// interval lies within one UTC day and rollups of a finer interval combine exactly into
/// coarser ones that it divides.
public struct RetentionDownsampling: Hashable, Sendable {
    /// Age of a reading (now minus its time) after which it is rolled up and the raw
    /// version dropped.
    public let afterMs: Int64
    /// The rollup interval.
    public let everyMs: Int64
    /// Age after which a rollup is dropped; nil keeps rollups until the disk budget needs
    /// the space.
    public let keepRollupsForMs: Int64?

    /// Validates the combination: ages within `RetentionLimits.ageMsMin...ageMsMax`, the
    /// interval a whole number of seconds dividing a day, `afterMs` at least one interval
    /// (a window must be over before it is rolled up), and rollups kept longer than raw.
    public init(afterMs: Int64, everyMs: Int64, keepRollupsForMs: Int64? = nil) throws(RetentionPolicyError) {
        try RetentionPolicy.checkAge(afterMs, field: .downsampleAfter)
        if everyMs < RetentionLimits.rollupIntervalMsMin || everyMs > RetentionLimits.rollupIntervalMsMax {
            throw RetentionPolicyError(.every, "every \(DurationText.format(ms: max(0, everyMs))) is outside 1s to 1d; rollups are at least a second and at most a day")
        }
        if RetentionLimits.rollupIntervalMsMax % everyMs != 0 || everyMs % 1000 != 0 {
            let (below, above) = Self.nearestDayDivisors(everyMs)
            throw RetentionPolicyError(.every, "every \(DurationText.format(ms: everyMs)) does not divide a day evenly, so windows would not line up with days; use \(DurationText.format(ms: below)) or \(DurationText.format(ms: above))")
        }
        if afterMs < everyMs {
            throw RetentionPolicyError(.downsampleAfter, "downsample-after \(DurationText.format(ms: afterMs)) is shorter than every \(DurationText.format(ms: everyMs)); readings are rolled up only once their whole interval is over", kind: .combination)
        }
        if let keep = keepRollupsForMs {
            try RetentionPolicy.checkAge(keep, field: .keepRollupsFor)
            if keep <= afterMs {
                throw RetentionPolicyError(.keepRollupsFor, "keep-rollups-for \(DurationText.format(ms: keep)) is not longer than downsample-after \(DurationText.format(ms: afterMs)); rollups would be dropped as soon as they are made. Make it longer, or use keep-for without downsampling", kind: .combination)
            }
        }
        self.afterMs = afterMs
        self.everyMs = everyMs
        self.keepRollupsForMs = keepRollupsForMs
    }

    /// Round intervals that divide a day (and, below an hour, an hour), for suggestions.
    static let roundIntervalsMs: [Int64] = [
        1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800,
        3600, 7200, 10_800, 14_400, 21_600, 28_800, 43_200, 86_400,
    ].map { $0 * 1000 }

    /// The round intervals nearest below and above `ms`.
    static func nearestDayDivisors(_ ms: Int64) -> (Int64, Int64) {
        let below = roundIntervalsMs.last { $0 < ms } ?? roundIntervalsMs[0]
        let above = roundIntervalsMs.first { $0 > ms } ?? roundIntervalsMs[roundIntervalsMs.count - 1]
        return (below, above)
    }
}
