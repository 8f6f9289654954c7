import Foundation
import KDeltaStorageTestSupport
import Testing

/// Standard output that cannot be written: a full disk is an error that names standard
/// output (docs/cli.md, "Output"), a reader that closed the pipe is not.
@Suite struct OutputCLITests {
    /// `/dev/full` fails every write with ENOSPC, as a full disk does.
    static func devFull() throws -> FileHandle {
        try #require(FileHandle(forWritingAtPath: "/dev/full"), "/dev/full cannot be opened")
    }

    @Test func outputToAFullDiskIsAnErrorThatNamesStandardOutput() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var r = try cli.run(["put", "sensors/a", "21.5", "--time", "2024-05-01T12:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        for args in [["keys"], ["query", "sensors/a", "--format", "csv"]] {
            r = try cli.run(args, standardOutput: try Self.devFull())
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("cannot write to standard output (ENOSPC: No space left on device)"), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("nothing was changed"), "\(args): \(r.stderr)")
        }
        // A write that was done says so, so that the reading is not put twice.
        r = try cli.run(["put", "sensors/a", "22"], standardOutput: try Self.devFull())
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("the reading is stored as seq 2 of sensors/a"), "\(r.stderr)")
        #expect(r.stderr.contains("do not run the command again"), "\(r.stderr)")
        r = try cli.run(["get", "sensors/a"])
        #expect(r.stdout.contains("sensors/a = 22"), "\(r.stdout)")
    }

    @Test func aReaderThatClosedThePipeEndsTheCommandQuietly() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var r = try cli.run(["put", "sensors/a", "21.5"])
        #expect(r.status == 0, "\(r.stderr)")
        // A pipe whose read end is closed before the child starts: its first write fails
        // with EPIPE, as `kdelta-edge log KEY | head -1` does once head has exited.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        let writeEnd = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        r = try cli.run(["log", "sensors/a"], standardOutput: writeEnd)
        #expect(r.status == 141, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }
}
