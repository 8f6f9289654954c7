/// Temporary buffers for decoding one frame: on the stack up to 1 KiB (128 values of 8
/// bytes, the default frame), where the standard library allocates without asking the
/// system about the stack's size; on the heap above, so large frames do not pay for that
/// question on every frame.
enum Scratch {
    /// Bytes the stack takes without a check (the standard library's own threshold).
    static let stackBytesMax = 1024

    /// Runs `body` with uninitialised room for `count` (>= 1) values of `T`.
    @inline(__always)
    static func with<T, R>(_: T.Type, count: Int, _ body: (UnsafeMutableBufferPointer<T>) -> R) -> R {
        if count * MemoryLayout<T>.stride <= stackBytesMax {
            return withUnsafeTemporaryAllocation(of: T.self, capacity: count, body)
        }
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        defer { buffer.deallocate() }
        return body(buffer)
    }

    /// Value `count - 1` of what `decode` writes into `count` (>= 1) scratch values: the
    /// point read of a frame that can only be decoded from its start.
    @inline(__always)
    static func last<T>(_: T.Type, count: Int, _ decode: (UnsafeMutablePointer<T>) throws(CodecError) -> Void) throws(CodecError) -> T {
        var failure: CodecError? = nil
        let value = with(T.self, count: count) { scratch -> T? in
            do throws(CodecError) {
                try decode(scratch.baseAddress!)
                return scratch[count - 1]
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return value!
    }
}
