/// A column of Int64 values such as counters and integer readings (docs/format/columns.md,
/// "IntColumn"): per frame, the first value, then zigzagged deltas (or delta-of-deltas,
/// whichever is smaller) divided by their common divisor, in adaptive Rice groups. A
/// constant run costs about one bit per 16 values. Arithmetic wraps, so every Int64
/// round-trips.
public enum IntColumn {
    /// Encodes `values` in frames of 128.
    public static func encode(_ values: [Int64]) -> [UInt8] {
        encode(values, frameSizeLog2: ColumnScheme.frameSizeLog2Default)
    }

    /// Encodes `values` in frames of `1 << frameSizeLog2` values (3...12).
    public static func encode(_ values: [Int64], frameSizeLog2: Int) -> [UInt8] {
        var column = ColumnWriter(scheme: .int, frameSizeLog2: frameSizeLog2, count: values.count)
        var encoder = IntFrameEncoder()
        values.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + column.frameSize, all.count)
                encoder.encode(UnsafeBufferPointer(rebasing: all[start..<end]), base: 0, baseDelta: 0, into: &column.frames)
                column.endFrame()
                start = end
            }
        }
        return column.finish()
    }

    /// Decodes all `count` values.
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [Int64] {
        try decode(bytes, count: count, range: 0..<max(0, count))
    }

    /// Decodes the values in `range` (within `0..<count`), reading only the frames that
    /// cover it.
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [Int64] {
        var column = try ColumnReader(bytes, count: count, scheme: .int)
        try column.readTable()
        return try column.decode(range: range) { (k, frame, limit, out) throws(CodecError) in
            try IntFrameCode.decode(frame, count: column.values(ofFrame: k).count, limit: limit, base: 0, baseDelta: 0, into: out)
        }
    }

    /// Decodes the value at `index` (within `0..<count`) alone: one frame up to the value,
    /// without allocating. What a point read (`get(at:)`) uses.
    public static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Int64 {
        var column = try ColumnReader(bytes, count: count, scheme: .int)
        try column.readTable()
        return try column.decodeLast(at: index) { (k, frame, limit) throws(CodecError) -> Int64 in
            try IntFrameCode.decodeLast(frame, count: column.values(ofFrame: k).count, limit: limit, base: 0, baseDelta: 0)
        }
    }
}
