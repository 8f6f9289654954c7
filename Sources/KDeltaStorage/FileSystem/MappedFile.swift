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
    private let evict: (@Sendable (UnsafeRawBufferPointer) -> Void)?

    /// Wraps `bytes`; `release` runs once, when the object goes away. `evict`, if given,
    /// drops a page-aligned part of the bytes from memory (they read back from the file).
    public init(
        path: String, bytes: UnsafeRawBufferPointer, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        evict: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil
    ) {
        self.path = path
        self.bytes = bytes
        self.release = release
        self.evict = evict
    }

    /// Tells the system that the pages wholly inside `range` are not needed for now, so
    /// they stop counting in the process's resident memory: a block's directory, read once
    /// at open, is ~250 bytes per series per block and would otherwise stay resident for
    /// every block (BENCHMARKS.md, "Queries and memory"). Reading them again faults them
    /// back in from the file. Advisory: does nothing for in-memory copies.
    public func evictPages(_ range: Range<Int>) {
        guard let evict, let base = bytes.baseAddress else { return }
        let page = Self.pageBytes
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard start < end else { return }
        evict(UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: start), count: end - start))
    }

    /// The page size eviction rounds to (4 KiB on the Pi and x86-64; a larger page size
    /// only makes eviction skip more).
    static let pageBytes = 4096

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
