#if canImport(Glibc)
import Glibc
#endif
import CMemory
import KDeltaCodec
import KDeltaModel

/// An open, immutable block file: its header and directory checked at open, each chunk's
/// checksum checked the first time the chunk is read (docs/format/block.md,
/// "Corruption"). The bytes are memory-mapped (`FileSystem.mapReadOnly`): reading a
/// chunk touches only its pages.
final class BlockFile: @unchecked Sendable {
    let number: UInt64
    let level: UInt8
    let path: String
    let entries: [ChunkEntry]
    private let file: MappedFile
    /// One flag per chunk, set once its checksum matched (`CMemory`'s lock-free flag):
    /// readers of a checked chunk take no lock.
    private let verifiedFlags: UnsafeMutablePointer<UInt8>

    var byteCount: Int64 { Int64(file.bytes.count) }

    private init(number: UInt64, level: UInt8, path: String, entries: [ChunkEntry], file: MappedFile) {
        self.number = number
        self.level = level
        self.path = path
        self.entries = entries
        self.file = file
        verifiedFlags = .allocate(capacity: max(1, entries.count))
        verifiedFlags.initialize(repeating: 0, count: max(1, entries.count))
    }

    deinit { verifiedFlags.deallocate() }

    /// Opens and checks block `number` of the store `storeID`; `expectedBytes` is the size
    /// the manifest recorded.
    /// `sharedKey(seriesID)` gives the store's own `Key` of a series, if it has one: an
    /// entry whose key equals it keeps that one instead of its own copy of the text (a
    /// heap string of ~64 bytes per chunk for keys over 15 bytes; 4 MiB at 100M readings).
    static func open(
        fs: any FileSystem, directory: String, number: UInt64, storeID: UInt64, expectedBytes: Int64?,
        sharedKey: (UInt32) -> Key? = { _ in nil }
    ) throws(StoreError) -> BlockFile {
        let path = directory + "/" + BlockFormat.fileName(number)
        func corrupt(_ offset: Int, _ why: String) -> StoreError {
            StoreError(
                .corruptFile,
                "block file \(path) is damaged at offset \(offset) (\(why)). The data in it cannot be read; \(repairAdvice(blocksDirectory: directory))",
                file: path, offset: Int64(offset))
        }
        let file: MappedFile
        do { file = try fs.mapReadOnly(path) } catch {
            if error.errno == ENOENT {
                throw StoreError(
                    .corruptFile,
                    "block file \(path), which the manifest names, is missing. \(repairAdvice(blocksDirectory: directory))",
                    file: path)
            }
            throw StoreError.io(error, while: "opening block file \(path)")
        }
        let b = file.bytes
        if let expectedBytes, Int64(b.count) != expectedBytes {
            throw corrupt(b.count, "it has \(b.count) bytes, the manifest recorded \(expectedBytes)")
        }
        let header: BlockHeader
        switch BlockHeader.decode(b) {
        case .success(let h): header = h
        case .failure(let e): throw corrupt(0, "header: \(e)")
        }
        guard header.storeID == storeID else {
            throw StoreError(.corruptFile, "block file \(path) belongs to another store (store id \(hex64(header.storeID)), this one is \(hex64(storeID))); move it out of \(directory)", file: path, offset: 16)
        }
        guard header.number == number else { throw corrupt(20, "the header says block \(header.number)") }
        guard b.count >= BlockFormat.headerBytes + BlockFormat.trailerBytes else {
            throw corrupt(b.count, "the file ends before its trailer")
        }
        let trailerStart = b.count - BlockFormat.trailerBytes
        guard Array(b[(b.count - 8)..<b.count]) == BlockFormat.trailerMagic else {
            throw corrupt(b.count - 8, "the trailer magic is missing: the file was not written to its end")
        }
        var entries: [ChunkEntry] = []
        do throws(CodecError) {
            var t = ByteReader(b, offset: trailerStart)
            // Read as stored and checked before use: a damaged offset can exceed `Int.max`.
            let storedOffset = try t.readLE(UInt64.self)
            let dirLength = Int(try t.readLE(UInt32.self))
            let dirCRC = try t.readLE(UInt32.self)
            guard storedOffset >= UInt64(BlockFormat.headerBytes), storedOffset <= UInt64(trailerStart),
                  dirLength == trailerStart - Int(storedOffset) else {
                throw CodecError.malformed(offset: trailerStart, what: "the directory at \(storedOffset)+\(dirLength) does not end at the trailer (\(trailerStart))")
            }
            let dirOffset = Int(storedOffset)
            let dirBytes = UnsafeRawBufferPointer(rebasing: b[dirOffset..<trailerStart])
            let computed = CRC32C.checksum(dirBytes)
            guard computed == dirCRC else {
                throw CodecError.malformed(offset: dirOffset, what: "the directory checksum is \(hex(dirCRC)), computed \(hex(computed))")
            }
            var r = ByteReader(b, offset: dirOffset)
            let count = Int(try r.readLE(UInt32.self))
            for _ in 0..<count {
                var e = try ChunkEntry.decode(&r, fileBytes: Int64(dirOffset))
                if let shared = sharedKey(e.seriesID), shared == e.key { e.key = shared }
                entries.append(e)
            }
            guard r.offset == trailerStart else {
                throw CodecError.malformed(offset: r.offset, what: "\(trailerStart - r.offset) bytes follow the last directory entry")
            }
        } catch {
            throw corrupt(error.offset ?? 0, "directory: \(error)")
        }
        // The directory is decoded into `entries`; its pages need not stay resident.
        let directoryStart = entries.map { Int($0.offset) + $0.length }.max() ?? BlockFormat.headerBytes
        file.evictPages(directoryStart..<b.count)
        return BlockFile(number: number, level: header.level, path: path, entries: entries, file: file)
    }

    /// What to do about a damaged or missing block file: `repair` (`BlockRepair`) rebuilds
    /// what the WAL still holds and otherwise sets the file aside, reporting what is lost.
    static func repairAdvice(blocksDirectory: String) -> String {
        let dataDirectory = parentDirectory(of: blocksDirectory)
        return "restore the file from a backup if you have one, or run `kdelta-edge repair --data-dir \(dataDirectory)`, which rebuilds the block from the WAL where the WAL still holds its versions and otherwise sets it aside under \(dataDirectory)/\(Repair.directoryName)/, reporting the series and seq ranges lost."
    }

    /// The bytes of chunk `index`, checked against their CRC-32C the first time.
    func chunkBytes(_ index: Int) throws(StoreError) -> UnsafeRawBufferPointer {
        try chunkBytes(index, at: Int(entries[index].offset), length: entries[index].length)
    }

    /// `chunkBytes(index)` given the chunk's place (from its `ChunkLayout`), so that a
    /// point read does not touch the directory entry once the chunk is checked.
    func chunkBytes(_ index: Int, at offset: Int, length: Int) throws(StoreError) -> UnsafeRawBufferPointer {
        let bytes = UnsafeRawBufferPointer(rebasing: file.bytes[offset..<(offset + length)])
        if isVerified(index) { return bytes }
        let e = entries[index]
        let computed = CRC32C.checksum(bytes)
        guard computed == e.crc else {
            throw StoreError(
                .corruptFile,
                "block file \(path) is damaged: the chunk of \(e.key) (seq \(e.firstSeq)...\(e.lastSeq)) at offset \(e.offset) has checksum \(hex(computed)), the directory says \(hex(e.crc)). Its \(e.count) versions cannot be read; \(Self.repairAdvice(blocksDirectory: parentDirectory(of: path)))",
                file: path, offset: e.offset)
        }
        kdelta_flag_set(verifiedFlags + index)
        return bytes
    }

    /// True once chunk `index`'s checksum matched (`chunkBytes` checks it the first time).
    @inline(__always)
    func isVerified(_ index: Int) -> Bool {
        kdelta_flag_is_set(verifiedFlags + index) != 0
    }

    /// Where chunk `index`'s flag is, for a `ChunkPoint` to test without the block.
    /// Valid while the block lives.
    func verifiedFlag(_ index: Int) -> UnsafePointer<UInt8> {
        UnsafePointer(verifiedFlags + index)
    }

    /// The bytes of a chunk, unchecked: `ChunkRef` keeps them, and reads them only after
    /// `chunkBytes` has checked them.
    func uncheckedBytes(at offset: Int, length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[offset..<(offset + length)])
    }

    /// Drops from memory the file's pages up to the end of chunk `index` (they read back
    /// from the file if touched again). Compaction calls it as it finishes each chunk it
    /// merges, so that the blocks it reads do not all stay resident at once: their pages
    /// count in the process's resident memory (measured: up to ~17 MiB during a 40M ingest).
    func evictPages(throughChunk index: Int) {
        let e = entries[index]
        file.evictPages(0..<(Int(e.offset) + e.length))
    }

    /// The error for a chunk whose checksum matched but whose column failed to decode
    /// (a bug or a damaged file written by a faulty writer).
    func undecodable(_ index: Int, _ column: ChunkEntry.Column, _ error: CodecError) -> StoreError {
        let e = entries[index]
        return StoreError(
            .corruptFile,
            "block file \(path): the \(column) column of the chunk of \(e.key) at offset \(e.offset) cannot be decoded (\(error)).",
            file: path, offset: e.offset)
    }
}
