#if canImport(Glibc)
import Glibc
#endif
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// One writer per data directory: `flock` belongs to an open file description, so a second
/// open for writing conflicts even inside the same process; readers need no lock.
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
            #expect(error.file == dir.path + "/LOCK")
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
