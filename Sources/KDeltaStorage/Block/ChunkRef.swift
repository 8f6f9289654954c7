/// A series' chunk inside an open block file: what the series keeps to find its older
/// versions (the per-store block index is the set of these, one list per series).
struct ChunkRef: @unchecked Sendable {
    let block: BlockFile
    let index: Int

    var entry: ChunkEntry { block.entries[index] }

    func reader() throws(StoreError) -> ChunkReader {
        try ChunkReader(block: block, index: index)
    }
}
