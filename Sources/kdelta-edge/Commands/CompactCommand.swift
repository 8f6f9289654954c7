import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge compact`: cut the hot tier into a block and checkpoint now, then apply
/// retention and merge blocks that are due, as the daemon's background pass does.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Move every version held in memory into a compressed block file, apply retention and merge blocks.",
        discussion: """
            The daemon does this by itself when the hot tier reaches its memory budget and
            about once a minute; run it by hand before copying a data directory, or to see the
            block format's size on your data. Retention follows the rules of --config
            (docs/retention.md). A crash at any step leaves the store as it was before or after.
            """)

    @OptionGroup var location: StoreLocation
    @OptionGroup var write: WriteOptions

    func run() throws {
        let store = try location.openExistingForWriting(write)
        let r: CutReport
        let retention: RetentionReport
        var merges: [CompactionReport] = []
        do throws(StoreError) {
            r = try store.cut()
            retention = try store.applyRetention()
            while merges.count < 64 {
                let m = try store.compactBlocks()
                if m.blockWritten == nil { break }
                merges.append(m)
            }
            try store.enforceDiskBudget()
        } catch { throw failure(error) }
        let after = store.stats()
        let stopped = after.ingestStopped, overflowDropped = after.overflowDropsSinceOpen
        do { try store.close() } catch { throw failure(error) }
        StandardOutput.madeChanges("the compaction is done (`kdelta-edge stats` shows the store)")
        if location.json {
            try StandardOutput.line(JSONValue.object([
                ("block", r.blockNumber.map { .int(Int64($0)) } ?? .null),
                ("versions", .int(Int64(r.versions))), ("series", .int(Int64(r.series))),
                ("blockBytes", .int(r.blockBytes)),
                ("bytesPerVersion", r.versions > 0 ? .double(Double(r.blockBytes) / Double(r.versions)) : .null),
                ("checkpointLSN", .int(Int64(r.checkpointLSN))),
                ("walSegmentsRemoved", .int(Int64(r.walSegmentsRemoved))),
                ("walSwitchError", r.walSwitchError.map { .string($0) } ?? .null),
                ("hotBytesBefore", .int(Int64(r.hotBytesBefore))), ("hotBytesAfter", .int(Int64(r.hotBytesAfter))),
                ("retention", DropsOutput.json(retention.dropped, extra: [
                    ("rollupsWritten", .int(Int64(retention.rollupsWritten))),
                    ("blocksRemoved", .int(Int64(retention.blocksRemoved))),
                    ("bytesWritten", .int(retention.bytesWritten)), ("bytesFreed", .int(retention.bytesFreed)),
                ])),
                ("merges", .array(merges.map { m in
                    .object([
                        ("block", .int(Int64(m.blockWritten ?? 0))), ("blocksMerged", .int(Int64(m.blocksMerged))),
                        ("itemsWritten", .int(Int64(m.itemsWritten))), ("deadVersionsRemoved", .int(Int64(m.deadVersionsRemoved))),
                        ("bytesRead", .int(m.bytesRead)), ("bytesWritten", .int(m.bytesWritten)),
                    ])
                })),
                ("overflowDropped", .int(Int64(overflowDropped))),
                ("ingestStopped", stopped.map { .string($0) } ?? .null),
            ]).canonicalText)
            return
        }
        if let e = r.walSwitchError { printError("kdelta-edge: note: \(e)") }
        if let block = r.blockNumber {
            let perVersion = Double(r.blockBytes) / Double(max(1, r.versions))
            try StandardOutput.line("block \(block): \(counted(r.versions, "version")) of \(r.series) series, \(counted(r.blockBytes, "byte")) (\(String(format2: perVersion)) per version, version ids and clocks included)")
            try StandardOutput.line("checkpoint at LSN \(r.checkpointLSN); removed \(counted(r.walSegmentsRemoved, "WAL segment")); memory \(r.hotBytesBefore) -> \(r.hotBytesAfter) bytes")
        } else {
            try StandardOutput.line("nothing to cut: no versions in memory (checkpoint at LSN \(r.checkpointLSN))")
            if r.walSegmentsRemoved > 0 { try StandardOutput.line("removed \(counted(r.walSegmentsRemoved, "WAL segment")) the checkpoint covers") }
        }
        if !retention.dropped.isZero || retention.rollupsWritten > 0 {
            try StandardOutput.line("retention: dropped \(DropsOutput.text(retention.dropped)); \(counted(retention.rollupsWritten, "rollup")) written, \(counted(retention.blocksRemoved, "block file")) removed")
        }
        for m in merges {
            try StandardOutput.line("merged \(counted(m.blocksMerged, "block")) into block \(m.blockWritten ?? 0): \(m.itemsWritten) kept, \(counted(m.deadVersionsRemoved, "dropped version")) left out, \(m.bytesRead) -> \(m.bytesWritten) bytes")
        }
        if overflowDropped > 0 {
            try StandardOutput.line("disk budget: on-disk-full is drop-oldest, so the oldest \(counted(overflowDropped, "version")) \(overflowDropped == 1 ? "was" : "were") dropped to make room (counted as overflow in `stats`)")
        }
        if let stopped { try StandardOutput.line("disk budget: \(stopped)") }
    }
}

extension String {
    /// Two decimals, without Foundation.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let frac = abs(hundredths % 100)
        self = "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
