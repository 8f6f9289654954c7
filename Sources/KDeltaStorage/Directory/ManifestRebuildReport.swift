/// What `repair` did for a data directory whose manifest was missing or damaged
/// (docs/format/manifest.md, "Rebuilding").
public struct ManifestRebuildReport: Sendable, Equatable {
    /// A file the rebuilt manifest does not name, and why; it was moved to the set-aside
    /// folder, never deleted.
    public struct LeftOut: Sendable, Equatable {
        /// Where the file was.
        public var path: String
        public var reason: String
    }

    /// Why the manifest was rebuilt: it was missing, or what was wrong with it.
    public var reason: String
    /// Where the damaged manifest went (nil when there was none).
    public var setAsidePath: String?
    /// The folder every file the new manifest does not name was moved to.
    public var setAsideDirectory: String
    /// The series catalog the new manifest names (0: none).
    public var catalogGeneration: UInt64
    /// The block files it names, in number order.
    public var blocks: [UInt64]
    /// Where the WAL starts and where the checkpoint stood.
    public var walFirstSegment: UInt64
    public var walFirstLSN: UInt64
    public var checkpointLSN: UInt64
    /// Block and catalog files left out, with why.
    public var leftOut: [LeftOut]
}
