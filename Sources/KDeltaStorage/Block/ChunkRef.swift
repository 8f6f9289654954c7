import KDeltaCodec
import KDeltaModel

/// A series' chunk inside an open block file: what the series keeps to find its older
/// versions (the per-store block index is the set of these, one list per series, with
/// the series' `ChunkPoint`s for point reads).
///
/// A handle, two words: the block and the entry's index in its directory. What a read
/// needs of the entry (`ChunkLayout`) is computed from it when a reader opens the chunk,
/// not kept here, so the index costs about 50 bytes a chunk beyond the decoded directory
/// (`docs/format/block.md`, "Time index"). Single fields are read from the entry in
/// place, without copying it (a copy would retain its key string).
final class ChunkRef: Sendable {
    let block: BlockFile
    let index: Int

    init(block: BlockFile, index: Int) {
        self.block = block
        self.index = index
    }

    /// What a read needs of the entry, computed from it.
    var layout: ChunkLayout { ChunkLayout(block.entries[index]) }

    /// The entry's least and greatest time, and whether its times ascend.
    var minTimeMs: Int64 { block.entries[index].minTimeMs }
    var maxTimeMs: Int64 { block.entries[index].maxTimeMs }
    var timesSorted: Bool { block.entries[index].timesSorted }
    /// The entry's first and last seq, and its first HLC.
    var firstSeq: UInt64 { block.entries[index].firstSeq }
    var lastSeq: UInt64 { block.entries[index].lastSeq }
    var firstHLC: HLC { block.entries[index].firstHLC }

    /// The whole directory entry (a copy: for what `layout` does not hold).
    var entry: ChunkEntry { block.entries[index] }

    /// Prefetches what a point read of the value current at `t` will decode: the value
    /// column's header and the frame the time model points at (`PointReadHint`), so
    /// that the two misses overlap instead of following each other. `layout` is the
    /// chunk's (`ChunkReader.layout`).
    func prefetchValue(near t: Int64, layout: ChunkLayout) {
        guard let column = layout.numberColumn else { return }
        Prefetch.pointRead(
            uncheckedColumn(column, layout: layout), count: layout.count,
            at: layout.timeModel.predictedPosition(t, count: layout.count))
    }

    /// The bytes of `column`, not checked against the chunk's checksum (`ChunkPoint`
    /// reads them once the block's flag says they were).
    func uncheckedColumn(_ column: ChunkEntry.Column, layout: ChunkLayout) -> UnsafeRawBufferPointer {
        let bytes = block.uncheckedBytes(at: layout.fileOffset, length: layout.length)
        return UnsafeRawBufferPointer(rebasing: bytes[layout.columnRange(column)])
    }

    func reader() throws(StoreError) -> ChunkReader {
        try ChunkReader(self)
    }
}
