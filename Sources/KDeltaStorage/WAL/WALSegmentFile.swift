/// Reads a whole segment file into memory for scanning. Segments are bounded
/// (`StoreOptions.walSegmentBytes`), so this is a bounded buffer.
enum WALSegmentFile {
    static func readAll(fs: any FileSystem, path: String) throws(StoreError) -> [UInt8] {
        let fd: FileDescriptor
        do { fd = try fs.open(path, .read) } catch { throw StoreError.io(error, while: "opening WAL segment \(path)") }
        defer { fs.close(fd) }
        let size: Int64
        do { size = try fs.size(fd) } catch { throw StoreError.io(error, while: "reading WAL segment \(path)") }
        guard size <= Int64(StorageLimits.walSegmentBytesMaxReadable) else {
            throw StoreError(
                .corruptWAL,
                "WAL segment \(path) is \(size) bytes, more than any segment this store writes; it is not a segment of this store: move it out of the data directory",
                file: path)
        }
        do { return try fs.read(fd, count: Int(size), at: 0) } catch {
            throw StoreError.io(error, while: "reading WAL segment \(path)")
        }
    }
}
