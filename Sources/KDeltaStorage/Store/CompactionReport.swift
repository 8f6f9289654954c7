/// What one compaction did (`Store.compactBlocks`).
public struct CompactionReport: Sendable, Equatable {
    /// Blocks merged, and the block written in their place (nil when nothing was due).
    public var blocksMerged = 0
    public var blockWritten: UInt64?
    /// Live versions (or rollups) rewritten, and versions left behind because retention
    /// had dropped them.
    public var itemsWritten = 0
    public var deadVersionsRemoved = 0
    /// Bytes read (the merged blocks) and written (the new block, catalog and manifest).
    public var bytesRead: Int64 = 0
    public var bytesWritten: Int64 = 0

    public init() {}
}
