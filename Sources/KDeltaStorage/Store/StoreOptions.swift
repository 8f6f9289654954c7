import KDeltaModel

/// How a store is opened. Each option states its default and what survives a crash.
public struct StoreOptions: Sendable {
    /// When the WAL is synced; see `FsyncPolicy` for what each policy can lose.
    /// Default `always`.
    public var fsync: FsyncPolicy = .default
    /// Readings one group commit takes at most (N). Default 8,192.
    public var groupReadingsMax: Int = StorageLimits.groupReadingsMaxDefault
    /// How long the writer waits for more readings before committing a group smaller than
    /// `groupReadingsMax` (T). Default 0: commit what is queued at once; concurrent writers
    /// still share an fsync because they queue up while the previous one runs.
    public var groupWaitMs: Int = 0
    /// Readings queued before producers are held back. Default 65,536.
    public var queueReadingsMax: Int = StorageLimits.queueReadingsMaxDefault
    /// What a producer does when the queue is full: wait (default) or fail at once with
    /// `StoreError.Code.queueFull`.
    public var queueFullBehavior: QueueFullBehavior = .wait
    /// Size of a WAL segment file. Default 32 MiB.
    public var walSegmentBytes: Int = StorageLimits.walSegmentBytesDefault
    /// Heap bytes the hot tier may hold: its versions are cut into a warm block in the
    /// background from half of it (`StorageLimits.hotCutStartPercent`), and writers wait
    /// for a cut when it is reached, so memory stays within it however fast readings come
    /// (`Store.cut()` cuts at once). Default 64 MiB; 0 turns the automatic cut off. A crash loses nothing: the versions are in the WAL until the
    /// block and its checkpoint are durable.
    public var hotMemoryBudgetBytes: Int = StorageLimits.hotMemoryBudgetBytesDefault
    /// Retention rules: which keys keep how much (docs/retention.md). Default: none, every
    /// version is kept.
    public var retention: RetentionRules = .none
    /// The disk budget and what happens when it is full. Default: no budget of our own,
    /// `stop-ingest` when the disk itself is full.
    public var diskBudget: DiskBudget = .default
    /// How far the hub has acknowledged: retention never drops a version after it (only
    /// the overflow policy may). Default: nothing acknowledged, so retention keeps
    /// everything until sync exists; `FixedSyncCursor.syncDisabled` when there is no hub.
    public var syncCursor: any SyncCursor = FixedSyncCursor.nothingAcknowledged
    /// How often the background retention pass runs, in milliseconds (it also runs after
    /// each cut). Default 60,000; 0 turns the background pass off (`Store.applyRetention()`
    /// still runs it on demand).
    public var retentionIntervalMs: Int = StorageLimits.retentionIntervalMsDefault
    /// Open for reading only: no lock is taken for writing, nothing is repaired or written.
    public var readOnly: Bool = false
    /// Where wall-clock time comes from. Default: the system clock.
    public var clock: any WallClock = SystemClock()

    /// The defaults.
    public init() {}
}

/// What a producer does when the ingest queue is full.
public enum QueueFullBehavior: Sendable, Equatable {
    /// Wait until the writer has room (back-pressure).
    case wait
    /// Throw `StoreError.Code.queueFull` at once, for callers that must not block.
    case fail
}
