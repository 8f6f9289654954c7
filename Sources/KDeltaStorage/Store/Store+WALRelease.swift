/// How a checkpoint frees the WAL (docs/durability.md, "When the disk fails"): when it
/// covers every record of the current segment, and that is at least half full or could not
/// be rotated out of for want of space (`WALWriter.startFreshSegment`), a fresh segment is
/// started before the manifest is written, the manifest names it, and the old segment is
/// removed after: create before naming, name before removing, so a power cut between any
/// two steps leaves a store that opens with everything acknowledged. Without this, a
/// `compact` that checkpointed everything freed nothing, the current segment stayed named,
/// and a disk without room for another segment refused every later write.
extension Store {
    /// Starts a fresh WAL segment for a checkpoint at `lsn` when that covers every record of
    /// the current one and it is due (`WALWriter.startFreshSegment`), so that the
    /// checkpoint can name the new segment. A busy store, whose writers went on during the
    /// cut, keeps its segment and pays nothing; a quiet one pays one segment creation (an
    /// fsync of the file and two of the WAL folder) at most once per half segment written.
    /// A failure is not the cut's: the current segment stays named and in use, and the
    /// error is counted (`stats`) and given in `report`. Under `cutMutex`, after the WAL
    /// was synced through `lsn`.
    func startFreshSegment(checkpointedThrough lsn: UInt64, _ report: inout CutReport) {
        guard let writer else { return }
        do throws(StoreError) {
            _ = try writer.startFreshSegment(ifCheckpointedThrough: lsn)
        } catch {
            report.walSwitchError = "the checkpoint at LSN \(lsn) covers every record of the current WAL segment, but starting the next one failed, so the current one stays in use: \(error.message)"
            statusMutex.withLock {
                maintenance.failures += 1
                maintenance.lastError = report.walSwitchError
            }
        }
    }

    /// The last steps of a checkpoint whose manifest is written: removes the WAL segments
    /// before the one it names, then gives that one its full size if it started without
    /// (on a full disk, the room the removed ones leave). Under `cutMutex`.
    func removeCheckpointedSegments(_ report: inout CutReport) throws(StoreError) {
        guard let writer else { return }
        report.walSegmentsRemoved = try writer.removeSegments(before: manifest.walFirstSegment)
        try writer.preallocateIfShort()
    }

    /// A cut with nothing in memory still frees the WAL when the checkpoint covers every
    /// record of the current segment: a store whose `compact` checkpointed everything
    /// before the segment switch existed, or whose fresh segment could not be started then.
    /// It starts the fresh segment and writes a manifest naming it (with the catalog as of
    /// the checkpoint, unchanged in content). Under `cutMutex`.
    func releaseCheckpointedWAL(_ report: inout CutReport) throws(StoreError) {
        guard let writer else { return }
        let checkpoint = manifest.checkpointLSN
        startFreshSegment(checkpointedThrough: checkpoint, &report)
        let segment = writer.segment(holding: checkpoint + 1)
        guard segment.number > manifest.walFirstSegment else { return }
        var next = manifest
        next.walFirstSegment = segment.number
        next.walFirstLSN = segment.firstLSN
        let catalog = state.withReadLock { catalogAsOfCheckpoint() }
        let previousCatalog = try installCheckpoint(catalog, next, what: "the WAL starting afresh after checkpoint \(checkpoint)")
        try removeCatalog(previousCatalog)
        try removeCheckpointedSegments(&report)
    }
}
