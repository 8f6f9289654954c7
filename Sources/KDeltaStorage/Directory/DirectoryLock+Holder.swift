#if canImport(Glibc)
import Glibc
#endif

extension DirectoryLock {
    /// Whether a writer (a store open for writing, or `repair`) holds `directory` now: what
    /// a read-only open asks before it judges what it reads (`Store.open`). Takes no lock:
    /// it reads the kernel's lock table. Only where that table cannot be read (no `/proc`)
    /// does it probe with a shared `flock`, released at once; a writer starting at that
    /// very moment finds no exclusive holder in `LOCK` and waits it out (`Holder`).
    static func isHeldByWriter(_ directory: String) -> Bool {
        guard let identity = FileIdentity(path: directory) else { return false }
        if let holders = FileLockTable.exclusiveFlockHolders(of: identity) { return !holders.isEmpty }
        let fd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        while flock(fd, LOCK_SH | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            return e == EWOULDBLOCK
        }
        _ = flock(fd, LOCK_UN)  // closing releases it too
        return false
    }

    /// What a writer refused the lock can tell of the holder without taking the lock.
    struct Holder {
        /// The holder's pid: from the kernel's lock table, else from `LOCK`; nil if neither
        /// names one.
        var pid: Int32?
        /// The lock may be on its way out, so the writer waits a little before refusing:
        /// `LOCK` is empty (the holder empties it before letting go; a child it forked
        /// keeps the descriptor until its `exec`, milliseconds), the table shows no
        /// exclusive holder (it let go just now), or, without a table, `LOCK` names a
        /// process that no longer exists (so what holds the lock is a reader's brief
        /// probe, `isHeldByWriter`).
        var mayBeLettingGo: Bool

        /// Looks at the holder of the lock that `lockedFD`, a descriptor of `directory`,
        /// was just refused.
        init(lockedFD: Int32, directory: String) {
            let table = FileIdentity(fd: lockedFD).flatMap(FileLockTable.exclusiveFlockHolders(of:))
            let recorded = Self.recordedPid(directory: directory)
            pid = table?.first { $0 > 0 } ?? recorded.flatMap { Int32($0) }
            if recorded == "" {
                mayBeLettingGo = true
            } else if let table {
                mayBeLettingGo = table.isEmpty
            } else if let text = recorded, let p = Int32(text) {
                mayBeLettingGo = kill(p, 0) != 0 && errno == ESRCH
            } else {
                mayBeLettingGo = false
            }
        }

        /// The text of `LOCK`, trimmed: "" when it is empty, nil when it is missing or
        /// cannot be read (it is information only).
        static func recordedPid(directory: String) -> String? {
            let fd = Glibc.open(directory + "/" + DirectoryLock.fileName, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { Glibc.close(fd) }
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = pread(fd, &buffer, 63, 0)
            guard n >= 0 else { return nil }
            return String(decoding: buffer[0..<n], as: UTF8.self).trimmingWhitespace
        }
    }
}
