#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a data directory, held for as long as a store is open for writing
/// (or `repair` runs): `flock(LOCK_EX)` on a descriptor of the directory itself. A file
/// inside it would not do: `rm LOCK` takes the file away while its holder writes, and the
/// next writer would lock a new file of that name and be admitted beside the first.
/// The directory cannot be removed while it holds the store, and nothing in it stands in
/// for it. The kernel releases the lock when the process dies, even by SIGKILL, so a crash
/// never leaves a stale lock.
///
/// The holder also writes its pid into the `LOCK` file, for people and for a second writer's
/// message; nothing depends on it: the holder's pid is read from the kernel's lock table
/// (`FileLockTable`) first, so it is found even when `LOCK` was deleted. Readers take no
/// lock at all (`isHeldByWriter`).
final class DirectoryLock: @unchecked Sendable {
    /// The file that names the holder's pid, inside the data directory (information only).
    static let fileName = "LOCK"
    /// How often, and how long each time, a writer waits for a holder that is letting go
    /// (`DirectoryLock+Holder.swift`): 100 × 10 ms. Such a holder is gone within
    /// milliseconds; one that is not after a second is taken for a real holder.
    static let lettingGoWaitsMax = 100
    static let lettingGoWaitMs = 10

    /// The locked descriptor of the data directory.
    private var directoryFD: Int32
    /// The `LOCK` file, emptied on release; -1 when it could not be written.
    private var pidFD: Int32

    private init(directoryFD: Int32, pidFD: Int32) {
        self.directoryFD = directoryFD
        self.pidFD = pidFD
    }

    /// Takes the lock or throws `.locked` naming the holder's pid. The corresponding C
    /// function is `flock`.
    static func acquire(directory: String) throws(StoreError) -> DirectoryLock {
        let fd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOTDIR {
                throw StoreError(.invalidArgument, "\(directory) is not a directory (a file has that name, or a part of the path is a file): give --data-dir a directory, or move the file out of the way")
            }
            throw StoreError.io(FileSystemError(operation: "open", path: directory, errno: e), while: "locking the data directory")
        }
        var waits = lettingGoWaitsMax
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            guard e == EWOULDBLOCK else {
                Glibc.close(fd)
                throw StoreError.io(FileSystemError(operation: "flock", path: directory, errno: e), while: "locking the data directory")
            }
            let holder = Holder(lockedFD: fd, directory: directory)
            if holder.mayBeLettingGo && waits > 0 {
                waits -= 1
                usleepMs(lettingGoWaitMs)
                continue
            }
            Glibc.close(fd)
            throw StoreError(
                .locked,
                "data directory \(directory) is in use by another kdelta-edge process (pid \(holder.pid.map { String($0) } ?? "unknown")); wait for it to finish or stop it, then try again (a store opened read-only works alongside it)",
                file: directory)
        }
        return DirectoryLock(directoryFD: fd, pidFD: recordPid(directory: directory))
    }

    /// Writes this process's pid into `LOCK` and returns the file's descriptor, or -1.
    /// Information only, so a failure is not an error: a full disk, say, must not keep a
    /// writer (which may be opening to free space) out of its own directory.
    private static func recordPid(directory: String) -> Int32 {
        let fd = Glibc.open(directory + "/" + fileName, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return -1 }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pwrite(fd, pid, pid.count, 0) }
        return fd
    }

    /// Releases the lock. `LOCK` is emptied first: a writer that finds the lock still held
    /// and `LOCK` empty knows the holder is letting go (or that a child it forked holds the
    /// descriptor until its `exec`), and waits a little instead of refusing.
    func release() {
        guard directoryFD >= 0 else { return }
        if pidFD >= 0 {
            // Information only (see `recordPid`); the lock itself goes with the close below.
            _ = ftruncate(pidFD, 0)
            Glibc.close(pidFD)
            pidFD = -1
        }
        Glibc.close(directoryFD)
        directoryFD = -1
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
