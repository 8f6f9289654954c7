import CZstd

/// One-shot zstd compression of byte buffers through libzstd, the only file that imports
/// it. Used by `BytesColumn` for strings and documents and by the benchmark.
public enum Zstd {
    /// The largest level libzstd accepts (`ZSTD_maxCLevel`), 22 in current versions.
    public static var levelMax: Int32 { ZSTD_maxCLevel() }

    /// The library's version, e.g. "1.5.4" (`ZSTD_versionString`).
    public static var libraryVersion: String { String(cString: ZSTD_versionString()) }

    /// `source` as one zstd frame that records its content size, at `level` (1 fast ...
    /// 19 small; up to `levelMax`). The corresponding C functions are `ZSTD_compressBound`
    /// and `ZSTD_compress`.
    public static func compress(_ source: UnsafeRawBufferPointer, level: Int32) throws(ZstdError) -> [UInt8] {
        let bound = ZSTD_compressBound(source.count)
        if ZSTD_isError(bound) != 0 {
            throw ZstdError(context: "compressing \(source.count) bytes", message: errorName(bound))
        }
        var written = 0
        var code = 0
        let out = [UInt8](unsafeUninitializedCapacity: max(1, bound)) { buffer, initialized in
            code = ZSTD_compress(buffer.baseAddress, buffer.count, source.baseAddress, source.count, level)
            written = ZSTD_isError(code) != 0 ? 0 : code
            initialized = written
        }
        if ZSTD_isError(code) != 0 {
            throw ZstdError(context: "compressing \(source.count) bytes at level \(level)", message: errorName(code))
        }
        return out
    }

    /// `bytes` compressed as by `compress(_:level:)`.
    public static func compress(_ bytes: [UInt8], level: Int32) throws(ZstdError) -> [UInt8] {
        var result: Result<[UInt8], ZstdError> = .success([])
        bytes.withUnsafeBytes { raw in
            do throws(ZstdError) { result = .success(try compress(raw, level: level)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Decompresses one zstd frame that must hold exactly `size` bytes: the frame's
    /// recorded content size and the bytes produced are both checked, so a corrupt or
    /// truncated frame throws rather than returning short data. The corresponding C
    /// functions are `ZSTD_getFrameContentSize` and `ZSTD_decompress`.
    public static func decompress(_ source: UnsafeRawBufferPointer, size: Int) throws(ZstdError) -> [UInt8] {
        let context = "decompressing a \(source.count)-byte zstd frame of \(size) bytes"
        guard size >= 0 else { throw ZstdError(context: context, message: "negative size") }
        guard let base = source.baseAddress, source.count > 0 else {
            throw ZstdError(context: context, message: "empty input")
        }
        let recorded = ZSTD_getFrameContentSize(base, source.count)
        if recorded == kdelta_zstd_contentsize_error() {
            throw ZstdError(context: context, message: "not a zstd frame (bad magic or header)")
        }
        if recorded == kdelta_zstd_contentsize_unknown() {
            throw ZstdError(context: context, message: "the frame does not record its content size")
        }
        guard recorded == UInt64(size) else {
            throw ZstdError(context: context, message: "the frame records \(recorded) bytes")
        }
        var code = 0
        let out = [UInt8](unsafeUninitializedCapacity: max(1, size)) { buffer, initialized in
            code = ZSTD_decompress(buffer.baseAddress, size, base, source.count)
            initialized = ZSTD_isError(code) != 0 ? 0 : min(code, size)
        }
        if ZSTD_isError(code) != 0 {
            throw ZstdError(context: context, message: errorName(code))
        }
        guard code == size else {
            throw ZstdError(context: context, message: "produced \(code) bytes")
        }
        return out
    }

    /// zstd's name for an error code (`ZSTD_getErrorName`).
    static func errorName(_ code: Int) -> String {
        String(cString: ZSTD_getErrorName(code))
    }
}
