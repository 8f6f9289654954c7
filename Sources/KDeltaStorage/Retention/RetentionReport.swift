/// What one retention pass did (`Store.applyRetention`).
public struct RetentionReport: Sendable, Equatable {
    /// What was dropped in this pass, summed over series.
    public var dropped = DropCounts()
    /// Series whose kept range or rollups changed.
    public var seriesChanged = 0
    /// Rollups written, and the rollup block that holds them (nil when none).
    public var rollupsWritten = 0
    public var rollupBlock: UInt64?
    /// Block files removed because none of their chunks was live any more.
    public var blocksRemoved = 0
    /// Bytes this pass wrote (rollup block, catalog, manifest): with the bytes retention
    /// freed, the write amplification it costs.
    public var bytesWritten: Int64 = 0
    /// Bytes of block files removed.
    public var bytesFreed: Int64 = 0
    /// True when a rule wanted versions still in memory dropped, so the pass cut first.
    public var cutFirst = false

    public init() {}
}
