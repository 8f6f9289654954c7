/// The bytes a store's files take, by kind: what the disk budget is compared with
/// (docs/retention.md, "The disk budget").
public struct DiskUsage: Sendable, Equatable {
    /// WAL segments (preallocated: each takes its full size from creation).
    public var walBytes: Int64
    /// Version blocks (warm and cold).
    public var blockBytes: Int64
    /// Rollup blocks.
    public var rollupBytes: Int64
    /// Manifest and catalog (two copies).
    public var metadataBytes: Int64

    public init(walBytes: Int64, blockBytes: Int64, rollupBytes: Int64, metadataBytes: Int64) {
        self.walBytes = walBytes
        self.blockBytes = blockBytes
        self.rollupBytes = rollupBytes
        self.metadataBytes = metadataBytes
    }

    public var total: Int64 { walBytes + blockBytes + rollupBytes + metadataBytes }
}
