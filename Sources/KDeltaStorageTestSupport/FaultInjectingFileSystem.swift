import KDeltaStorage

/// Wraps any `FileSystem` and makes chosen calls fail with a chosen errno: "the 3rd fsync
/// from now fails with EIO", "every write from the 5th on fails with ENOSPC". Counts every
/// call by kind so a test can first run a workload healthy, read how many writes it made,
/// then fail each of them in turn (swift-system's `ForceErrno.counted`, LevelDB's
/// fault-injection Env).
///
/// Thread-safe: the store's writer, the interval flusher and the test may call it at once.
/// Faults can be armed and disarmed while a store is open.
public final class FaultInjectingFileSystem: FileSystem, @unchecked Sendable {
    /// The kinds of call a fault can target, named after what the engine does.
    public enum Operation: String, CaseIterable, Sendable, CustomStringConvertible {
        /// `pwrite`.
        case write
        /// `pread`.
        case read
        /// `fdatasync` of a file.
        case sync
        /// `fsync` of a directory.
        case syncDirectory
        /// `rename`.
        case rename
        /// `ftruncate`.
        case truncate
        /// `posix_fallocate`.
        case preallocate
        /// `open` that creates (`createNew`, `createOrTruncate`).
        case create
        /// `open` of an existing file (`read`, `readWrite`).
        case open
        /// `unlink`.
        case remove
        /// `mkdir`.
        case createDirectory
        /// `opendir`/`readdir`.
        case list
        /// `mmap` of a whole file for reading.
        case map

        /// The C function's name, as `FileSystemError.operation` carries it.
        public var cName: String {
            switch self {
            case .write: return "pwrite"
            case .read: return "pread"
            case .sync: return "fdatasync"
            case .syncDirectory: return "fsync"
            case .rename: return "rename"
            case .truncate: return "ftruncate"
            case .preallocate: return "posix_fallocate"
            case .create, .open: return "open"
            case .remove: return "unlink"
            case .createDirectory: return "mkdir"
            case .list: return "opendir"
            case .map: return "mmap"
            }
        }

        public var description: String { rawValue }
    }

    /// Which calls of a kind fail, counted from when the fault was armed (1 = the next call).
    public enum Trigger: Sendable, Equatable {
        /// Only the Nth call fails; later ones succeed (a transient error).
        case exactly(Int)
        /// The Nth call and every later one fail (a disk that has died or filled up).
        case from(Int)
    }

    /// One armed fault.
    public struct Fault: Sendable, Equatable {
        /// Which calls fail.
        public var trigger: Trigger
        /// The errno they fail with.
        public var errno: Int32
        /// For writes: bytes of the failing write that reach the file before the error, as
        /// when `pwrite` wrote part of a buffer and the next part hit a full disk.
        public var partialWriteBytes: Int

        /// Creates a fault.
        public init(trigger: Trigger, errno: Int32, partialWriteBytes: Int = 0) {
            self.trigger = trigger
            self.errno = errno
            self.partialWriteBytes = partialWriteBytes
        }
    }

    private struct Armed {
        var fault: Fault
        /// The call count of the kind when the fault was armed.
        var base: Int
    }

    private let base: any FileSystem
    private let mutex = PThreadMutex()
    private var callCounts: [Operation: Int] = [:]
    private var failureCounts: [Operation: Int] = [:]
    private var armed: [Operation: Armed] = [:]
    private var paths: [Int32: String] = [:]
    private var failureLog: [FileSystemError] = []
    private var strays: [Int32] = []

    /// Wraps `base`; no fault is armed.
    public init(_ base: any FileSystem) {
        self.base = base
    }

    // MARK: - Arming

    /// Makes calls of kind `operation` fail with `errno` per `trigger`, counting calls from now.
    /// Replaces a fault armed before for the same kind.
    public func arm(_ operation: Operation, _ trigger: Trigger, errno: Int32, partialWriteBytes: Int = 0) {
        arm(operation, Fault(trigger: trigger, errno: errno, partialWriteBytes: partialWriteBytes))
    }

    /// Arms `fault` for calls of kind `operation`, counting calls from now.
    public func arm(_ operation: Operation, _ fault: Fault) {
        switch fault.trigger {
        case .exactly(let n), .from(let n):
            precondition(n >= 1, "fault trigger counts calls from 1, got \(n)")
        }
        mutex.withLock { armed[operation] = Armed(fault: fault, base: callCounts[operation, default: 0]) }
    }

    /// Removes the fault of kind `operation`.
    public func disarm(_ operation: Operation) {
        _ = mutex.withLock { armed.removeValue(forKey: operation) }
    }

    /// Removes every fault: the file system is healthy again.
    public func disarmAll() {
        mutex.withLock { armed.removeAll() }
    }

    /// Calls of kind `operation` made so far (failed ones included).
    public func calls(_ operation: Operation) -> Int {
        mutex.withLock { callCounts[operation, default: 0] }
    }

    /// Every call count, by kind.
    public var allCalls: [Operation: Int] { mutex.withLock { callCounts } }

    /// Calls of kind `operation` that were made to fail.
    public func failures(_ operation: Operation) -> Int {
        mutex.withLock { failureCounts[operation, default: 0] }
    }

    /// The errors injected so far, in order.
    public var injected: [FileSystemError] { mutex.withLock { failureLog } }

    /// Counts a call and says whether it must fail (and how).
    private func check(_ operation: Operation, path: String) -> (error: FileSystemError, partial: Int)? {
        mutex.withLock {
            let n = callCounts[operation, default: 0] + 1
            callCounts[operation] = n
            guard let a = armed[operation] else { return nil }
            let index = n - a.base
            let fails: Bool
            switch a.fault.trigger {
            case .exactly(let k): fails = index == k
            case .from(let k): fails = index >= k
            }
            guard fails else { return nil }
            failureCounts[operation, default: 0] += 1
            let error = FileSystemError(operation: operation.cName, path: path, errno: a.fault.errno)
            failureLog.append(error)
            return (error, a.fault.partialWriteBytes)
        }
    }

    private func path(of fd: FileDescriptor) -> String {
        mutex.withLock { paths[fd.raw] ?? "fd \(fd.raw)" }
    }

    // MARK: - FileSystem

    public func open(_ path: String, _ mode: OpenMode) throws(FileSystemError) -> FileDescriptor {
        let kind: Operation = (mode == .createNew || mode == .createOrTruncate) ? .create : .open
        if let (error, _) = check(kind, path: path) { throw error }
        let fd = try base.open(path, mode)
        mutex.withLock { paths[fd.raw] = path }
        return fd
    }

    /// The files open through this file system now, by path: what a test checks for leaks.
    public var openPaths: [String] { mutex.withLock { paths.values.sorted() } }

    /// Closes of a descriptor this file system did not open, or had closed already: a
    /// double close, which in a process with other threads closes whatever file was given
    /// that number meanwhile. They are counted here and not passed on.
    public var strayCloses: [Int32] { mutex.withLock { strays } }

    public func close(_ fd: FileDescriptor) {
        let owned = mutex.withLock { () -> Bool in
            if paths.removeValue(forKey: fd.raw) != nil { return true }
            strays.append(fd.raw)
            return false
        }
        if owned { base.close(fd) }
    }

    public func write(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) {
        if let (error, partial) = check(.write, path: path(of: fd)) {
            let n = min(max(partial, 0), bytes.count)
            if n > 0 {
                // The part that reached the file before the error; its own failure would hide
                // the injected one, so it is not reported.
                do { try base.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<n]), at: offset) } catch {}
            }
            throw error
        }
        try base.write(fd, bytes, at: offset)
    }

    public func read(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        if let (error, _) = check(.read, path: path(of: fd)) { throw error }
        return try base.read(fd, into: buffer, at: offset)
    }

    public func sync(_ fd: FileDescriptor) throws(FileSystemError) {
        if let (error, _) = check(.sync, path: path(of: fd)) { throw error }
        try base.sync(fd)
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        if let (error, _) = check(.syncDirectory, path: path) { throw error }
        try base.syncDirectory(path)
    }

    public func truncate(_ fd: FileDescriptor, to length: Int64) throws(FileSystemError) {
        if let (error, _) = check(.truncate, path: path(of: fd)) { throw error }
        try base.truncate(fd, to: length)
    }

    public func preallocate(_ fd: FileDescriptor, length: Int64) throws(FileSystemError) {
        if let (error, _) = check(.preallocate, path: path(of: fd)) { throw error }
        try base.preallocate(fd, length: length)
    }

    public func size(_ fd: FileDescriptor) throws(FileSystemError) -> Int64 {
        try base.size(fd)
    }

    public func rename(_ from: String, to: String) throws(FileSystemError) {
        if let (error, _) = check(.rename, path: from + " -> " + to) { throw error }
        try base.rename(from, to: to)
    }

    public func remove(_ path: String) throws(FileSystemError) {
        if let (error, _) = check(.remove, path: path) { throw error }
        try base.remove(path)
    }

    public func createDirectory(_ path: String) throws(FileSystemError) {
        if let (error, _) = check(.createDirectory, path: path) { throw error }
        try base.createDirectory(path)
    }

    public func list(_ path: String) throws(FileSystemError) -> [String] {
        if let (error, _) = check(.list, path: path) { throw error }
        return try base.list(path)
    }

    public func exists(_ path: String) -> Bool {
        base.exists(path)
    }

    public func mapReadOnly(_ path: String) throws(FileSystemError) -> MappedFile {
        if let (error, _) = check(.map, path: path) { throw error }
        return try base.mapReadOnly(path)
    }
}
