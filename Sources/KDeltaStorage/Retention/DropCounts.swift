/// What retention and the disk budget have dropped from one series, by reason
/// (docs/retention.md, "Every drop is counted"). Kept in the series catalog, so the counts
/// survive restarts; shown by `kdelta-edge stats`.
public struct DropCounts: Sendable, Equatable, Hashable {
    /// Raw versions dropped by `keep-last` or `keep-for` (and non-numeric versions of a
    /// downsampled key, which no rollup can hold).
    public var retention: UInt64 = 0
    /// Raw versions replaced by rollups (`downsample-after`): summarized, not lost.
    public var downsampled: UInt64 = 0
    /// Versions dropped by the overflow policy `drop-oldest` to keep the disk budget,
    /// possibly before the hub had them.
    public var overflow: UInt64 = 0
    /// Rollups dropped by `keep-rollups-for` (or by `drop-oldest`).
    public var rollupsExpired: UInt64 = 0

    public init(retention: UInt64 = 0, downsampled: UInt64 = 0, overflow: UInt64 = 0, rollupsExpired: UInt64 = 0) {
        self.retention = retention
        self.downsampled = downsampled
        self.overflow = overflow
        self.rollupsExpired = rollupsExpired
    }

    /// Raw versions gone for any reason.
    public var versions: UInt64 { retention + downsampled + overflow }

    /// True when nothing was dropped.
    public var isZero: Bool { versions == 0 && rollupsExpired == 0 }

    /// The sum of two counts.
    public static func + (a: DropCounts, b: DropCounts) -> DropCounts {
        DropCounts(retention: a.retention + b.retention, downsampled: a.downsampled + b.downsampled,
                   overflow: a.overflow + b.overflow, rollupsExpired: a.rollupsExpired + b.rollupsExpired)
    }
}
