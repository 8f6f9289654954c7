#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KDeltaStorage

/// An in-memory disk behind a page cache, for power-cut tests: it remembers what was made
/// durable and what was only written, and `powerCut` hands back the disk as it would be
/// after the power went off.
///
/// The model is LevelDB's fault-injection Env and ALICE's (Pillai et al., OSDI 2014):
/// - a file's data (writes, truncations, preallocation) becomes durable only when the file
///   is synced (`sync`, i.e. `fdatasync`);
/// - a directory's entries (files created, renamed or removed in it, directories made in it)
///   become durable only when that directory is synced (`syncDirectory`): a file created
///   whose directory was never synced disappears, a rename not followed by a directory sync
///   reverts, and a directory that disappears takes its content with it;
/// - with tearing, the last unsynced write of each file persists in part: a random prefix
///   of its bytes, cut inside a 4 KiB page, sometimes followed by garbage up to the end of
///   that page (an SD card tears a page when the power fails mid-program).
///
/// `Writeback.orderedPrefix` goes further: the kernel may have written back some of the
/// dirty state before the cut, in order: a random prefix of each file's unsynced changes and
/// of the unsynced directory changes (the ext4 journal commits them in order) survives.
///
/// Once the power is cut the instance is dead: every call fails with EIO, as a real
/// machine's would, so a write acknowledged by the store was made durable before the cut.
/// Descriptors are numbers from a counter. Thread-safe through one lock.
public final class PowerCutFileSystem: FileSystem, @unchecked Sendable {
    /// The page size of the simulated disk: the unit a power cut tears.
    public static let pageBytes = 4096

    /// What besides the synced state survives a cut.
    public enum Writeback: Sendable, Equatable {
        /// Only what was synced (plus the torn last write of each file, with tearing).
        case none
        /// A random in-order prefix of each file's unsynced changes and of the unsynced
        /// directory changes, as if the kernel had started writing back.
        case orderedPrefix
    }

    /// One state-changing call, as recorded in `mutations`.
    public struct Mutation: Sendable, Equatable, CustomStringConvertible {
        /// The kind of call.
        public var kind: FaultInjectingFileSystem.Operation
        /// The file or directory.
        public var path: String

        public var description: String { "\(kind) \(path)" }
    }

    // MARK: - State

    private let mutex = PThreadMutex()
    private var nodes: [Int: Node] = [:]
    private var nextInode = 1
    private static let rootInode = 0
    /// Directory changes not yet made durable, one group per call (a rename is two).
    private var pendingDirectoryChanges: [[DirectoryChange]] = []
    private var descriptors: [Int32: OpenFile] = [:]
    private var nextDescriptor: Int32 = 3
    private var poweredOff = false
    private var mutationLog: [Mutation] = []
    private var scheduledCut: ScheduledCut? = nil
    private var cutResult: PowerCutFileSystem? = nil

    private struct ScheduledCut {
        var atMutation: Int
        var tearLastPage: Bool
        var seed: UInt64
        var writeback: Writeback
    }

    private struct OpenFile {
        var inode: Int
        var writable: Bool
        var path: String
    }

    private struct DirectoryChange {
        var directory: Int
        var name: String
        /// The inode the name now points to; nil when the name was removed.
        var target: Int?
    }

    private final class FileNode {
        var content: PagedBytes
        var durable: PagedBytes
        var pending: [PendingDataChange] = []

        init(content: PagedBytes, durable: PagedBytes) {
            self.content = content
            self.durable = durable
        }
    }

    private final class DirectoryNode {
        var entries: [String: Int]
        var durableEntries: [String: Int]

        init(entries: [String: Int], durableEntries: [String: Int]) {
            self.entries = entries
            self.durableEntries = durableEntries
        }
    }

    private enum Node {
        case file(FileNode)
        case directory(DirectoryNode)
    }

    // MARK: - Creating

    /// An empty disk holding `directories` (and their ancestors), all durable: the place a
    /// test's data directory lives, which exists before the store is first opened.
    public init(directories: [String] = []) {
        nodes[Self.rootInode] = .directory(DirectoryNode(entries: [:], durableEntries: [:]))
        for d in directories {
            var current = Self.rootInode
            for name in Self.components(d) {
                guard case .directory(let dir) = nodes[current] else {
                    preconditionFailure("\(d): a path component is a file")
                }
                if let next = dir.entries[name] {
                    current = next
                } else {
                    let inode = nextInode
                    nextInode += 1
                    nodes[inode] = .directory(DirectoryNode(entries: [:], durableEntries: [:]))
                    dir.entries[name] = inode
                    dir.durableEntries[name] = inode
                    current = inode
                }
            }
        }
    }

    private init(nodes: [Int: Node], nextInode: Int) {
        self.nodes = nodes
        self.nextInode = nextInode
    }

    // MARK: - Power

    /// Cuts the power now: returns the disk as it is after the cut, and makes this instance
    /// fail every further call with EIO.
    ///
    /// - Parameters:
    ///   - tearLastPage: the last unsynced write of each surviving file persists in part.
    ///   - seed: chooses the cut points and garbage, so a failing case replays.
    ///   - writeback: what besides the synced state survives.
    public func powerCut(tearLastPage: Bool = true, seed: UInt64 = 0, writeback: Writeback = .none) -> PowerCutFileSystem {
        mutex.withLock {
            let survivor = survivingState(tearLastPage: tearLastPage, seed: seed, writeback: writeback)
            poweredOff = true
            cutResult = survivor
            return survivor
        }
    }

    /// Arranges for the power to go off just before the `n`th state-changing call from now
    /// (writes, syncs, truncations, preallocations, creations, renames, removals, mkdirs):
    /// that call and every later one fail with EIO. `survivor` then holds the disk after the cut.
    public func schedulePowerCut(beforeMutation n: Int, tearLastPage: Bool = true, seed: UInt64 = 0, writeback: Writeback = .none) {
        precondition(n >= 1, "mutations count from 1, got \(n)")
        mutex.withLock {
            scheduledCut = ScheduledCut(atMutation: mutationLog.count + n, tearLastPage: tearLastPage, seed: seed, writeback: writeback)
        }
    }

    /// The disk after the power cut, once there was one.
    public var survivor: PowerCutFileSystem? { mutex.withLock { cutResult } }

    /// True once the power was cut.
    public var isPoweredOff: Bool { mutex.withLock { poweredOff } }

    /// Every state-changing call so far, in order (those refused after the cut excluded).
    public var mutations: [Mutation] { mutex.withLock { mutationLog } }

    /// A file's current content (what a read sees), or nil when there is no such file.
    public func contents(of path: String) -> [UInt8]? {
        mutex.withLock {
            guard let inode = lookup(path), case .file(let f) = nodes[inode] else { return nil }
            return f.content.bytes(0, f.content.size)
        }
    }

    /// A file's durable content (what survives a cut without writeback or tearing).
    public func durableContents(of path: String) -> [UInt8]? {
        mutex.withLock {
            guard let inode = lookup(path), case .file(let f) = nodes[inode] else { return nil }
            return f.durable.bytes(0, f.durable.size)
        }
    }

    // MARK: - FileSystem

    public func open(_ path: String, _ mode: OpenMode) throws(FileSystemError) -> FileDescriptor {
        try mutex.withLock { () throws(FileSystemError) -> FileDescriptor in
            let creates = mode == .createNew || mode == .createOrTruncate
            if creates { try mutation(.create, path) } else { try alive("open", path) }
            let inode: Int
            if let existing = lookup(path) {
                guard case .file(let f) = nodes[existing] else { throw FileSystemError(operation: "open", path: path, errno: EISDIR) }
                if mode == .createNew { throw FileSystemError(operation: "open", path: path, errno: EEXIST) }
                if mode == .createOrTruncate && f.content.size > 0 {
                    f.content.resize(to: 0)
                    f.pending.append(.resize(0))
                }
                inode = existing
            } else {
                guard creates else { throw FileSystemError(operation: "open", path: path, errno: ENOENT) }
                let (parent, name) = try parentDirectory(path, operation: "open")
                inode = nextInode
                nextInode += 1
                nodes[inode] = .file(FileNode(content: PagedBytes(), durable: PagedBytes()))
                change([DirectoryChange(directory: parent, name: name, target: inode)])
            }
            let fd = nextDescriptor
            nextDescriptor += 1
            descriptors[fd] = OpenFile(inode: inode, writable: mode != .read, path: path)
            return FileDescriptor(raw: fd)
        }
    }

    public func close(_ fd: FileDescriptor) {
        _ = mutex.withLock { descriptors.removeValue(forKey: fd.raw) }
    }

    public func write(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) {
        try mutex.withLock { () throws(FileSystemError) in
            let (f, path) = try file(fd, operation: "pwrite", forWriting: true)
            try mutation(.write, path)
            guard offset >= 0 else { throw FileSystemError(operation: "pwrite", path: path, errno: EINVAL) }
            f.content.write(bytes, at: Int(offset))
            f.pending.append(.write(offset: Int(offset), bytes: Array(bytes)))
        }
    }

    public func read(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        try mutex.withLock { () throws(FileSystemError) -> Int in
            let (f, path) = try file(fd, operation: "pread", forWriting: false)
            try alive("pread", path)
            guard offset >= 0 else { throw FileSystemError(operation: "pread", path: path, errno: EINVAL) }
            return f.content.read(into: buffer, at: Int(offset))
        }
    }

    public func sync(_ fd: FileDescriptor) throws(FileSystemError) {
        try mutex.withLock { () throws(FileSystemError) in
            let (f, path) = try file(fd, operation: "fdatasync", forWriting: false)
            try mutation(.sync, path)
            f.durable = f.content
            f.pending.removeAll()
        }
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        try mutex.withLock { () throws(FileSystemError) in
            try mutation(.syncDirectory, path)
            guard let inode = lookup(path) else { throw FileSystemError(operation: "open", path: path, errno: ENOENT) }
            guard case .directory(let d) = nodes[inode] else { throw FileSystemError(operation: "open", path: path, errno: ENOTDIR) }
            d.durableEntries = d.entries
            pendingDirectoryChanges = pendingDirectoryChanges
                .map { group in group.filter { $0.directory != inode } }
                .filter { !$0.isEmpty }
        }
    }

    public func truncate(_ fd: FileDescriptor, to length: Int64) throws(FileSystemError) {
        try mutex.withLock { () throws(FileSystemError) in
            let (f, path) = try file(fd, operation: "ftruncate", forWriting: true)
            try mutation(.truncate, path)
            guard length >= 0 else { throw FileSystemError(operation: "ftruncate", path: path, errno: EINVAL) }
            f.content.resize(to: Int(length))
            f.pending.append(.resize(Int(length)))
        }
    }

    public func preallocate(_ fd: FileDescriptor, length: Int64) throws(FileSystemError) {
        try mutex.withLock { () throws(FileSystemError) in
            let (f, path) = try file(fd, operation: "posix_fallocate", forWriting: true)
            try mutation(.preallocate, path)
            guard length > 0 else { throw FileSystemError(operation: "posix_fallocate", path: path, errno: EINVAL) }
            // posix_fallocate never shrinks a file.
            if Int(length) > f.content.size {
                f.content.resize(to: Int(length))
                f.pending.append(.extend(Int(length)))
            }
        }
    }

    public func size(_ fd: FileDescriptor) throws(FileSystemError) -> Int64 {
        try mutex.withLock { () throws(FileSystemError) -> Int64 in
            let (f, path) = try file(fd, operation: "fstat", forWriting: false)
            try alive("fstat", path)
            return Int64(f.content.size)
        }
    }

    public func rename(_ from: String, to: String) throws(FileSystemError) {
        try mutex.withLock { () throws(FileSystemError) in
            let both = from + " -> " + to
            try mutation(.rename, both)
            guard let inode = lookup(from) else { throw FileSystemError(operation: "rename", path: both, errno: ENOENT) }
            let (fromParent, fromName) = try parentDirectory(from, operation: "rename")
            let (toParent, toName) = try parentDirectory(to, operation: "rename")
            if fromParent == toParent && fromName == toName { return }
            if let existing = lookup(to) {
                switch (nodes[inode], nodes[existing]) {
                case (.file, .directory): throw FileSystemError(operation: "rename", path: both, errno: EISDIR)
                case (.directory, .file): throw FileSystemError(operation: "rename", path: both, errno: ENOTDIR)
                case (.directory, .directory(let d)) where !d.entries.isEmpty:
                    throw FileSystemError(operation: "rename", path: both, errno: ENOTEMPTY)
                default: break
                }
            }
            change([
                DirectoryChange(directory: toParent, name: toName, target: inode),
                DirectoryChange(directory: fromParent, name: fromName, target: nil),
            ])
        }
    }

    public func remove(_ path: String) throws(FileSystemError) {
        try mutex.withLock { () throws(FileSystemError) in
            try mutation(.remove, path)
            guard let inode = lookup(path) else { throw FileSystemError(operation: "unlink", path: path, errno: ENOENT) }
            guard case .file = nodes[inode] else { throw FileSystemError(operation: "unlink", path: path, errno: EISDIR) }
            let (parent, name) = try parentDirectory(path, operation: "unlink")
            change([DirectoryChange(directory: parent, name: name, target: nil)])
        }
    }

    public func createDirectory(_ path: String) throws(FileSystemError) {
        try mutex.withLock { () throws(FileSystemError) in
            if let existing = lookup(path) {
                try alive("mkdir", path)
                // As PosixFileSystem: an existing directory is success.
                guard case .directory = nodes[existing] else { throw FileSystemError(operation: "mkdir", path: path, errno: EEXIST) }
                return
            }
            try mutation(.createDirectory, path)
            let (parent, name) = try parentDirectory(path, operation: "mkdir")
            let inode = nextInode
            nextInode += 1
            nodes[inode] = .directory(DirectoryNode(entries: [:], durableEntries: [:]))
            change([DirectoryChange(directory: parent, name: name, target: inode)])
        }
    }

    public func list(_ path: String) throws(FileSystemError) -> [String] {
        try mutex.withLock { () throws(FileSystemError) -> [String] in
            try alive("opendir", path)
            guard let inode = lookup(path) else { throw FileSystemError(operation: "opendir", path: path, errno: ENOENT) }
            guard case .directory(let d) = nodes[inode] else { throw FileSystemError(operation: "opendir", path: path, errno: ENOTDIR) }
            return d.entries.keys.sorted()
        }
    }

    public func exists(_ path: String) -> Bool {
        mutex.withLock { !poweredOff && lookup(path) != nil }
    }

    // MARK: - Internals (called with the mutex held)

    private func alive(_ operation: String, _ path: String) throws(FileSystemError) {
        if poweredOff { throw FileSystemError(operation: operation, path: path, errno: EIO) }
    }

    /// Counts a state-changing call, cutting the power first when one is scheduled here.
    private func mutation(_ kind: FaultInjectingFileSystem.Operation, _ path: String) throws(FileSystemError) {
        try alive(kind.cName, path)
        if let cut = scheduledCut, mutationLog.count + 1 >= cut.atMutation {
            scheduledCut = nil
            cutResult = survivingState(tearLastPage: cut.tearLastPage, seed: cut.seed, writeback: cut.writeback)
            poweredOff = true
            throw FileSystemError(operation: kind.cName, path: path, errno: EIO)
        }
        mutationLog.append(Mutation(kind: kind, path: path))
    }

    private func file(_ fd: FileDescriptor, operation: String, forWriting: Bool) throws(FileSystemError) -> (FileNode, String) {
        guard let open = descriptors[fd.raw], case .file(let f) = nodes[open.inode] else {
            throw FileSystemError(operation: operation, path: "fd \(fd.raw)", errno: EBADF)
        }
        if forWriting && !open.writable { throw FileSystemError(operation: operation, path: open.path, errno: EBADF) }
        return (f, open.path)
    }

    private func change(_ group: [DirectoryChange]) {
        for c in group {
            guard case .directory(let d) = nodes[c.directory] else { preconditionFailure("directory change outside a directory") }
            if let t = c.target { d.entries[c.name] = t } else { d.entries.removeValue(forKey: c.name) }
        }
        pendingDirectoryChanges.append(group)
    }

    static func components(_ path: String) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        precondition(!parts.contains(".."), "PowerCutFileSystem takes paths without '..': \(path)")
        return parts.filter { $0 != "." }
    }

    private func lookup(_ path: String) -> Int? {
        var current = Self.rootInode
        for name in Self.components(path) {
            guard case .directory(let d) = nodes[current], let next = d.entries[name] else { return nil }
            current = next
        }
        return current
    }

    private func parentDirectory(_ path: String, operation: String) throws(FileSystemError) -> (Int, String) {
        var parts = Self.components(path)
        guard let name = parts.popLast() else { throw FileSystemError(operation: operation, path: path, errno: EINVAL) }
        var current = Self.rootInode
        for p in parts {
            guard case .directory(let d) = nodes[current] else { throw FileSystemError(operation: operation, path: path, errno: ENOTDIR) }
            guard let next = d.entries[p] else { throw FileSystemError(operation: operation, path: path, errno: ENOENT) }
            current = next
        }
        guard case .directory = nodes[current] else { throw FileSystemError(operation: operation, path: path, errno: ENOTDIR) }
        return (current, name)
    }

    /// The disk after a cut now (see `powerCut`).
    private func survivingState(tearLastPage: Bool, seed: UInt64, writeback: Writeback) -> PowerCutFileSystem {
        var rng = SplitMix64(seed: seed)
        // 1. Directory entries: the durable ones, then (with writeback) a prefix of the rest.
        var entries: [Int: [String: Int]] = [:]
        for (inode, node) in nodes {
            if case .directory(let d) = node { entries[inode] = d.durableEntries }
        }
        if writeback == .orderedPrefix && !pendingDirectoryChanges.isEmpty {
            let k = Int(rng.next(below: UInt64(pendingDirectoryChanges.count + 1)))
            for group in pendingDirectoryChanges.prefix(k) {
                for c in group {
                    if let t = c.target { entries[c.directory, default: [:]][c.name] = t } else { entries[c.directory]?.removeValue(forKey: c.name) }
                }
            }
        }
        // 2. What is reachable from the root survives; a lost directory loses its content.
        var survivors: [Int: Node] = [:]
        var queue = [Self.rootInode]
        while let inode = queue.popLast() {
            guard survivors[inode] == nil, let node = nodes[inode] else { continue }
            switch node {
            case .directory:
                let kept = entries[inode] ?? [:]
                survivors[inode] = .directory(DirectoryNode(entries: kept, durableEntries: kept))
                // Sorted so that the random choices below replay for a seed.
                queue.append(contentsOf: kept.sorted { $0.key > $1.key }.map(\.value))
            case .file(let f):
                var content = f.durable
                var torn: PendingDataChange? = nil
                switch writeback {
                case .none:
                    torn = f.pending.last(where: { if case .write = $0 { return true } else { return false } })
                case .orderedPrefix:
                    let k = Int(rng.next(below: UInt64(f.pending.count + 1)))
                    for c in f.pending.prefix(k) { content.apply(c) }
                    if k < f.pending.count { torn = f.pending[k] }
                }
                if tearLastPage, case .write(let offset, let bytes)? = torn, !bytes.isEmpty {
                    content.tear(bytes, at: offset, rng: &rng)
                }
                survivors[inode] = .file(FileNode(content: content, durable: content))
            }
        }
        return PowerCutFileSystem(nodes: survivors, nextInode: nextInode)
    }
}

/// File content as sparse 4 KiB pages: a synced copy shares pages with the live one until
/// either changes (copy on write), so keeping both costs only the pages written since.
/// Bytes at or past `size` are zero in every stored page.
struct PagedBytes {
    private(set) var size = 0
    private var pages: [Int: [UInt8]] = [:]
    private static let page = PowerCutFileSystem.pageBytes
    private static let zeroPage = [UInt8](repeating: 0, count: page)

    mutating func write(_ src: UnsafeRawBufferPointer, at offset: Int) {
        var done = 0
        while done < src.count {
            let position = offset + done
            let index = position / Self.page
            let within = position % Self.page
            let n = min(Self.page - within, src.count - done)
            pages[index, default: Self.zeroPage].withUnsafeMutableBytes { dst in
                (dst.baseAddress! + within).copyMemory(from: src.baseAddress! + done, byteCount: n)
            }
            done += n
        }
        size = max(size, offset + src.count)
    }

    mutating func write(_ bytes: [UInt8], at offset: Int) {
        bytes.withUnsafeBytes { write($0, at: offset) }
    }

    func read(into dst: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        let count = max(0, min(dst.count, size - offset))
        var done = 0
        while done < count {
            let position = offset + done
            let index = position / Self.page
            let within = position % Self.page
            let n = min(Self.page - within, count - done)
            if let p = pages[index] {
                p.withUnsafeBytes { src in
                    (dst.baseAddress! + done).copyMemory(from: src.baseAddress! + within, byteCount: n)
                }
            } else {
                _ = (dst.baseAddress! + done).initializeMemory(as: UInt8.self, repeating: 0, count: n)
            }
            done += n
        }
        return count
    }

    func bytes(_ offset: Int, _ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { read(into: $0, at: offset) }
        out.removeLast(count - n)
        return out
    }

    /// Sets the length, as `ftruncate`: cut bytes are gone, new ones read as zeros.
    mutating func resize(to length: Int) {
        if length < size {
            let lastIndex = length == 0 ? -1 : (length - 1) / Self.page
            for index in pages.keys where index > lastIndex { pages.removeValue(forKey: index) }
            let within = length % Self.page
            if within != 0, pages[lastIndex] != nil {
                pages[lastIndex]!.withUnsafeMutableBytes { p in
                    _ = (p.baseAddress! + within).initializeMemory(as: UInt8.self, repeating: 0, count: Self.page - within)
                }
            }
        }
        size = length
    }

    fileprivate mutating func apply(_ change: PendingDataChange) {
        switch change {
        case .write(let offset, let bytes): write(bytes, at: offset)
        case .resize(let n): resize(to: n)
        case .extend(let n): if n > size { resize(to: n) }
        }
    }

    /// Persists a random strict prefix of a write, cut inside one of its pages, and
    /// sometimes garbage from the cut to the end of that page (within the write).
    mutating func tear(_ bytes: [UInt8], at offset: Int, rng: inout SplitMix64) {
        let cut = Int(rng.next(below: UInt64(bytes.count)))
        if cut > 0 { write(Array(bytes[0..<cut]), at: offset) }
        if rng.next(below: 2) == 0 {
            let start = offset + cut
            let pageEnd = (start / Self.page + 1) * Self.page
            let end = min(pageEnd, offset + bytes.count)
            if end > start {
                var garbage = [UInt8](repeating: 0, count: end - start)
                for i in garbage.indices { garbage[i] = UInt8(truncatingIfNeeded: rng.next()) }
                write(garbage, at: start)
            }
        }
    }
}

/// A change to a file's data not yet made durable.
private enum PendingDataChange {
    case write(offset: Int, bytes: [UInt8])
    case resize(Int)
    case extend(Int)
}
