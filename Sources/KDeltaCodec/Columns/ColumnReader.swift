/// Reads an encoded column's header and frame table, and hands out each frame's bytes,
/// checking every length against the input (docs/format/columns.md). Codecs read their
/// own header fields from `header` between `init` and `readTable()`.
struct ColumnReader {
    /// The whole column.
    let bytes: UnsafeRawBufferPointer
    /// The codec, for messages.
    let scheme: ColumnScheme
    /// Values in the column, as the caller stored it.
    let count: Int
    /// Values per frame, and its log2.
    let frameSize: Int
    let frameSizeLog2: Int
    /// Frames in the column: `count` divided by `frameSize`, rounded up.
    let frameCount: Int
    /// Reads the codec's header fields after the scheme byte and frame size.
    var header: ByteReader
    /// Bits per frame-table entry.
    private(set) var tableWidth = 0
    /// Where the table starts.
    private(set) var tableOffset = 0
    /// Where the frames start, and how many bytes they take.
    private(set) var framesOffset = 0
    private(set) var framesLength = 0

    /// Checks the scheme byte and the frame size, and how `count` relates to them.
    init(_ bytes: UnsafeRawBufferPointer, count: Int, scheme: ColumnScheme) throws(CodecError) {
        self.bytes = bytes
        self.scheme = scheme
        guard count >= 0 && count <= ColumnScheme.valuesMax else {
            throw CodecError(message: "\(scheme.name): count \(count) is outside 0...\(ColumnScheme.valuesMax)")
        }
        self.count = count
        guard bytes.count >= 2 else {
            throw CodecError(message: "\(scheme.name): \(bytes.count) bytes are too few for the column header (scheme byte and frame size)", offset: 0)
        }
        let found = bytes[0]
        guard found == scheme.rawValue else {
            let known = ColumnScheme(rawValue: found).map { " (a \($0.name))" } ?? ""
            throw CodecError(
                message: "\(scheme.name): scheme byte 0x\(String(found, radix: 16))\(known) is not 0x\(String(scheme.rawValue, radix: 16)); the column is corrupt, of another type, or from a newer format",
                offset: 0)
        }
        let log2 = Int(bytes[1])
        guard ColumnScheme.frameSizeLog2Range.contains(log2) else {
            throw CodecError(message: "\(scheme.name): frame size 2^\(log2) is outside 2^3...2^12", offset: 1)
        }
        frameSizeLog2 = log2
        frameSize = 1 << log2
        frameCount = (count + frameSize - 1) >> log2
        header = ByteReader(bytes, offset: 2)
    }

    /// Reads the table width after the codec's header fields and checks that the table and
    /// the frames fit the input.
    mutating func readTable() throws(CodecError) {
        let at = header.offset
        let width: UInt8
        do throws(CodecError) { width = try header.readByte() } catch {
            throw CodecError(message: "\(scheme.name): input ends in the header, before the frame-table width", offset: at)
        }
        guard Int(width) <= ColumnScheme.tableWidthMax else {
            throw CodecError(message: "\(scheme.name): frame-table width \(width) bits is above \(ColumnScheme.tableWidthMax)", offset: at)
        }
        tableWidth = Int(width)
        tableOffset = header.offset
        let tableBytes = (frameCount * tableWidth + 7) / 8
        guard tableBytes <= bytes.count - tableOffset else {
            throw CodecError(
                message: "\(scheme.name): the frame table of \(frameCount) frames x \(tableWidth) bits needs \(tableBytes) bytes, \(bytes.count - tableOffset) remain (truncated, or count \(count) is wrong)",
                offset: tableOffset)
        }
        framesOffset = tableOffset + tableBytes
        framesLength = bytes.count - framesOffset
        guard frameCount <= framesLength else {
            throw CodecError(
                message: "\(scheme.name): \(frameCount) frames cannot fit \(framesLength) bytes (truncated, or count \(count) is wrong)",
                offset: framesOffset)
        }
    }

    /// Frame `k`'s table entry: its end within the frame area.
    private func tableEntry(_ k: Int) -> Int {
        var r = BitReader(UnsafeRawBufferPointer(rebasing: bytes[tableOffset...]))
        r.skip(k * tableWidth)
        return Int(truncatingIfNeeded: r.read(tableWidth))
    }

    /// The values of frame `k`: first index and count.
    func values(ofFrame k: Int) -> Range<Int> {
        let start = k << frameSizeLog2
        return start..<min(start + frameSize, count)
    }

    /// Frame `k`'s bytes, after checking its table entries.
    func frame(_ k: Int) throws(CodecError) -> UnsafeRawBufferPointer {
        let start = k == 0 ? 0 : tableEntry(k - 1)
        let end = tableEntry(k)
        guard start <= end && end <= framesLength else {
            throw error(frame: k, "table entries \(start)..<\(end) are outside the \(framesLength)-byte frame area", offset: tableOffset)
        }
        if k == frameCount - 1 && end != framesLength {
            throw error(frame: k, "the last frame ends at \(end) but the frame area has \(framesLength) bytes", offset: tableOffset)
        }
        return UnsafeRawBufferPointer(rebasing: bytes[(framesOffset + start)..<(framesOffset + end)])
    }

    /// An error about frame `k`, naming its values.
    func error(frame k: Int, _ what: String, offset: Int? = nil) -> CodecError {
        let v = values(ofFrame: k)
        return CodecError(message: "\(scheme.name) frame \(k) (values \(v.lowerBound)..<\(v.upperBound)): \(what)", offset: offset)
    }

    /// The frame offset of a frame's byte range, for errors.
    func offset(of frame: UnsafeRawBufferPointer) -> Int {
        guard let b = frame.baseAddress, let base = bytes.baseAddress else { return framesOffset }
        return b - base
    }

    /// Checks that `range` lies within the column's values (a caller bug otherwise).
    func checkRange(_ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range \(range) outside the column's \(count) values")
    }
}
