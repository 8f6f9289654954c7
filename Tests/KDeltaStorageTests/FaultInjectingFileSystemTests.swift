#if canImport(Glibc)
import Glibc
#endif
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// The fault injector itself: it counts calls by kind and fails exactly the ones armed.
@Suite struct FaultInjectingFileSystemTests {
    @Test func failsExactlyTheNthCallCountedFromArming() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let fd = try fs.open(dir.path + "/f", .createNew)
        defer { fs.close(fd) }
        try fs.write(fd, [1], at: 0)
        fs.arm(.write, .exactly(2), errno: ENOSPC)
        try fs.write(fd, [2], at: 1)
        do {
            try fs.write(fd, [3], at: 2)
            Issue.record("the armed write succeeded")
        } catch {
            #expect(error.errno == ENOSPC)
            #expect(error.operation == "pwrite")
            #expect(error.path == dir.path + "/f")
            #expect(error.isOutOfSpace)
        }
        try fs.write(fd, [4], at: 2)
        #expect(fs.calls(.write) == 4)
        #expect(fs.failures(.write) == 1)
        #expect(try fs.read(fd, count: 10, at: 0) == [1, 2, 4])
        #expect(fs.injected.count == 1)
    }

    @Test func failsEveryCallFromTheNthOnUntilDisarmed() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let fd = try fs.open(dir.path + "/f", .createNew)
        defer { fs.close(fd) }
        fs.arm(.sync, .from(2), errno: EIO)
        try fs.sync(fd)
        for _ in 0..<3 { #expect(throws: FileSystemError.self) { try fs.sync(fd) } }
        fs.disarm(.sync)
        try fs.sync(fd)
        #expect(fs.failures(.sync) == 3)
        #expect(fs.calls(.sync) == 5)
    }

    @Test func partialWriteReachesTheFileBeforeTheError() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let fd = try fs.open(dir.path + "/f", .createNew)
        defer { fs.close(fd) }
        fs.arm(.write, .exactly(1), errno: EIO, partialWriteBytes: 3)
        #expect(throws: FileSystemError.self) { try fs.write(fd, [1, 2, 3, 4, 5], at: 0) }
        #expect(try fs.read(fd, count: 10, at: 0) == [1, 2, 3])
    }

    @Test func createAndOpenAreCountedApart() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        fs.arm(.create, .exactly(1), errno: EIO)
        #expect(throws: FileSystemError.self) { try fs.open(dir.path + "/f", .createOrTruncate) }
        fs.close(try fs.open(dir.path + "/f", .createOrTruncate))
        fs.close(try fs.open(dir.path + "/f", .read))
        #expect(fs.calls(.create) == 2)
        #expect(fs.calls(.open) == 1)
        try fs.rename(dir.path + "/f", to: dir.path + "/g")
        try fs.remove(dir.path + "/g")
        #expect(fs.allCalls[.rename] == 1)
        #expect(fs.allCalls[.remove] == 1)
    }
}
