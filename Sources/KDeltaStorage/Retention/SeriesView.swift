import KDeltaModel

/// What retention and compaction plan from, for one series: its kept range and chunk
/// lists, copied under the state lock. Only cuts, retention and compaction change the
/// chunk lists and first seqs, all under `cutMutex`, so a view taken under that mutex
/// stays true while it is held; writers meanwhile only add versions in memory after
/// `nextSeq`.
struct SeriesView {
    let series: Series
    let key: Key
    let firstSeq: UInt64
    let hotFirstSeq: UInt64
    let nextSeq: UInt64
    let chunks: [ChunkRef]
    let rollupChunks: [ChunkRef]
    let rollupFloorMs: Int64

    /// The view of `s` now; under the state lock.
    init(_ s: Series) {
        series = s
        key = s.key
        firstSeq = s.firstSeq
        hotFirstSeq = s.hotFirstSeq
        nextSeq = s.nextSeq
        chunks = s.chunks
        rollupChunks = s.rollupChunks
        rollupFloorMs = s.rollupFloorMs
    }
}
