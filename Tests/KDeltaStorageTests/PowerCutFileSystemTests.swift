#if canImport(Glibc)
import Glibc
#endif
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// The power-cut file system itself: POSIX behaviour while the power is on, and after a
/// cut exactly what the durability model says survives.
@Suite struct PowerCutFileSystemTests {
    static let root = "/data"

    static func write(_ fs: PowerCutFileSystem, _ path: String, _ bytes: [UInt8], at offset: Int64 = 0, create: Bool = true) throws -> FileDescriptor {
        let fd = try fs.open(path, create ? .createOrTruncate : .readWrite)
        try fs.write(fd, bytes, at: offset)
        return fd
    }

    @Test func behavesLikePosixWhileThePowerIsOn() throws {
        let fs = PowerCutFileSystem(directories: [Self.root])
        #expect(fs.exists("/data"))
        #expect(!fs.exists("/data/a"))
        #expect(throws: FileSystemError.self) { try fs.open("/data/a", .read) }
        let fd = try fs.open("/data/a", .createNew)
        do {
            _ = try fs.open("/data/a", .createNew)
            Issue.record("createNew of an existing file succeeded")
        } catch {
            #expect(error.errno == EEXIST)
        }
        do {
            _ = try fs.open("/missing/a", .createNew)
            Issue.record("created a file in a missing directory")
        } catch {
            #expect(error.errno == ENOENT)
        }
        try fs.write(fd, [1, 2, 3], at: 5)
        #expect(try fs.size(fd) == 8)
        #expect(try fs.read(fd, count: 100, at: 0) == [0, 0, 0, 0, 0, 1, 2, 3])
        #expect(try fs.read(fd, count: 4, at: 8) == [])
        try fs.truncate(fd, to: 6)
        #expect(try fs.read(fd, count: 100, at: 0) == [0, 0, 0, 0, 0, 1])
        try fs.truncate(fd, to: 10)
        #expect(try fs.read(fd, count: 100, at: 0) == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
        try fs.preallocate(fd, length: 9000)
        #expect(try fs.size(fd) == 9000)
        try fs.preallocate(fd, length: 100)
        #expect(try fs.size(fd) == 9000)
        try fs.write(fd, [9], at: 8191)
        #expect(try fs.read(fd, count: 3, at: 8190) == [0, 9, 0])
        try fs.createDirectory("/data/sub")
        try fs.createDirectory("/data/sub")
        #expect(try fs.list("/data") == ["a", "sub"])
        try fs.rename("/data/a", to: "/data/sub/b")
        #expect(try fs.list("/data") == ["sub"])
        #expect(try fs.list("/data/sub") == ["b"])
        // The descriptor follows the file across the rename.
        #expect(try fs.read(fd, count: 1, at: 5) == [1])
        let ro = try fs.open("/data/sub/b", .read)
        #expect(throws: FileSystemError.self) { try fs.write(ro, [1], at: 0) }
        try fs.remove("/data/sub/b")
        #expect(!fs.exists("/data/sub/b"))
        #expect(throws: FileSystemError.self) { try fs.remove("/data/sub/b") }
        #expect(throws: FileSystemError.self) { try fs.list("/data/nothing") }
        fs.close(fd)
        fs.close(ro)
        #expect(throws: FileSystemError.self) { try fs.size(fd) }
        let again = try fs.open("/data/c", .createOrTruncate)
        try fs.write(again, [1, 2], at: 0)
        let truncated = try fs.open("/data/c", .createOrTruncate)
        #expect(try fs.size(truncated) == 0)
        #expect(truncated != again)
    }

    @Test func unsyncedDataIsLostAndSyncedDataSurvives() throws {
        let fs = PowerCutFileSystem(directories: [Self.root])
        let fd = try Self.write(fs, "/data/f", [1, 2, 3])
        try fs.syncDirectory("/data")
        try fs.sync(fd)
        try fs.write(fd, [4, 5], at: 3)
        try fs.truncate(fd, to: 1)
        let after = fs.powerCut(tearLastPage: false)
        #expect(try after.readFile("/data/f") == [1, 2, 3])
        // The old machine is off.
        #expect(throws: FileSystemError.self) { try fs.write(fd, [1], at: 0) }
        #expect(throws: FileSystemError.self) { try fs.sync(fd) }
        #expect(!fs.exists("/data/f"))
        #expect(fs.isPoweredOff)
    }

    @Test func fileWhoseDirectoryWasNeverSyncedDisappears() throws {
        let fs = PowerCutFileSystem(directories: [Self.root])
        let fd = try Self.write(fs, "/data/f", [1, 2, 3])
        try fs.sync(fd)
        let after = fs.powerCut(tearLastPage: false)
        #expect(!after.exists("/data/f"))
        #expect(after.exists("/data"))
    }

    @Test func directoryCreatedButNeverSyncedDisappearsWithItsContent() throws {
        let fs = PowerCutFileSystem(directories: [Self.root])
        try fs.createDirectory("/data/wal")
        let fd = try Self.write(fs, "/data/wal/s", [7])
        try fs.sync(fd)
        try fs.syncDirectory("/data/wal")
        let lost = fs.powerCut(tearLastPage: false)
        #expect(!lost.exists("/data/wal"))

        let fs2 = PowerCutFileSystem(directories: [Self.root])
        try fs2.createDirectory("/data/wal")
        try fs2.syncDirectory("/data")
        let fd2 = try Self.write(fs2, "/data/wal/s", [7])
        try fs2.sync(fd2)
        try fs2.syncDirectory("/data/wal")
        let kept = fs2.powerCut(tearLastPage: false)
        #expect(try kept.readFile("/data/wal/s") == [7])
    }

    @Test func renameWithoutDirectorySyncReverts() throws {
        let fs = PowerCutFileSystem(directories: [Self.root])
        let old = try Self.write(fs, "/data/m", [1])
        try fs.sync(old)
        let new = try Self.write(fs, "/data/m.tmp", [2])
        try fs.sync(new)
        try fs.syncDirectory("/data")
        try fs.rename("/data/m.tmp", to: "/data/m")
        #expect(try fs.readFile("/data/m") == [2])
        let reverted = fs.powerCut(tearLastPage: false)
        #expect(try reverted.readFile("/data/m") == [1])
        #expect(try reverted.readFile("/data/m.tmp") == [2])

        let fs2 = PowerCutFileSystem(directories: [Self.root])
        let a = try Self.write(fs2, "/data/m", [1])
        try fs2.sync(a)
        try fs2.syncDirectory("/data")
        try fs2.rename("/data/m", to: "/data/n")
        try fs2.syncDirectory("/data")
        let renamed = fs2.powerCut(tearLastPage: false)
        #expect(try renamed.list("/data") == ["n"])
    }

    @Test func removalWithoutDirectorySyncReverts() throws {
        let fs = PowerCutFileSystem(directories: [Self.root])
        let fd = try Self.write(fs, "/data/f", [1, 2])
        try fs.sync(fd)
        try fs.syncDirectory("/data")
        try fs.remove("/data/f")
        #expect(try fs.readFile("/data/f", orNil: true) == nil)
        let back = fs.powerCut(tearLastPage: false)
        #expect(try back.readFile("/data/f") == [1, 2])
    }

    @Test func tearingPersistsAStrictPrefixOfTheLastWriteCutInsideAPage() throws {
        var sawPartial = false
        var sawGarbage = false
        for seed in 0..<200 as Range<UInt64> {
            let fs = PowerCutFileSystem(directories: [Self.root])
            let fd = try Self.write(fs, "/data/f", [UInt8](repeating: 0xAA, count: 100))
            try fs.sync(fd)
            try fs.syncDirectory("/data")
            let payload = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) }
            try fs.write(fd, payload, at: 100)
            let after = fs.powerCut(tearLastPage: true, seed: seed)
            let bytes = try after.readFile("/data/f")
            #expect(Array(bytes.prefix(100)) == [UInt8](repeating: 0xAA, count: 100))
            let tail = Array(bytes.dropFirst(100))
            // A strict prefix of the write, then at most garbage up to the end of that page
            // (which may reach the write's own end).
            var i = 0
            while i < tail.count && tail[i] == payload[i] { i += 1 }
            #expect(i < payload.count, "seed \(seed): the whole torn write survived")
            let pageEnd = ((100 + i) / 4096 + 1) * 4096 - 100
            #expect(tail.count <= max(i, pageEnd), "seed \(seed): bytes past the torn page")
            if i > 0 { sawPartial = true }
            if tail.count > i { sawGarbage = true }
        }
        #expect(sawPartial)
        #expect(sawGarbage)
    }

    @Test func orderedWritebackKeepsAPrefixOfTheUnsyncedWrites() throws {
        var lengths: Set<Int> = []
        for seed in 0..<100 as Range<UInt64> {
            let fs = PowerCutFileSystem(directories: [Self.root])
            let fd = try Self.write(fs, "/data/f", [])
            try fs.sync(fd)
            try fs.syncDirectory("/data")
            for i in 0..<10 { try fs.write(fd, [UInt8](repeating: UInt8(i + 1), count: 10), at: Int64(i * 10)) }
            let after = fs.powerCut(tearLastPage: false, seed: seed, writeback: .orderedPrefix)
            let bytes = try after.readFile("/data/f")
            #expect(bytes.count % 10 == 0)
            for (i, b) in bytes.enumerated() { #expect(b == UInt8(i / 10 + 1), "seed \(seed): a hole at \(i)") }
            lengths.insert(bytes.count)
        }
        #expect(lengths.count > 5)
    }

    @Test func scheduledCutFailsThatMutationAndKeepsTheStateBeforeIt() throws {
        let fs = PowerCutFileSystem(directories: [Self.root])
        fs.schedulePowerCut(beforeMutation: 4, tearLastPage: false)
        let fd = try fs.open("/data/f", .createNew)  // 1
        try fs.write(fd, [1], at: 0)  // 2
        try fs.sync(fd)  // 3
        do {
            try fs.syncDirectory("/data")  // 4: the power goes
            Issue.record("the scheduled cut did not happen")
        } catch {
            #expect(error.errno == EIO)
        }
        #expect(fs.mutations.map(\.kind) == [.create, .write, .sync])
        let after = try #require(fs.survivor)
        #expect(!after.exists("/data/f"))
    }

    @Test func sameSeedGivesTheSameSurvivor() throws {
        func survivor(_ seed: UInt64) throws -> [UInt8] {
            let fs = PowerCutFileSystem(directories: [Self.root])
            let fd = try Self.write(fs, "/data/f", [])
            try fs.sync(fd)
            try fs.syncDirectory("/data")
            for i in 0..<20 { try fs.write(fd, [UInt8](repeating: UInt8(i), count: 3000), at: Int64(i * 3000)) }
            return try fs.powerCut(tearLastPage: true, seed: seed, writeback: .orderedPrefix).readFile("/data/f")
        }
        #expect(try survivor(5) == survivor(5))
    }
}

extension FileSystem {
    /// The file's content, or nil when it does not exist.
    func readFile(_ path: String, orNil: Bool) throws -> [UInt8]? {
        exists(path) ? try readFile(path) : nil
    }
}
