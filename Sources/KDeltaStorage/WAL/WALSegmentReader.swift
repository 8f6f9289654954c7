/// Reads one WAL segment through a window of bounded size, so recovery holds a piece of a
/// segment in memory rather than the whole preallocated file (docs/format/wal.md,
/// "Reading and recovery"). The window slides forward as the scanner asks for later bytes,
/// keeping what it already holds of them, and grows only while one record larger than a
/// piece must be held whole.
///
/// Owns its descriptor and buffer and releases both in `deinit`. Not thread-safe: one
/// scanner uses it at a time.
final class WALSegmentReader {
    /// Bytes read at a time, and the window's size unless a larger record needs more. 1 MiB
    /// keeps start-up's footprint small on a Pi (a 32 MiB segment is read in 32 pieces)
    /// while each `pread` stays large.
    static let pieceBytesDefault = 1 << 20

    /// The segment file.
    let path: String
    /// The segment's length in bytes when it was opened.
    let count: Int
    /// Bytes read at a time.
    let pieceBytes: Int
    /// The window's size now: `pieceBytes`, or more while one larger record is held.
    var windowBytes: Int { window.count }
    private let fs: any FileSystem
    private let fd: FileDescriptor
    /// The window: `window[0..<filled]` holds the file's bytes from offset `start`.
    private var window: UnsafeMutableRawBufferPointer
    private var start = 0
    private var filled = 0

    /// Opens the segment at `path`; `pieceBytes` is smaller only in tests, to put record
    /// boundaries across pieces.
    init(fs: any FileSystem, path: String, pieceBytes: Int = WALSegmentReader.pieceBytesDefault) throws(StoreError) {
        precondition(pieceBytes > 0, "WAL read piece of \(pieceBytes) bytes")
        (fd, count) = try WALSegmentFile.open(fs: fs, path: path)
        self.fs = fs
        self.path = path
        self.pieceBytes = pieceBytes
        window = .allocate(byteCount: pieceBytes, alignment: 16)
    }

    deinit {
        window.deallocate()
        fs.close(fd)
    }

    /// The segment's bytes `offset ..< offset + length`, valid until the next call. Reads
    /// from the file only when the window does not hold them all; the window then starts
    /// at `offset` and holds `max(pieceBytes, length)` bytes, or up to the end of the segment.
    func bytes(at offset: Int, count length: Int) throws(StoreError) -> UnsafeRawBufferPointer {
        precondition(offset >= 0, "WAL segment read at offset \(offset)")
        precondition(length >= 0, "WAL segment read of \(length) bytes")
        precondition(offset + length <= count, "WAL segment read of \(length) bytes at \(offset) runs past its \(count) bytes")
        if offset < start || offset + length > start + filled {
            try slide(to: offset, holding: length)
        }
        let from = offset - start
        return UnsafeRawBufferPointer(rebasing: window[from..<(from + length)])
    }

    /// Moves the window to start at `offset`, keeps the bytes from there that it holds
    /// already, resizes it to `max(pieceBytes, length)` (growing for one large record,
    /// shrinking back after it), and fills it from the file.
    private func slide(to offset: Int, holding length: Int) throws(StoreError) {
        let capacity = max(pieceBytes, length)
        let target = min(capacity, count - offset)
        let held = offset >= start && offset < start + filled ? start + filled - offset : 0
        let kept = min(held, target)
        if capacity != window.count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
            if kept > 0 {
                larger.baseAddress!.copyMemory(from: window.baseAddress! + (offset - start), byteCount: kept)
            }
            window.deallocate()
            window = larger
        } else if kept > 0 {
            // Overlapping ranges: copyMemory moves like memmove.
            window.baseAddress!.copyMemory(from: window.baseAddress! + (offset - start), byteCount: kept)
        }
        start = offset
        filled = kept
        while filled < target {
            let n: Int
            do {
                n = try fs.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: window[filled..<target]), at: Int64(offset + filled))
            } catch { throw StoreError.io(error, while: "reading WAL segment \(path)") }
            if n == 0 {
                throw StoreError(
                    .io,
                    "reading WAL segment \(path) failed: the file ends at offset \(offset + filled), though it was \(count) bytes when opened; another process changed it. Stop it and open the store again.",
                    file: path, offset: Int64(offset + filled))
            }
            filled += n
        }
    }
}
