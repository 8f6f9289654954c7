#if canImport(Glibc)
import Glibc
#endif
import KDeltaModel
@testable import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// One writer per data directory: `flock` on the directory itself belongs to an open file
/// description, so a second open for writing conflicts even inside the same process;
/// readers take no lock, and find a live writer in the kernel's lock table.
@Suite struct DirectoryLockTests {
    @Test func secondWriterInTheSameProcessIsRefusedNamingThePid() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let first = try TestStore.open(directory: dir.path)
        try first.put(try Key("lock/k"), .int(1))
        do {
            let second = try Store.open(directory: dir.path)
            try second.close()
            Issue.record("a second writer opened the same directory")
        } catch {
            #expect(error.code == .locked)
            #expect(error.message.contains("pid \(getpid())"))
            #expect(error.file == dir.path)
        }
        // Repair needs the lock too.
        #expect(throws: StoreError.self) { try Repair.run(directory: dir.path) }
        // The refused open did not disturb the holder.
        try first.put(try Key("lock/k"), .int(2))
        try first.close()
        let again = try TestStore.open(directory: dir.path)
        defer { try? again.close() }
        #expect(again.versionCount(try Key("lock/k")) == 2)
    }

    /// Issue 18: `rm LOCK` while a writer held the directory let a second writer in (it
    /// locked a new file of that name), and the two wrote over each other's segments and
    /// blocks. The lock is on the directory now, and the holder's pid is found without
    /// the file.
    @Test func aDeletedLockFileDoesNotAdmitASecondWriter() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let key = try Key("lock/rm")
        let first = try TestStore.open(directory: dir.path)
        try first.put(key, .int(1))
        #expect(unlink(dir.path + "/" + DirectoryLock.fileName) == 0)
        do {
            let second = try Store.open(directory: dir.path)
            try second.close()
            Issue.record("a second writer was admitted once LOCK was deleted")
        } catch {
            #expect(error.code == .locked)
            #expect(error.message.contains("(pid \(getpid()))"), "\(error.message)")
        }
        #expect(TestStore.refusal { _ = try Repair.run(directory: dir.path) }?.code == .locked)
        #expect(DirectoryLock.isHeldByWriter(dir.path))
        // The refused writers neither disturbed the holder nor brought LOCK back.
        #expect(access(dir.path + "/" + DirectoryLock.fileName, F_OK) != 0)
        try first.put(key, .int(2))
        try first.close()
        #expect(!DirectoryLock.isHeldByWriter(dir.path))
        let again = try TestStore.open(directory: dir.path)
        defer { try? again.close() }
        #expect(again.versionCount(key) == 2)
        #expect(DirectoryLock.Holder.recordedPid(directory: dir.path) == "\(getpid())")
    }

    /// The kernel's lock table as `fs/locks.c` prints it: only an exclusive `flock` on
    /// the very directory (device and inode) is a writer; a shared lock, a POSIX or OFD
    /// lock, a waiter, and another file are not.
    @Test func theKernelLockTableNamesOnlyAnExclusiveFlockOnTheDirectory() {
        let dir = FileIdentity(major: 0xfe, minor: 0, inode: 16_229_044)
        func holder(_ line: String) -> Int32? { FileLockTable.exclusiveFlockHolder(line: Array(line.utf8), of: dir) }
        #expect(holder("1: FLOCK  ADVISORY  WRITE 12629 fe:00:16229044 0 EOF") == 12629)
        #expect(holder("7: FLOCK  ADVISORY  WRITE 0 fe:00:16229044 0 EOF") == 0)
        #expect(holder("1: FLOCK  ADVISORY  READ  12629 fe:00:16229044 0 EOF") == nil)
        #expect(holder("1: POSIX  ADVISORY  WRITE 12629 fe:00:16229044 0 EOF") == nil)
        #expect(holder("1: OFDLCK ADVISORY  WRITE -1 fe:00:16229044 0 EOF") == nil)
        #expect(holder("1: -> FLOCK  ADVISORY  WRITE 77 fe:00:16229044 0 EOF") == nil)
        #expect(holder("1: FLOCK  ADVISORY  WRITE 12629 fe:00:16229045 0 EOF") == nil)
        #expect(holder("1: FLOCK  ADVISORY  WRITE 12629 fe:01:16229044 0 EOF") == nil)
        #expect(holder("") == nil)
        // dev_t split as glibc's major() and minor() do: makedev(0x12345, 0x6789a).
        #expect(FileIdentity(device: 0x0001_2000_6783_459A, inode: 9) == FileIdentity(major: 0x12345, minor: 0x6789A, inode: 9))
        #expect(FileIdentity(device: 0xFE00, inode: 9) == FileIdentity(major: 0xFE, minor: 0, inode: 9))
        // The real table names this process as the writer of a store it holds.
        let store = TemporaryDirectory()
        defer { store.remove() }
        do {
            let writer = try TestStore.open(directory: store.path)
            defer { try? writer.close() }
            let identity = try #require(FileIdentity(path: store.path))
            #expect(FileLockTable.exclusiveFlockHolders(of: identity) == [getpid()])
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func readOnlyOpenWorksWhileAWriterHoldsTheDirectory() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let writer = try TestStore.open(directory: dir.path)
        defer { try? writer.close() }
        let key = try Key("lock/ro")
        for i in 0..<5 { try writer.put(key, .int(Int64(i))) }
        var options = StoreOptions()
        options.readOnly = true
        let reader = try Store.open(directory: dir.path, options: options)
        #expect(reader.versionCount(key) == 5)
        #expect(reader.latest(key)?.value == .int(4))
        #expect(reader.verify().isIntact)
        do {
            try reader.put(key, .int(9))
            Issue.record("a read-only store accepted a write")
        } catch {
            #expect(error.code == .readOnly)
        }
        try reader.close()
        // The writer still writes after the reader went.
        try writer.put(key, .int(5))
        #expect(writer.versionCount(key) == 5 + 1)
    }

    @Test func lockIsReleasedOnClose() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        for i in 0..<3 {
            let store = try TestStore.open(directory: dir.path)
            try store.put(try Key("lock/cycle"), .int(Int64(i)))
            try store.close()
        }
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        #expect(store.versionCount(try Key("lock/cycle")) == 3)
    }
}
