/// What opening a store found and did.
public struct RecoveryReport: Sendable {
    /// WAL records (group commits) replayed.
    public var records: Int
    /// Versions replayed.
    public var versions: Int
    /// Live WAL segments.
    public var segments: Int
    /// A torn last record: its data kept under `repair/` and the record cut off (or,
    /// read-only, left in place and not replayed). Never set while a writer is live
    /// (`writerWasLive`): a bad last record is then the one it is writing.
    public var tornTail: TornTail?
    /// A last segment whose creation never finished, removed (or, read-only, ignored).
    /// Never set while a writer is live: it is the segment the writer is creating.
    public var incompleteSegment: String?
    /// A read-only open only: a writer held the directory while this open read it. What
    /// was read is the store as of a moment during the open: the WAL up to its last
    /// complete record; the record being written then, and everything after it, is left
    /// out and not reported as torn (docs/durability.md, "Reading while a writer writes").
    public var writerWasLive = false
    /// Time to open, in milliseconds.
    public var durationMs: Double
    /// Block files opened, and the versions they hold.
    public var blocks = 0
    public var blockVersions = 0
    /// Files no manifest named (a cut or compaction interrupted before its manifest was
    /// written: their data is still in the WAL or in the blocks they were to replace),
    /// removed.
    public var orphansRemoved: [String] = []
    /// Temporary files of a manifest or catalog write cut short before its rename (the
    /// file it was to replace is whole), removed.
    public var temporariesRemoved: [String] = []
    /// WAL segments before the manifest's first one (a checkpoint's clean-up cut short, or
    /// a WAL that `repair` restarted), removed: every version in them is in block files.
    public var checkpointedSegmentsRemoved: [String] = []
    /// Damaged block chunks met while opening (their versions cannot be read).
    public var damagedChunks: [String] = []
    /// WAL damage passed over because it held only checkpointed versions, one line each.
    public var walDamageSkipped: [String] = []
    /// A file of the series catalog (or its copy) that was missing or damaged: the other
    /// was read and, unless read-only, the first rewritten from it.
    public var catalogRepairs: [String] = []

    /// One line per finding, for logs and `kdelta-edge` output; empty when clean.
    public var findings: [String] {
        var out: [String] = []
        if let t = tornTail { out.append(Self.finding(t)) }
        if let s = incompleteSegment {
            out.append("removed WAL segment \(s), whose creation was interrupted (it held no records)")
        }
        out.append(contentsOf: catalogRepairs)
        out.append(contentsOf: damagedChunks)
        out.append(contentsOf: walDamageSkipped)
        for path in checkpointedSegmentsRemoved {
            out.append("removed WAL segment \(path), which precedes the manifest's first segment: every version in it is in block files")
        }
        for t in temporariesRemoved {
            out.append("removed \(t), the temporary file of a write interrupted before its rename (the file it was to replace is whole)")
        }
        for o in orphansRemoved {
            out.append("removed \(o), left by a cut or compaction that was interrupted before its checkpoint (its data is still in the WAL or the older blocks)")
        }
        return out
    }

    /// What a torn tail is, what was done with it and what is known about it. Says
    /// "never acknowledged" only as far as it is true: under `always` a record is
    /// acknowledged after its fsync, so a torn one was not, unless the disk reported a sync
    /// it had not done; under `interval` and `never` it may have been.
    static func finding(_ t: TornTail) -> String {
        let what = "(\(t.reason): \(t.sign.explanation))"
        let acknowledged = t.sign == .looksComplete
            ? "If it was torn, under fsync=always it was never acknowledged, unless the disk reported a sync it had not done; if it was damaged, it may hold an acknowledged batch, and these bytes are its only copy."
            : "Under fsync=always a torn record was never acknowledged, unless the disk reported a sync it had not done; under interval or never it may have been, within the policy's loss window."
        if let kept = t.keptAt {
            let zeros = t.bytes - t.dataBytes
            let rest = zeros > 0 ? "; the other \(zeros) bytes cut were zeros" : ""
            return "recovered from a torn last WAL record: cut \(t.file) at offset \(t.offset) \(what). Its \(t.dataBytes) bytes of data (from offset \(t.dataOffset)) are kept at \(kept)\(rest). \(acknowledged)"
        }
        return "the WAL ends with a torn record at offset \(t.offset) of \(t.file) \(what). Its \(t.dataBytes) bytes of data were not replayed and are left in place, as this open is read-only; the next open for writing keeps them under repair/ in the data directory and cuts them off. \(acknowledged)"
    }
}
