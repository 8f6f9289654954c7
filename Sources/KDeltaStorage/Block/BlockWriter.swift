import KDeltaCodec
import KDeltaModel

/// What a written block holds: named in the manifest, kept in memory as the block index.
struct BlockSummary: Sendable, Equatable {
    var number: UInt64
    var level: UInt8
    var bytes: Int64
    var entries: [ChunkEntry]
}

/// Writes one immutable block file (docs/format/block.md): header, one chunk per series,
/// the directory, the trailer; then syncs it. The file is not part of the store until a
/// manifest names it (`Store+Checkpoint`), so a crash while writing leaves an orphan that
/// the next open removes.
struct BlockWriter {
    let fs: any FileSystem
    let path: String
    let header: BlockHeader
    private let fd: FileDescriptor
    /// False once `finish` closed the file: `abandon` must not close it again, as the
    /// number may by then belong to another file of this process.
    private var isOpen = true
    private var offset: Int64
    private var entries: [ChunkEntry] = []

    /// Creates (or truncates: a leftover of a crashed cut) the file and writes the header.
    init(fs: any FileSystem, directory: String, storeID: UInt64, number: UInt64, level: UInt8) throws(StoreError) {
        self.fs = fs
        self.path = directory + "/" + BlockFormat.fileName(number)
        self.header = BlockHeader(level: level, storeID: storeID, number: number)
        do { fd = try fs.open(path, .createOrTruncate) } catch { throw StoreError.io(error, while: "creating block file \(path)") }
        offset = 0
        try write(header.encoded(), what: "the header")
    }

    private mutating func write(_ bytes: [UInt8], what: String) throws(StoreError) {
        do { try fs.write(fd, bytes, at: offset) } catch {
            throw StoreError.io(error, while: "writing \(what) of block file \(path) at offset \(offset)")
        }
        offset += Int64(bytes.count)
    }

    /// Encodes and writes one series' chunk.
    mutating func add(_ input: ChunkInput) throws(StoreError) {
        let (bytes, entry) = ChunkEncoder.encode(input)
        try add(bytes: bytes, entry: entry)
    }

    /// Writes an encoded chunk (versions or rollups) and records its entry.
    mutating func add(bytes: [UInt8], entry proposed: ChunkEntry) throws(StoreError) {
        var entry = proposed
        entry.offset = offset
        // Paired assertion (STYLE.md 6): the checksum is taken from the bytes written.
        precondition(CRC32C.checksum(bytes) == entry.crc, "chunk of \(entry.key) changed after its checksum was taken")
        try write(bytes, what: "the chunk of \(entry.key)")
        entries.append(entry)
    }

    /// Chunks added so far.
    var chunkCount: Int { entries.count }

    /// Writes the directory and trailer, syncs the file and closes it.
    mutating func finish() throws(StoreError) -> BlockSummary {
        var dir = ByteWriter(capacity: 64 + entries.count * 256)
        dir.writeLE(UInt32(entries.count))
        for e in entries { e.encode(into: &dir) }
        let dirOffset = offset
        var trailer = ByteWriter(capacity: BlockFormat.trailerBytes)
        trailer.writeLE(UInt64(dirOffset))
        trailer.writeLE(UInt32(dir.count))
        trailer.writeLE(CRC32C.checksum(dir.bytes))
        trailer.write(contentsOf: BlockFormat.trailerMagic)
        try write(dir.bytes, what: "the directory")
        try write(trailer.bytes, what: "the trailer")
        let synced: FileSystemError?
        do { try fs.sync(fd); synced = nil } catch { synced = error }
        fs.close(fd)
        isOpen = false
        if let synced { throw StoreError.io(synced, while: "syncing block file \(path)") }
        return BlockSummary(number: header.number, level: header.level, bytes: offset, entries: entries)
    }

    /// Gives up: closes the file unless `finish` did, and removes it (best effort; an
    /// orphan is removed at the next open anyway). Callers abandon after `finish` too, when
    /// a later step of the cut or merge fails.
    mutating func abandon() {
        if isOpen {
            fs.close(fd)
            isOpen = false
        }
        try? fs.remove(path)
    }
}
