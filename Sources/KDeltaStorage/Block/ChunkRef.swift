/// A series' chunk inside an open block file: what the series keeps to find its older
/// versions (the per-store block index is the set of these, one list per series).
///
/// The fields a lookup tests on every chunk of a series (time bounds, sortedness, seqs)
/// are copied out of the directory entry, so that walking a series' chunks reads plain
/// words instead of copying `ChunkEntry`s (a key string and an array each: measured as
/// the largest cost of a `get(at:)` over a hundred chunks).
struct ChunkRef: @unchecked Sendable {
    let block: BlockFile
    let index: Int
    /// The entry's least and greatest time, and whether its times ascend.
    let minTimeMs: Int64
    let maxTimeMs: Int64
    let timesSorted: Bool
    /// The entry's first and last seq.
    let firstSeq: UInt64
    let lastSeq: UInt64

    init(block: BlockFile, index: Int) {
        self.block = block
        self.index = index
        let e = block.entries[index]
        minTimeMs = e.minTimeMs
        maxTimeMs = e.maxTimeMs
        timesSorted = e.timesSorted
        firstSeq = e.firstSeq
        lastSeq = e.lastSeq
    }

    var entry: ChunkEntry { block.entries[index] }

    func reader() throws(StoreError) -> ChunkReader {
        try ChunkReader(block: block, index: index)
    }
}
