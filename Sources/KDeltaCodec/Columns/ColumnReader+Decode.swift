/// The frame loop shared by the fixed-size value codecs: a whole column, or only the frames
/// that cover a range (docs/format/columns.md, "Frame table").
extension ColumnReader {
    /// Decodes the values in `range`. `decodeFrame(k, bytes, limit, out)` writes the first
    /// `limit` values of frame `k` to `out`; only the frames overlapping `range` are read.
    /// `T` must be a trivial type (Int64, Double, Bool).
    func decode<T>(
        range: Range<Int>,
        _ decodeFrame: (Int, UnsafeRawBufferPointer, Int, UnsafeMutablePointer<T>) throws(CodecError) -> Void
    ) throws(CodecError) -> [T] {
        checkRange(range)
        if range.isEmpty { return [] }
        var failure: CodecError? = nil
        let firstFrame = range.lowerBound >> frameSizeLog2
        let lastFrame = (range.upperBound - 1) >> frameSizeLog2
        let result = [T](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            let out = buffer.baseAddress!
            Scratch.with(T.self, count: frameSize) { scratch in
                do throws(CodecError) {
                    for k in firstFrame...lastFrame {
                        let values = self.values(ofFrame: k)
                        let bytes = try frame(k)
                        let limit = min(values.upperBound, range.upperBound) - values.lowerBound
                        if values.lowerBound >= range.lowerBound {
                            try run(decodeFrame, k, bytes, limit, out + (values.lowerBound - range.lowerBound))
                        } else {
                            // Only the first frame starts before the range.
                            try run(decodeFrame, k, bytes, limit, scratch.baseAddress!)
                            let skip = range.lowerBound - values.lowerBound
                            out.initialize(from: scratch.baseAddress! + skip, count: limit - skip)
                        }
                    }
                } catch {
                    failure = error
                }
            }
            initialized = failure == nil ? range.count : 0
        }
        if let failure { throw failure }
        return result
    }
}

extension ColumnReader {
    /// Runs a codec's frame decoder and names the frame in its error: which frame, which
    /// values, and the byte offset in the column (the codec's offset is within the frame).
    func run<T>(
        _ decodeFrame: (Int, UnsafeRawBufferPointer, Int, UnsafeMutablePointer<T>) throws(CodecError) -> Void,
        _ k: Int, _ bytes: UnsafeRawBufferPointer, _ limit: Int, _ out: UnsafeMutablePointer<T>
    ) throws(CodecError) {
        do throws(CodecError) { try decodeFrame(k, bytes, limit, out) } catch {
            throw self.error(frame: k, error.message, offset: offset(of: bytes) + (error.offset ?? 0))
        }
    }
}

extension ColumnReader {
    /// Decodes the value at `index` alone: one frame up to that value, into stack memory,
    /// with no array allocated (the path of a point read).
    func decodeOne<T>(
        at index: Int,
        _ decodeFrame: (Int, UnsafeRawBufferPointer, Int, UnsafeMutablePointer<T>) throws(CodecError) -> Void
    ) throws(CodecError) -> T {
        try decodeLast(at: index) { (k, bytes, limit) throws(CodecError) -> T in
            try Scratch.last(T.self, count: limit) { (out) throws(CodecError) in try decodeFrame(k, bytes, limit, out) }
        }
    }

    /// The value at `index` from `decodeLast(k, bytes, limit)`, which yields value
    /// `limit - 1` of frame `k` itself (`IntFrameCode.decodeLast`: no scratch memory);
    /// its error names the frame.
    func decodeLast<T>(
        at index: Int, _ decodeLast: (Int, UnsafeRawBufferPointer, Int) throws(CodecError) -> T
    ) throws(CodecError) -> T {
        precondition(index >= 0 && index < count, "index \(index) outside the column's \(count) values")
        let k = index >> frameSizeLog2
        let bytes = try frame(k)
        let limit = index - (k << frameSizeLog2) + 1
        do throws(CodecError) { return try decodeLast(k, bytes, limit) } catch {
            throw self.error(frame: k, error.message, offset: offset(of: bytes) + (error.offset ?? 0))
        }
    }
}
