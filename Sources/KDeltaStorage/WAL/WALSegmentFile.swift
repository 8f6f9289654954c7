/// Opens WAL segment files for reading, refusing a file larger than any segment this store
/// writes, so every reader of a segment works within a known bound.
enum WALSegmentFile {
    /// Opens the segment at `path` read-only and returns the descriptor with the file's
    /// size. The caller closes the descriptor.
    static func open(fs: any FileSystem, path: String) throws(StoreError) -> (fd: FileDescriptor, size: Int) {
        let fd: FileDescriptor
        do { fd = try fs.open(path, .read) } catch { throw StoreError.io(error, while: "opening WAL segment \(path)") }
        let size: Int64
        do { size = try fs.size(fd) } catch {
            fs.close(fd)
            throw StoreError.io(error, while: "reading WAL segment \(path)")
        }
        guard size <= Int64(StorageLimits.walSegmentBytesMaxReadable) else {
            fs.close(fd)
            throw StoreError(
                .corruptWAL,
                "WAL segment \(path) is \(size) bytes, more than any segment this store writes; it is not a segment of this store: move it out of the data directory",
                file: path)
        }
        return (fd, Int(size))
    }
}
