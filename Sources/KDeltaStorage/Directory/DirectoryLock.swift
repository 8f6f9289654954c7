#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a data directory, held for as long as a store is open for writing:
/// `flock` on the `LOCK` file, which also holds the holder's pid so that a second writer
/// is told who has it. The kernel releases the lock when the process dies, even by SIGKILL,
/// so a crash never leaves a stale lock.
final class DirectoryLock: @unchecked Sendable {
    /// File name inside the data directory.
    static let fileName = "LOCK"
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock or throws `.locked` naming the holder's pid.
    static func acquire(directory: String) throws(StoreError) -> DirectoryLock {
        let path = directory + "/" + fileName
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 {
            let e = errno
            if e == ENOTDIR {
                throw StoreError(.invalidArgument, "\(directory) is not a directory (a file has that name, or a part of the path is a file): give --data-dir a directory, or move the file out of the way")
            }
            throw StoreError.io(FileSystemError(operation: "open", path: path, errno: e), while: "locking the data directory")
        }
        // A lock held while LOCK is empty is a holder that is just releasing it (it empties
        // the file first) or a child process forked by the holder that has not exec'd yet
        // (the descriptor is O_CLOEXEC): both let go within milliseconds, so wait a little.
        var emptyHolderRetries = 100
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            if e == EWOULDBLOCK {
                var buffer = [UInt8](repeating: 0, count: 64)
                let n = pread(fd, &buffer, 63, 0)
                let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingWhitespace : ""
                if holder.isEmpty && emptyHolderRetries > 0 {
                    emptyHolderRetries -= 1
                    usleepMs(10)
                    continue
                }
                Glibc.close(fd)
                throw StoreError(
                    .locked,
                    "data directory \(directory) is in use by another kdelta-edge process (pid \(holder.isEmpty ? "unknown" : holder)); wait for it to finish or stop it, then try again (a store opened read-only works alongside it)",
                    file: path)
            }
            Glibc.close(fd)
            throw StoreError.io(FileSystemError(operation: "flock", path: path, errno: e), while: "locking the data directory")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        return DirectoryLock(fd: fd)
    }

    /// Releases the lock.
    func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        Glibc.close(fd)
        fd = -1
    }

    deinit { release() }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
