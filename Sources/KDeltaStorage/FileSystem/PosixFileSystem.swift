#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The real file system, through POSIX calls. Every call retries on EINTR in one place
/// (`retrying`), as NIO's `syscall` helper does.
public struct PosixFileSystem: FileSystem {
    /// Creates the real file system.
    public init() {}

    @inline(__always)
    private func retrying(_ op: String, _ path: String, _ body: () -> Int) throws(FileSystemError) -> Int {
        while true {
            let r = body()
            if r >= 0 { return r }
            let e = errno
            if e == EINTR { continue }
            throw FileSystemError(operation: op, path: path, errno: e)
        }
    }

    private func pathOf(_ fd: FileDescriptor) -> String {
        // readlink of /proc/self/fd names the file in errors without keeping a path table.
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/fd/\(fd.raw)", &buffer, buffer.count - 1)
        guard n > 0 else { return "fd \(fd.raw)" }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func open(_ path: String, _ mode: OpenMode) throws(FileSystemError) -> FileDescriptor {
        let flags: Int32
        switch mode {
        case .read: flags = O_RDONLY
        case .readWrite: flags = O_RDWR
        case .createNew: flags = O_RDWR | O_CREAT | O_EXCL
        case .createOrTruncate: flags = O_RDWR | O_CREAT | O_TRUNC
        }
        let fd = try retrying("open", path) { Int(Glibc.open(path, flags | O_CLOEXEC, 0o644)) }
        return FileDescriptor(raw: Int32(fd))
    }

    public func close(_ fd: FileDescriptor) {
        _ = Glibc.close(fd.raw)
    }

    public func write(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            let n: Int
            do {
                n = try retrying("pwrite", "") {
                    pwrite(fd.raw, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
                }
            } catch {
                throw FileSystemError(operation: error.operation, path: pathOf(fd), errno: error.errno)
            }
            done += n
        }
    }

    public func read(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let n: Int
            do {
                n = try retrying("pread", "") {
                    pread(fd.raw, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                }
            } catch {
                throw FileSystemError(operation: error.operation, path: pathOf(fd), errno: error.errno)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    public func sync(_ fd: FileDescriptor) throws(FileSystemError) {
        do { _ = try retrying("fdatasync", "") { Int(fdatasync(fd.raw)) } } catch {
            throw FileSystemError(operation: error.operation, path: pathOf(fd), errno: error.errno)
        }
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        let fd = try retrying("open", path) { Int(Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) }
        defer { _ = Glibc.close(Int32(fd)) }
        _ = try retrying("fsync", path) { Int(fsync(Int32(fd))) }
    }

    public func truncate(_ fd: FileDescriptor, to length: Int64) throws(FileSystemError) {
        do { _ = try retrying("ftruncate", "") { Int(ftruncate(fd.raw, off_t(length))) } } catch {
            throw FileSystemError(operation: error.operation, path: pathOf(fd), errno: error.errno)
        }
    }

    public func preallocate(_ fd: FileDescriptor, length: Int64) throws(FileSystemError) {
        // posix_fallocate returns the error instead of setting errno.
        var r: Int32
        repeat { r = posix_fallocate(fd.raw, 0, off_t(length)) } while r == EINTR
        if r == EOPNOTSUPP || r == EINVAL {
            // tmpfs and some FUSE file systems cannot preallocate; the WAL works without it.
            return
        }
        if r != 0 { throw FileSystemError(operation: "posix_fallocate", path: pathOf(fd), errno: r) }
    }

    public func size(_ fd: FileDescriptor) throws(FileSystemError) -> Int64 {
        var st = stat()
        do { _ = try retrying("fstat", "") { Int(fstat(fd.raw, &st)) } } catch {
            throw FileSystemError(operation: error.operation, path: pathOf(fd), errno: error.errno)
        }
        return Int64(st.st_size)
    }

    public func rename(_ from: String, to: String) throws(FileSystemError) {
        _ = try retrying("rename", from + " -> " + to) { Int(Glibc.rename(from, to)) }
    }

    public func remove(_ path: String) throws(FileSystemError) {
        _ = try retrying("unlink", path) { Int(unlink(path)) }
    }

    public func createDirectory(_ path: String) throws(FileSystemError) {
        if Glibc.mkdir(path, 0o755) == 0 { return }
        let e = errno
        if e == EEXIST { return }
        throw FileSystemError(operation: "mkdir", path: path, errno: e)
    }

    public func list(_ path: String) throws(FileSystemError) -> [String] {
        guard let dir = opendir(path) else { throw FileSystemError(operation: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public func mapReadOnly(_ path: String) throws(FileSystemError) -> MappedFile {
        let fd = try open(path, .read)
        defer { close(fd) }
        let size = Int(try self.size(fd))
        if size == 0 { return MappedFile(path: path, copying: []) }
        guard let p = mmap(nil, size, PROT_READ, MAP_SHARED, fd.raw, 0), p != MAP_FAILED else {
            throw FileSystemError(operation: "mmap", path: path, errno: errno)
        }
        return MappedFile(
            path: path, bytes: UnsafeRawBufferPointer(start: p, count: size),
            release: { b in _ = munmap(UnsafeMutableRawPointer(mutating: b.baseAddress), b.count) },
            // The corresponding C function is `madvise` (MADV_DONTNEED: a shared file
            // mapping's pages are dropped and read back from the file when touched).
            evict: { b in _ = madvise(UnsafeMutableRawPointer(mutating: b.baseAddress), b.count, MADV_DONTNEED) })
    }
}
