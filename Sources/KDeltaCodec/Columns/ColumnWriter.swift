/// Assembles an encoded column: scheme byte, frame size, the codec's header fields, the
/// frame-offset table, then the frames (docs/format/columns.md, "Column header" and "Frame
/// table"). Codecs append each frame's bytes to `frames` and call `endFrame()`.
struct ColumnWriter {
    /// The scheme byte, the frame size and the codec's own header fields.
    var header: ByteWriter
    /// The frames, back to back.
    var frames: ByteWriter
    /// Each frame's end offset within `frames`.
    private var ends: [Int] = []
    /// Values per frame.
    let frameSize: Int

    /// A writer for `scheme` with frames of `1 << frameSizeLog2` values, sized for `count`.
    init(scheme: ColumnScheme, frameSizeLog2: Int, count: Int) {
        precondition(ColumnScheme.frameSizeLog2Range.contains(frameSizeLog2), "frame size 2^\(frameSizeLog2) outside 2^3...2^12")
        precondition(count <= ColumnScheme.valuesMax, "a column of \(count) values exceeds \(ColumnScheme.valuesMax)")
        header = ByteWriter(capacity: 32)
        frames = ByteWriter(capacity: 16 + count)
        frameSize = 1 << frameSizeLog2
        ends.reserveCapacity((count + frameSize - 1) / frameSize)
        header.write(scheme.rawValue)
        header.write(UInt8(frameSizeLog2))
    }

    /// Closes the frame whose bytes were just appended to `frames`.
    mutating func endFrame() { ends.append(frames.count) }

    /// The encoded column.
    func finish() -> [UInt8] {
        let width = RiceGroups.bitLength(UInt64(frames.count))
        precondition(width <= ColumnScheme.tableWidthMax, "a frame area of \(frames.count) bytes")
        var table = BitWriter(capacity: (ends.count * width + 7) / 8)
        for end in ends { table.write(UInt64(end), bits: width) }
        let packed = table.finish()
        var out: [UInt8] = []
        out.reserveCapacity(header.count + 1 + packed.count + frames.count)
        out.append(contentsOf: header.bytes)
        out.append(UInt8(width))
        out.append(contentsOf: packed)
        out.append(contentsOf: frames.bytes)
        return out
    }
}
