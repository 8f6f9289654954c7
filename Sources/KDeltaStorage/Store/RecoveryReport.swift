/// What opening a store found and did.
public struct RecoveryReport: Sendable {
    /// WAL records (group commits) replayed.
    public var records: Int
    /// Versions replayed.
    public var versions: Int
    /// Live WAL segments.
    public var segments: Int
    /// A torn last record that was cut off (or, read-only, ignored).
    public var tornTail: TornTail?
    /// A last segment whose creation never finished, removed (or, read-only, ignored).
    public var incompleteSegment: String?
    /// Time to open, in milliseconds.
    public var durationMs: Double
    /// Block files opened, and the versions they hold.
    public var blocks = 0
    public var blockVersions = 0
    /// Files no manifest named (a cut or compaction interrupted before its manifest was
    /// written: their data is still in the WAL or in the blocks they were to replace),
    /// removed.
    public var orphansRemoved: [String] = []
    /// Damaged block chunks met while opening (their versions cannot be read).
    public var damagedChunks: [String] = []

    /// One line per finding, for logs and `kdelta-edge` output; empty when clean.
    public var findings: [String] {
        var out: [String] = []
        if let t = tornTail {
            out.append("recovered from a torn last WAL record: cut \(t.bytes) bytes at offset \(t.offset) of \(t.file) (\(t.reason)); it was never acknowledged under fsync=always")
        }
        if let s = incompleteSegment {
            out.append("removed WAL segment \(s), whose creation was interrupted (it held no records)")
        }
        out.append(contentsOf: damagedChunks)
        for o in orphansRemoved {
            out.append("removed \(o), left by a cut or compaction that was interrupted before its checkpoint (its data is still in the WAL or the older blocks)")
        }
        return out
    }
}
