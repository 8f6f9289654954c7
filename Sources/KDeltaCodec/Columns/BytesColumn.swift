/// A column of byte strings: string values and JSON documents as UTF-8 (docs/format/columns.md,
/// "BytesColumn"). Each frame holds its elements' lengths (varints) and then their bytes,
/// compressed as one zstd frame when that is smaller, stored as they are otherwise.
/// Decoding one element decompresses its frame.
public enum BytesColumn {
    /// Frame kinds (the frame's first byte).
    static let kindStored: UInt8 = 0
    static let kindZstd: UInt8 = 1
    /// zstd's own default level: fast enough for a Pi cutting warm blocks, and most of the
    /// gain of higher levels on small frames of JSON.
    public static let zstdLevel: Int32 = 3
    /// The largest uncompressed frame a decoder accepts (lengths and bytes): a bound on
    /// the memory a corrupt size can make it allocate.
    public static let frameContentBytesMax = 256 << 20

    /// Encodes `values` in frames of 128 elements.
    public static func encode(_ values: [[UInt8]]) -> [UInt8] {
        encode(values, frameSizeLog2: ColumnScheme.frameSizeLog2Default)
    }

    /// Encodes `values` in frames of `1 << frameSizeLog2` elements (3...12).
    public static func encode(_ values: [[UInt8]], frameSizeLog2: Int) -> [UInt8] {
        var column = ColumnWriter(scheme: .bytes, frameSizeLog2: frameSizeLog2, count: values.count)
        var content = ByteWriter(capacity: 4096)
        var start = 0
        while start < values.count {
            let end = min(start + column.frameSize, values.count)
            content.removeAll()
            for i in start..<end { content.writeVarint(UInt64(values[i].count)) }
            for i in start..<end { content.write(contentsOf: values[i]) }
            precondition(content.count <= frameContentBytesMax, "a BytesColumn frame of \(content.count) bytes exceeds \(frameContentBytesMax)")
            let packed: [UInt8]
            do throws(ZstdError) {
                packed = try Zstd.compress(content.bytes, level: zstdLevel)
            } catch {
                preconditionFailure("zstd failed to compress \(content.count) bytes in memory: \(error)")
            }
            var sizeBytes = ByteWriter(capacity: 8)
            sizeBytes.writeVarint(UInt64(content.count))
            if sizeBytes.count + packed.count < content.count {
                column.frames.write(kindZstd)
                column.frames.write(contentsOf: sizeBytes.bytes)
                column.frames.write(contentsOf: packed)
            } else {
                column.frames.write(kindStored)
                column.frames.write(contentsOf: content.bytes)
            }
            column.endFrame()
            start = end
        }
        return column.finish()
    }

    /// Decodes all `count` elements.
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [[UInt8]] {
        try decode(bytes, count: count, range: 0..<max(0, count))
    }

    /// Decodes the elements in `range` (within `0..<count`), decompressing only the frames
    /// that cover it.
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [[UInt8]] {
        var column = try ColumnReader(bytes, count: count, scheme: .bytes)
        try column.readTable()
        column.checkRange(range)
        var out: [[UInt8]] = []
        out.reserveCapacity(range.count)
        if range.isEmpty { return out }
        for k in (range.lowerBound >> column.frameSizeLog2)...((range.upperBound - 1) >> column.frameSizeLog2) {
            let frame = try column.frame(k)
            let values = column.values(ofFrame: k)
            let wanted = max(values.lowerBound, range.lowerBound)..<min(values.upperBound, range.upperBound)
            try decodeFrame(frame, count: values.count, wanted: (wanted.lowerBound - values.lowerBound)..<(wanted.upperBound - values.lowerBound), into: &out)
        }
        return out
    }

    /// Appends the frame's elements in `wanted` (frame positions) to `out`.
    static func decodeFrame(_ bytes: UnsafeRawBufferPointer, count: Int, wanted: Range<Int>, into out: inout [[UInt8]]) throws(CodecError) {
        var header = ByteReader(bytes)
        let kind = try header.readByte()
        switch kind {
        case kindStored:
            try split(UnsafeRawBufferPointer(rebasing: bytes[1...]), count: count, wanted: wanted, into: &out, offset: 1)
        case kindZstd:
            let size = try header.readVarint()
            guard size <= UInt64(frameContentBytesMax) else {
                throw CodecError(message: "uncompressed size \(size) is above \(frameContentBytesMax)", offset: 1)
            }
            let at = header.offset
            let content: [UInt8]
            do throws(ZstdError) {
                content = try Zstd.decompress(UnsafeRawBufferPointer(rebasing: bytes[at...]), size: Int(size))
            } catch {
                throw CodecError(message: "zstd: \(error)", offset: at)
            }
            var failure: CodecError? = nil
            content.withUnsafeBytes { raw in
                do throws(CodecError) { try split(raw, count: count, wanted: wanted, into: &out, offset: nil) } catch { failure = error }
            }
            if let failure { throw CodecError(message: "after decompression: \(failure.message)", offset: at) }
        default:
            throw CodecError(message: "unknown frame kind \(kind)", offset: 0)
        }
    }

    /// Splits frame content (lengths, then bytes) into elements, keeping those in `wanted`.
    static func split(_ content: UnsafeRawBufferPointer, count: Int, wanted: Range<Int>, into out: inout [[UInt8]], offset: Int?) throws(CodecError) {
        var lengths = ByteReader(content)
        var total = 0
        var found: [Range<Int>] = []
        found.reserveCapacity(wanted.count)
        for i in 0..<count {
            let n = try lengths.readVarint()
            guard n <= UInt64(content.count) else {
                throw CodecError(message: "element \(i) claims \(n) bytes, more than the frame's \(content.count)", offset: offset)
            }
            if wanted.contains(i) { found.append(total..<(total + Int(n))) }
            total += Int(n)
        }
        let dataStart = lengths.offset
        guard total == content.count - dataStart else {
            throw CodecError(message: "elements' lengths add up to \(total) bytes but \(content.count - dataStart) follow them", offset: offset)
        }
        for r in found {
            out.append(Array(UnsafeRawBufferPointer(rebasing: content[(dataStart + r.lowerBound)..<(dataStart + r.upperBound)])))
        }
    }
}
