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

    /// One line per finding, for logs and `kdelta-edge` output; empty when clean.
    public var findings: [String] {
        var out: [String] = []
        if let t = tornTail {
            out.append("recovered from a torn last WAL record: cut \(t.bytes) bytes at offset \(t.offset) of \(t.file) (\(t.reason)); it was never acknowledged under fsync=always")
        }
        if let s = incompleteSegment {
            out.append("removed WAL segment \(s), whose creation was interrupted (it held no records)")
        }
        return out
    }
}
