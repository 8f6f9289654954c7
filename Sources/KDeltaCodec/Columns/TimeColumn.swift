/// A column of Int64 values that grow nearly linearly with their position: sensor times in
/// milliseconds, HLC raw values, log sequence numbers (docs/format/columns.md,
/// "TimeColumn").
///
/// The column header holds the first value and the first delta; each frame predicts its
/// first value from them, then codes delta-of-deltas (or deltas, whichever is smaller for
/// the frame) divided by their common divisor. A regular series costs a few bytes per
/// frame: about 0.3 bit a value. Irregular, out-of-order (negative deltas) and extreme
/// values (Int64.min, Int64.max) round-trip exactly; arithmetic wraps.
public enum TimeColumn {
    /// Encodes `values` in frames of 128.
    public static func encode(_ values: [Int64]) -> [UInt8] {
        encode(values, frameSizeLog2: ColumnScheme.frameSizeLog2Default)
    }

    /// Encodes `values` in frames of `1 << frameSizeLog2` values (3...12).
    public static func encode(_ values: [Int64], frameSizeLog2: Int) -> [UInt8] {
        var column = ColumnWriter(scheme: .time, frameSizeLog2: frameSizeLog2, count: values.count)
        let first = values.first ?? 0
        let step = values.count > 1 ? values[1] &- values[0] : 0
        column.header.writeZigzag(first)
        column.header.writeZigzag(step)
        var encoder = IntFrameEncoder()
        values.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + column.frameSize, all.count)
                let base = first &+ Int64(start) &* step
                encoder.encode(UnsafeBufferPointer(rebasing: all[start..<end]), base: base, baseDelta: step, into: &column.frames)
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
        let (column, first, step) = try open(bytes, count: count)
        return try column.decode(range: range) { (k, frame, limit, out) throws(CodecError) in
            try decodeFrame(column, first: first, step: step, k, frame, limit, out)
        }
    }

    /// Decodes the value at `index` (within `0..<count`) alone: one frame up to the value,
    /// without allocating. What a point read (`get(at:)`) uses.
    public static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Int64 {
        let (column, first, step) = try open(bytes, count: count)
        return try column.decodeLast(at: index) { (k, frame, limit) throws(CodecError) -> Int64 in
            let values = column.values(ofFrame: k)
            return try IntFrameCode.decodeLast(
                frame, count: values.count, limit: limit, base: first &+ Int64(values.lowerBound) &* step, baseDelta: step)
        }
    }

    /// The column's reader with its frame table read, and the header's first value and
    /// step (the line each frame's base is predicted from).
    private static func open(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> (ColumnReader, Int64, Int64) {
        var column = try ColumnReader(bytes, count: count, scheme: .time)
        let first: Int64
        let step: Int64
        do throws(CodecError) {
            first = try column.header.readZigzag()
            step = try column.header.readZigzag()
        } catch {
            throw CodecError(message: "TimeColumn header: \(error.message)", offset: error.offset)
        }
        try column.readTable()
        return (column, first, step)
    }

    /// Decodes the first `limit` values of frame `k`.
    private static func decodeFrame(
        _ column: ColumnReader, first: Int64, step: Int64,
        _ k: Int, _ frame: UnsafeRawBufferPointer, _ limit: Int, _ out: UnsafeMutablePointer<Int64>
    ) throws(CodecError) {
        let values = column.values(ofFrame: k)
        let base = first &+ Int64(values.lowerBound) &* step
        try IntFrameCode.decode(frame, count: values.count, limit: limit, base: base, baseDelta: step, into: out)
    }
}
