/// A series' chunk inside an open block file: what the series keeps to find its older
/// versions (the per-store block index is the set of these, one list per series).
///
/// The fields a lookup tests on every chunk of a series (time bounds, sortedness, seqs)
/// and the ones a read decodes with (`ChunkLayout`) are copied out of the directory entry,
/// so that walking a series' chunks and reading one copies no `ChunkEntry` (a key string
/// and an array each: measured as the largest cost of a `get(at:)`). A class, so that
/// arrays of them and readers hold a pointer, not the layout's 140 bytes.
final class ChunkRef: Sendable {
    let block: BlockFile
    let index: Int
    let layout: ChunkLayout

    init(block: BlockFile, index: Int) {
        self.block = block
        self.index = index
        layout = ChunkLayout(block.entries[index])
    }

    /// The entry's least and greatest time, and whether its times ascend.
    var minTimeMs: Int64 { layout.minTimeMs }
    var maxTimeMs: Int64 { layout.maxTimeMs }
    var timesSorted: Bool { layout.timesSorted }
    /// The entry's first and last seq.
    var firstSeq: UInt64 { layout.firstSeq }
    var lastSeq: UInt64 { layout.lastSeq }

    /// The whole directory entry (a copy: for what `layout` does not hold).
    var entry: ChunkEntry { block.entries[index] }

    func reader() throws(StoreError) -> ChunkReader {
        try ChunkReader(self)
    }
}
