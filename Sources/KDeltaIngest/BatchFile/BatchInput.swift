import Glibc

/// The buffer a batch reader parses from: bytes of the source from `start` to `end`, refilled
/// in place. Internal: shared by the CSV and JSON-lines readers.
///
/// Its capacity is one read (`IngestLimits.batchFileReadBytes`) plus the longest line, so
/// after the unread tail of a partial line moves to the front there is always room for
/// another full read. Readers check a line's length before asking for more, which is what
/// keeps memory bounded.
final class BatchInput {
    var source: any ByteSource
    let name: String
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    /// A second buffer as large as a line, where quoted CSV fields are unescaped.
    let scratch: UnsafeMutablePointer<UInt8>
    var start = 0
    var end = 0
    var atEOF = false
    /// The line number of the byte at `start`, from 1.
    var line = 1

    init(source: any ByteSource) {
        self.source = source
        name = source.name
        capacity = IngestLimits.batchFileReadBytes + IngestLimits.batchFileLineBytesMax + 2
        base = .allocate(capacity: capacity)
        scratch = .allocate(capacity: IngestLimits.batchFileLineBytesMax + 2)
    }

    deinit {
        base.deallocate()
        scratch.deallocate()
    }

    /// Moves the unread bytes to the front and reads once; returns how many bytes came (0
    /// at the end of the input, after which `atEOF` is set).
    @discardableResult
    func fill() throws(BatchFileError) -> Int {
        if atEOF { return 0 }
        if start > 0 {
            if end > start { memmove(base, base + start, end - start) }
            end -= start
            start = 0
        }
        let room = min(capacity - end, IngestLimits.batchFileReadBytes)
        precondition(room > 0, "batch buffer full with \(end) unread bytes; the reader must check the line limit first")
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: base + end, count: room))
        precondition(n >= 0 && n <= room, "ByteSource \(name) returned \(n) for a buffer of \(room) bytes")
        if n == 0 { atEOF = true }
        end += n
        return n
    }

    /// Reads until at least `count` bytes are buffered or the input ends.
    func fill(atLeast count: Int) throws(BatchFileError) {
        while end - start < count && !atEOF { try fill() }
    }

    /// Skips a UTF-8 byte order mark at the start of the input (Windows tools write one).
    func skipByteOrderMark() throws(BatchFileError) {
        try fill(atLeast: 3)
        if end - start >= 3, base[start] == 0xEF, base[start + 1] == 0xBB, base[start + 2] == 0xBF { start += 3 }
    }

    /// The bytes from `from` to the end of that line (or of the buffer), for an error.
    func lineText(from: Int) -> UnsafeBufferPointer<UInt8> {
        var i = from
        let limit = min(end, from + IngestLimits.batchFileErrorTextBytesMax + 4)
        while i < limit, base[i] != 0x0A, base[i] != 0x0D { i += 1 }
        return UnsafeBufferPointer(start: base + from, count: i - from)
    }
}
