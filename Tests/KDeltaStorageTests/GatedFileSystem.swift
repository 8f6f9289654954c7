import KDeltaStorage

/// The real file system with a gate in front of every file write (or sync): while the gate
/// is closed, those calls block (the test counts who waits there); every sync can also
/// sleep, to play a slow SD card. Lets a test hold the group-commit leader inside its WAL
/// append while other producers queue up, without relying on timing.
final class GatedFileSystem: FileSystem, @unchecked Sendable {
    /// Which calls the gate holds.
    enum Gated {
        case writes
        case syncs
    }

    private let base = PosixFileSystem()
    private let mutex = PThreadMutex()
    private let changed = PThreadCondition()
    private var open = true
    private var waiting = 0
    private var delayMs = 0
    private let gated: Gated
    /// Which files the gate holds, by path (nil: every file).
    private let onlyPaths: (@Sendable (String) -> Bool)?
    /// Descriptors of the files `onlyPaths` picked.
    private var gatedDescriptors: Set<Int32> = []

    init(gating gated: Gated, onlyPaths: (@Sendable (String) -> Bool)? = nil) {
        self.gated = gated
        self.onlyPaths = onlyPaths
    }

    /// Gated calls block from now until `openGate`.
    func closeGate() { mutex.withLock { open = false } }

    /// Lets blocked and later syncs through.
    func openGate() {
        mutex.withLock {
            open = true
            changed.broadcast()
        }
    }

    /// Every sync sleeps this long first.
    func setSyncDelay(ms: Int) { mutex.withLock { delayMs = ms } }

    /// Calls blocked at the gate now.
    var waitingAtGate: Int { mutex.withLock { waiting } }

    /// Blocks until `n` calls wait at the gate (a bounded number of short waits).
    func waitForWaiters(_ n: Int) -> Bool {
        for _ in 0..<20_000 {
            if waitingAtGate >= n { return true }
            sleepMs(1)
        }
        return false
    }

    private func gate(_ fd: FileDescriptor) {
        mutex.withLock {
            if onlyPaths != nil && !gatedDescriptors.contains(fd.raw) { return }
            waiting += 1
            while !open { changed.wait(mutex) }
            waiting -= 1
        }
    }

    func open(_ path: String, _ mode: OpenMode) throws(FileSystemError) -> FileDescriptor {
        let fd = try base.open(path, mode)
        if let onlyPaths, onlyPaths(path) { mutex.withLock { _ = gatedDescriptors.insert(fd.raw) } }
        return fd
    }
    func close(_ fd: FileDescriptor) {
        mutex.withLock { _ = gatedDescriptors.remove(fd.raw) }
        base.close(fd)
    }
    func write(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) {
        if gated == .writes { gate(fd) }
        try base.write(fd, bytes, at: offset)
    }
    func read(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        try base.read(fd, into: buffer, at: offset)
    }
    func sync(_ fd: FileDescriptor) throws(FileSystemError) {
        if gated == .syncs { gate(fd) }
        let delay = mutex.withLock { delayMs }
        if delay > 0 { sleepMs(delay) }
        try base.sync(fd)
    }
    func syncDirectory(_ path: String) throws(FileSystemError) { try base.syncDirectory(path) }
    func truncate(_ fd: FileDescriptor, to length: Int64) throws(FileSystemError) { try base.truncate(fd, to: length) }
    func preallocate(_ fd: FileDescriptor, length: Int64) throws(FileSystemError) { try base.preallocate(fd, length: length) }
    func size(_ fd: FileDescriptor) throws(FileSystemError) -> Int64 { try base.size(fd) }
    func rename(_ from: String, to: String) throws(FileSystemError) { try base.rename(from, to: to) }
    func remove(_ path: String) throws(FileSystemError) { try base.remove(path) }
    func createDirectory(_ path: String) throws(FileSystemError) { try base.createDirectory(path) }
    func list(_ path: String) throws(FileSystemError) -> [String] { try base.list(path) }
    func exists(_ path: String) -> Bool { base.exists(path) }
}
