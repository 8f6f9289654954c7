/// Every bound of the storage engine, defined once with its reason. `check()` verifies how
/// they relate; a test runs it.
public enum StorageLimits {
    /// A WAL segment is 32 MiB by default: large enough that rotation (create, preallocate,
    /// sync the directory) is rare at sensor rates, small enough that a Pi's SD card does not
    /// hold much dead log between checkpoints.
    public static let walSegmentBytesDefault = 32 * 1024 * 1024
    /// Default hot-tier budget: 64 MiB holds ~600K numeric versions (106 B each with the
    /// columns' doubling slack), minutes of data at 1,000 readings/s, small for a Pi 4's
    /// 1-8 GB.
    public static let hotMemoryBudgetBytesDefault = 64 * 1024 * 1024
    /// A checkpoint that covers every record of the current WAL segment replaces it with a
    /// fresh one, and removes it, when it is at least this full (or a rotation out of it
    /// failed for space): the fresh segment takes as much disk as the old, so replacing a
    /// mostly empty one would free nothing, while replacing a fuller one spares the second
    /// segment its rotation would soon need, which a full disk may not have room for.
    public static let walSegmentSwitchFillPercentMin = 50
    /// The smallest segment a store accepts (tests use small ones to force rotation).
    public static let walSegmentBytesMin = 64 * 1024
    /// Segments bigger than this are not ours (the largest configurable segment is 1 GiB).
    public static let walSegmentBytesMaxReadable = 1 << 30
    /// A WAL record (one group commit) is at most 8 MiB: bounds the writer's reusable buffer
    /// and what recovery must hold at once.
    public static let walRecordBytesMax = 8 * 1024 * 1024
    /// One `putBatch` holds at most 100,000 readings; a caller with more splits them (the
    /// CLI does so by itself).
    public static let batchReadingsMax = 100_000
    /// A group commit takes at most this many readings by default (N of "N records or T ms").
    public static let groupReadingsMaxDefault = 8192
    /// Readings queued for the writer, by default, before producers wait (back-pressure):
    /// 64 Ki readings of about 100 bytes bound the queue to a few MiB.
    public static let queueReadingsMaxDefault = 65_536
    /// The fsync interval's bounds: below 1 ms the background thread would spin; above
    /// 10 minutes a power cut loses too much.
    public static let fsyncIntervalMsMin = 1
    /// See `fsyncIntervalMsMin`.
    public static let fsyncIntervalMsMax = 600_000

    /// The background cut starts when the hot tier holds this percentage of its budget;
    /// at the budget itself the committing writer cuts, holding producers back until
    /// memory is free again (the background cut could not keep up with ingest).
    public static let hotCutStartPercent = 50

    /// How often the background retention pass runs by default (docs/retention.md).
    public static let retentionIntervalMsDefault = 60_000
    /// Compaction merges warm blocks once this many are live, so the manifest's block list
    /// and the per-series chunk lists stay short.
    public static let compactWarmBlocksMin = 8
    /// Compaction rewrites a block once more than this fraction of its versions are dead
    /// (dropped by retention but still on disk).
    public static let compactDeadFractionMax = 0.5
    /// A compacted (cold) block holds at most this many versions, so one compaction's
    /// memory stays bounded.
    public static let compactVersionsMax = 4_000_000

    /// Checks how the constants relate; a test runs it.
    public static func check() {
        precondition(walSegmentBytesMin >= WALFormat.segmentHeaderBytes + WALFormat.recordHeaderBytes + 1024)
        precondition(walSegmentBytesDefault >= walRecordBytesMax + WALFormat.segmentHeaderBytes,
                     "a default segment must hold the largest record")
        precondition((walSegmentBytesDefault - walRecordBytesMax) / (walSegmentBytesDefault / 100) >= walSegmentSwitchFillPercentMin,
                     "a default segment that a record no longer fits into must be full enough for a checkpoint to replace it")
        precondition(groupReadingsMaxDefault <= batchReadingsMax)
        precondition(queueReadingsMaxDefault >= groupReadingsMaxDefault,
                     "the queue must hold at least one full group")
        precondition(walRecordBytesMax <= Int(UInt32.max))
    }
}
