/// Damage in the WAL that cannot hold a version the store still needs: the next valid
/// record after it (or the next segment) starts at an LSN at or before checkpoint + 1, so
/// every version the damaged bytes could hold has a smaller LSN, at or before the
/// checkpoint, and is in block files already. Replay passes over such damage and reports
/// it instead of refusing the store (docs/format/wal.md, "Recovery"): a flipped bit in old,
/// checkpointed records of the first live segment must not stop the store nor make
/// `repair` set aside the good records after it. The segment goes at a later checkpoint.
struct CheckpointedDamage {
    let checkpointLSN: UInt64

    /// Whether the log may resume at `firstLSN` after damage, the last good record having
    /// ended before `nextLSN`: LSNs never go back, and nothing after the checkpoint is lost.
    func covers(resumingAt firstLSN: UInt64, after nextLSN: UInt64) -> Bool {
        firstLSN >= nextLSN && firstLSN <= checkpointLSN + 1
    }

    /// Where replay resumes after the damage at `offset` of `segment`: the next valid
    /// record, when its LSN shows the damage held only checkpointed versions; else nil.
    func resumption(_ segment: WALSegmentReader, after offset: Int, nextLSN: UInt64) throws(StoreError) -> (offset: Int, firstLSN: UInt64)? {
        guard let next = try WALSegmentScanner.nextValidFrame(segment, after: offset) else { return nil }
        let head = try segment.bytes(at: next, count: WALFormat.recordHeaderBytes)
        let length = Int(UInt32(littleEndian: head.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let payload = try segment.bytes(at: next + WALFormat.recordHeaderBytes, count: length)
        guard let batch = try? WALBatchDecoder.decode(payload), covers(resumingAt: batch.firstLSN, after: nextLSN) else { return nil }
        return (next, batch.firstLSN)
    }

    /// The line recovery reports for damage it passed over.
    func finding(_ path: String, _ offset: Int, _ reason: String, resumingAt firstLSN: UInt64) -> String {
        "passed over damage in WAL segment \(path) at offset \(offset) (\(reason)): the log resumes at LSN \(firstLSN), so the damaged bytes held only versions at or before the checkpoint (LSN \(checkpointLSN)), which are in block files; nothing was lost. The segment goes at the first checkpoint after the WAL has moved on to a later segment"
    }
}
