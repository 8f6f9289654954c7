/// A whole file's bytes, read-only, for as long as this object lives: a memory mapping
/// for `PosixFileSystem` (pages come from the page cache and are not counted against the
/// hot tier's budget), an owned copy for in-memory test file systems.
///
/// Block files are immutable once named by the manifest, so the bytes never change under
/// a reader.
public final class MappedFile: @unchecked Sendable {
    /// The file's bytes.
    public let bytes: UnsafeRawBufferPointer
    /// The file, for error messages.
    public let path: String
    private let release: @Sendable (UnsafeRawBufferPointer) -> Void

    /// Wraps `bytes`; `release` runs once, when the object goes away.
    public init(path: String, bytes: UnsafeRawBufferPointer, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.path = path
        self.bytes = bytes
        self.release = release
    }

    /// A copy of `content` in memory that this object owns.
    public convenience init(path: String, copying content: [UInt8]) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(1, content.count), alignment: 16)
        content.withUnsafeBytes { src in
            if let s = src.baseAddress, !content.isEmpty { p.copyMemory(from: s, byteCount: content.count) }
        }
        self.init(path: path, bytes: UnsafeRawBufferPointer(start: p, count: content.count)) { b in
            UnsafeMutableRawPointer(mutating: b.baseAddress)?.deallocate()
        }
    }

    deinit { release(bytes) }
}
