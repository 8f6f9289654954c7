/// Array conveniences over the raw-buffer calls, keeping the typed error (the standard
/// library's `withUnsafeBytes` rethrows untyped errors in Swift 6.0).
extension FileSystem {
    /// Writes all of `bytes` at `offset`.
    public func write(_ fd: FileDescriptor, _ bytes: [UInt8], at offset: Int64) throws(FileSystemError) {
        var failure: FileSystemError? = nil
        bytes.withUnsafeBytes { raw in
            do throws(FileSystemError) { try write(fd, raw, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Reads up to `count` bytes at `offset`.
    public func read(_ fd: FileDescriptor, count: Int, at offset: Int64) throws(FileSystemError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var failure: FileSystemError? = nil
        let n = buffer.withUnsafeMutableBytes { raw -> Int in
            do throws(FileSystemError) { return try read(fd, into: raw, at: offset) } catch { failure = error; return 0 }
        }
        if let failure { throw failure }
        if n < count { buffer.removeLast(count - n) }
        return buffer
    }

    /// Reads a whole file.
    public func readFile(_ path: String) throws(FileSystemError) -> [UInt8] {
        let fd = try open(path, .read)
        defer { close(fd) }
        let size = try self.size(fd)
        return try read(fd, count: Int(size), at: 0)
    }

    /// Writes `bytes` to `path` atomically: a temporary file, synced, renamed over `path`,
    /// and the directory synced, so a crash leaves the old content or the new, never a mix.
    public func writeFileAtomically(_ path: String, _ bytes: [UInt8], directory: String) throws(FileSystemError) {
        let tmp = path + ".tmp"
        let fd = try open(tmp, .createOrTruncate)
        do {
            try write(fd, bytes, at: 0)
            try sync(fd)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try rename(tmp, to: path)
        try syncDirectory(directory)
    }
}
