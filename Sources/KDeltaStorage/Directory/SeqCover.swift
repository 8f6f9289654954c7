/// Whether a series' version chunks hold exactly the seqs the catalog says are in blocks,
/// `firstSeq ..< nextSeq`: opening checks it (`TierRecovery`), and a manifest rebuild
/// chooses its blocks by it (`BlockChoice`). Chunks wholly before `firstSeq` (retention
/// dropped them, their block still holds other series) are skipped; the first kept chunk
/// may start before `firstSeq` (its older versions are dropped but not yet compacted away).
enum SeqCover {
    enum Problem: Equatable {
        /// The chunk at `index` (of the kept ones) starts elsewhere than at `expected`.
        case gap(index: Int, expected: UInt64)
        /// The chunks end before `expected`, the catalog's next seq.
        case short(expected: UInt64)
    }

    /// The chunks of `entries` that hold kept versions, sorted by first seq.
    static func kept(_ entries: [ChunkEntry], firstSeq: UInt64) -> [ChunkEntry] {
        entries.filter { $0.lastSeq >= firstSeq }.sorted { $0.firstSeq < $1.firstSeq }
    }

    /// What is wrong with `kept` (sorted, from `kept(_:firstSeq:)`), or nil.
    static func problem(_ kept: [ChunkEntry], firstSeq: UInt64, nextSeq: UInt64) -> Problem? {
        var expected = min(firstSeq, kept.first?.firstSeq ?? firstSeq)
        for (i, e) in kept.enumerated() {
            guard e.firstSeq == expected else { return .gap(index: i, expected: expected) }
            expected = e.firstSeq + UInt64(e.count)
        }
        return expected == nextSeq ? nil : .short(expected: expected)
    }
}
