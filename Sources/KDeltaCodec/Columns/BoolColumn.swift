/// A column of booleans: door open, motion seen, relay on (docs/format/columns.md,
/// "BoolColumn"). Each frame is the cheaper of run lengths (first value, run count, run
/// lengths minus one in adaptive Rice groups) or a plain bitmap, so a state that rarely
/// changes costs a few bytes per frame and a noisy one at most a bit per value.
public enum BoolColumn {
    /// Frame kinds (the frame's first byte).
    static let kindRuns: UInt8 = 0
    static let kindBitmap: UInt8 = 1

    /// Encodes `values` in frames of 128.
    public static func encode(_ values: [Bool]) -> [UInt8] {
        encode(values, frameSizeLog2: ColumnScheme.frameSizeLog2Default)
    }

    /// Encodes `values` in frames of `1 << frameSizeLog2` values (3...12).
    public static func encode(_ values: [Bool], frameSizeLog2: Int) -> [UInt8] {
        var column = ColumnWriter(scheme: .bool, frameSizeLog2: frameSizeLog2, count: values.count)
        var runs: [UInt64] = []
        var bits = BitWriter(capacity: 512)
        var start = 0
        while start < values.count {
            let end = min(start + column.frameSize, values.count)
            runs.removeAll(keepingCapacity: true)
            var length: UInt64 = 1
            for i in (start + 1)..<max(start + 1, end) {
                if values[i] == values[i - 1] {
                    length += 1
                } else {
                    runs.append(length - 1)
                    length = 1
                }
            }
            runs.append(length - 1)
            runs.withUnsafeBufferPointer { RiceGroups.encode($0, into: &bits) }
            let n = end - start
            var runCountBytes = ByteWriter(capacity: 4)
            runCountBytes.writeVarint(UInt64(runs.count))
            let runBytes = 2 + runCountBytes.count + (bits.bitCount + 7) / 8
            if runBytes <= 1 + (n + 7) / 8 {
                column.frames.write(kindRuns)
                column.frames.write(values[start] ? 1 : 0)
                column.frames.write(contentsOf: runCountBytes.bytes)
                bits.finish(into: &column.frames)
            } else {
                bits.reset()
                column.frames.write(kindBitmap)
                var byte: UInt8 = 0
                for i in start..<end {
                    if values[i] { byte |= 1 << UInt8((i - start) & 7) }
                    if (i - start) & 7 == 7 || i == end - 1 {
                        column.frames.write(byte)
                        byte = 0
                    }
                }
            }
            column.endFrame()
            start = end
        }
        return column.finish()
    }

    /// Decodes all `count` values.
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) throws(CodecError) -> [Bool] {
        try decode(bytes, count: count, range: 0..<max(0, count))
    }

    /// Decodes the values in `range` (within `0..<count`), reading only the frames that
    /// cover it.
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, range: Range<Int>) throws(CodecError) -> [Bool] {
        var column = try ColumnReader(bytes, count: count, scheme: .bool)
        try column.readTable()
        return try column.decode(range: range) { (k, frame, limit, out) throws(CodecError) in
            try decodeFrame(frame, count: column.values(ofFrame: k).count, limit: limit, into: out)
        }
    }

    /// Decodes the value at `index` (within `0..<count`) alone: one frame up to the value,
    /// without allocating. What a point read (`get(at:)`) uses.
    public static func value(_ bytes: UnsafeRawBufferPointer, count: Int, at index: Int) throws(CodecError) -> Bool {
        var column = try ColumnReader(bytes, count: count, scheme: .bool)
        try column.readTable()
        return try column.decodeOne(at: index) { (k, frame, limit, out) throws(CodecError) in
            try decodeFrame(frame, count: column.values(ofFrame: k).count, limit: limit, into: out)
        }
    }

    /// Decodes the first `limit` of a frame's `count` values.
    static func decodeFrame(_ bytes: UnsafeRawBufferPointer, count: Int, limit: Int, into out: UnsafeMutablePointer<Bool>) throws(CodecError) {
        var header = ByteReader(bytes)
        let kind = try header.readByte()
        switch kind {
        case kindBitmap:
            let length = (count + 7) / 8
            guard bytes.count == 1 + length else {
                throw CodecError(message: "bitmap of \(bytes.count - 1) bytes for \(count) values (expected \(length))", offset: 1)
            }
            for i in 0..<limit {
                out[i] = bytes[1 + i >> 3] >> UInt8(i & 7) & 1 != 0
            }
        case kindRuns:
            let first = try header.readByte()
            guard first <= 1 else { throw CodecError(message: "first value byte \(first) is not 0 or 1", offset: 1) }
            let runCount = try header.readVarint()
            guard runCount >= 1 && runCount <= UInt64(count) else {
                throw CodecError(message: "\(runCount) runs in a frame of \(count) values", offset: 2)
            }
            let streamStart = header.offset
            var r = BitReader(UnsafeRawBufferPointer(rebasing: bytes[streamStart...]))
            var failure: CodecError? = nil
            Scratch.with(UInt64.self, count: Int(runCount)) { runs in
                do throws(CodecError) {
                    try RiceGroups.decode(&r, count: Int(runCount), into: runs.baseAddress!)
                } catch {
                    failure = error
                    return
                }
                var value = first == 1
                var i = 0
                for run in runs {
                    guard run < UInt64(count - i) else {
                        failure = CodecError(message: "run of \(run + 1) values overflows the frame at value \(i) of \(count)", offset: streamStart)
                        return
                    }
                    let end = i + Int(run) + 1
                    while i < end {
                        if i < limit { out[i] = value }
                        i += 1
                    }
                    value.toggle()
                }
                if i != count {
                    failure = CodecError(message: "runs cover \(i) of the frame's \(count) values", offset: streamStart)
                }
            }
            if let failure { throw failure }
            if r.isOverrun {
                throw CodecError(message: "run-length stream runs past the frame's end (truncated or corrupt)", offset: streamStart)
            }
            if r.bitCapacity - r.bitPosition >= 8 {
                throw CodecError(message: "\((r.bitCapacity - r.bitPosition) / 8) bytes after the run-length stream (corrupt frame)", offset: streamStart)
            }
        default:
            throw CodecError(message: "unknown frame kind \(kind)", offset: 0)
        }
    }
}
