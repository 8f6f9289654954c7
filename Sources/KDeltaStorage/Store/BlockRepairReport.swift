import KDeltaModel

/// What `repair` did about damaged or missing block files (`BlockRepair`).
public struct BlockRepairReport: Sendable, Equatable {
    /// A block file the manifest named that was missing or did not check.
    public struct Damaged: Sendable, Equatable {
        public var path: String
        /// What was wrong with it.
        public var reason: String
        /// Where the file was moved (nil when it was missing).
        public var movedTo: String?
        /// The block written in its place with what could be kept (nil: nothing could).
        public var replacement: String?
    }

    /// Seqs of one series.
    public struct SeqSpan: Sendable, Equatable, CustomStringConvertible {
        public var key: Key
        public var seqs: ClosedRange<UInt64>
        public var count: UInt64 { seqs.upperBound - seqs.lowerBound + 1 }
        public var description: String {
            seqs.lowerBound == seqs.upperBound ? "\(key) seq \(seqs.lowerBound)" : "\(key) seq \(seqs.lowerBound)...\(seqs.upperBound)"
        }
    }

    public var damaged: [Damaged] = []
    /// Versions copied from the chunks of the damaged blocks that still checked.
    public var versionsCopied = 0
    /// Versions rebuilt from the WAL, which still held them.
    public var versionsRebuilt = 0
    /// Versions neither the block nor the WAL holds any more: gone.
    public var lost: [SeqSpan] = []
    /// Versions still readable in other block files that the store no longer shows: a
    /// series' history must be contiguous, so it now starts after its last lost version.
    public var hidden: [SeqSpan] = []
    /// Rollup chunks that could not be read (rollups are not rebuilt), one line each.
    public var rollupsLost: [String] = []

    /// One line per fact, for the command line.
    public var lines: [String] {
        var out: [String] = []
        for d in damaged {
            out.append(d.reason.hasPrefix("block file") ? d.reason : "block file \(d.path): \(d.reason)")
            if let moved = d.movedTo { out.append("  moved to \(moved)") }
            if let replacement = d.replacement { out.append("  what could be kept is in \(replacement)") }
        }
        out.append("block repair: \(versionsCopied) versions copied from chunks that still check, \(versionsRebuilt) rebuilt from the WAL")
        if lost.isEmpty {
            out.append("nothing is lost: every version of the damaged blocks was kept or rebuilt")
        } else {
            let total = lost.reduce(UInt64(0)) { $0 + $1.count }
            out.append("LOST \(total) versions (neither the block nor the WAL holds them):")
            for span in lost { out.append("  \(span)") }
        }
        if !hidden.isEmpty {
            out.append("no longer shown (a series' history must be contiguous, so it now starts after its lost versions; the data stays in its block file until compaction):")
            for span in hidden { out.append("  \(span)") }
        }
        for line in rollupsLost { out.append("rollups lost: \(line)") }
        return out
    }
}
