/// What `repair` did for a data directory whose series catalog had lost both of its files
/// (docs/format/catalog.md, "Rebuilding").
public struct CatalogRebuildReport: Sendable, Equatable {
    /// Why the catalog was rebuilt: which files were missing.
    public var reason: String
    /// The generation the manifest names, rebuilt under the same number.
    public var generation: UInt64
    /// The two files written: the catalog and its copy.
    public var files: [String]
    /// Series in the rebuilt catalog (those defined at or before the checkpoint).
    public var series: Int
    /// Block files and WAL records it was rebuilt from.
    public var blocksRead: Int
    public var walRecordsRead: Int
    /// What the block files and the WAL do not hold and the rebuilt catalog therefore
    /// cannot restore, one sentence each.
    public var notRestored: [String]
}
