import Foundation
import KDeltaStorageTestSupport
import Testing

/// Arguments as docs/cli.md and docs/keys.md write them: negative numbers are values,
/// usage errors exit 64 whatever the command, and errors do not echo a huge argument.
@Suite struct ArgumentCLITests {
    @Test func negativeValuesAreStoredAsTheDocsWriteThem() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        let expected: [(String, String)] = [("-3", "-3"), ("-3e-4", "-0.0003"), ("-Inf", "-Inf"), ("-7i", "-7i")]
        for (text, stored) in expected {
            let r = try cli.run(["put", "sensors/x", text])
            #expect(r.status == 0, "\(text): \(r.stderr)")
            #expect(r.stdout.contains("= \(stored) at"), "\(text): \(r.stdout)")
        }
        // Options around the value (`--` before it: PutArgumentsTests).
        var r = try cli.run(["put", "sensors/x", "-2.5", "--time", "2024-05-01T12:00:00Z", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"value\":-2.5"), "\(r.stdout)")
        r = try cli.run(["put", "--time", "1714564860000", "sensors/x", "-1"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["log", "sensors/x", "--json"])
        let log = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(log.count == 6)

        // An unknown option is not stored as text; text with a leading dash is JSON-quoted.
        r = try cli.run(["put", "sensors/x", "-foo"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("'-foo' is not an option of put, nor a number"), "\(r.stderr)")
        r = try cli.run(["put", "sensors/x", "1", "--tiem", "5"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("'--tiem'"), "\(r.stderr)")
        r = try cli.run(["put", "sensors/y", "\"-foo\""])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("= -foo at"), "\(r.stdout)")
    }

    @Test func negativeNumbersGivenToOptionsGetAnErrorNamingTheOption() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var r = try cli.run(["put", "sensors/x", "1", "--time", "-5"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--time -5 is outside 1970-01-01"), "\(r.stderr)")
        _ = try cli.run(["put", "sensors/x", "1"])
        r = try cli.run(["log", "sensors/x", "--limit", "-1"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--limit must be at least 1"), "\(r.stderr)")
        r = try cli.run(["query", "sensors/x", "--limit", "-1"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--limit must be 1 to"), "\(r.stderr)")
        r = try cli.run(["get", "sensors/x", "--at", "-1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--at -1 is outside"), "\(r.stderr)")
    }

    @Test func usageErrorsExit64OnEveryCommand() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        _ = try cli.run(["put", "sensors/x", "1"])
        try "key,value\nsensors/x,2\n".write(toFile: dir.path + "/r.csv", atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", dir.path + "/r.csv", "--format", "xml"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--format 'xml' is not csv or jsonl"), "\(r.stderr)")
        r = try cli.run(["query", "sensors/x", "--format", "xml"])
        #expect(r.status == 64)
        r = try cli.run(["put", "sensors/x", "1", "--format", "csv"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--format goes with --batch"), "\(r.stderr)")
        r = try cli.run(["query", "sensors/x", "--every", "0s", "--agg", "avg"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--every 0s: a window must be at least 1ms long"), "\(r.stderr)")
        // --fsync takes what storage.fsync takes, durations included.
        r = try cli.run(["put", "sensors/x", "3", "--fsync", "interval:1s"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["put", "sensors/x", "4", "--fsync", "sometimes"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--fsync: fsync 'sometimes' is not valid"), "\(r.stderr)")
    }

    @Test func aFileInPlaceOfTheDataDirectoryAndAnEmptyKeyListAreExplained() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let file = dir.path + "/afile"
        try "not a store\n".write(toFile: file, atomically: true, encoding: .utf8)
        var r = try CLIRunner(dataDir: file).run(["put", "sensors/x", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file) is not a directory") && r.stderr.contains("give --data-dir a directory"), "\(r.stderr)")
        let cli = CLIRunner(dataDir: dir.path + "/data")
        _ = try cli.run(["put", "sensors/x", "1"])
        r = try cli.run(["keys", "meters/"])
        #expect(r.status == 0 && r.stdout.isEmpty)
        #expect(r.stderr.contains("no stored key starts with 'meters/' (1 key stored"), "\(r.stderr)")
    }

    @Test func logRefusesASinceAfterItsUntilAsQueryDoes() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        _ = try cli.run(["put", "sensors/x", "1", "--time", "2024-05-01T12:00:00Z"])
        let r = try cli.run(["log", "sensors/x", "--since", "2024-05-02T00:00:00Z", "--until", "2024-05-01T00:00:00Z"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--since 2024-05-02T00:00:00Z is not before --until 2024-05-01T00:00:00Z"), "\(r.stderr)")
        let q = try cli.run(["query", "sensors/x", "--from", "2024-05-02T00:00:00Z", "--to", "2024-05-01T00:00:00Z"])
        #expect(q.status == r.status)
    }

    @Test func aValueOverTheLimitIsNotEchoedInFull() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        let value = String(repeating: "x", count: 70_000)
        let r = try cli.run(["put", "sensors/x", value])
        #expect(r.status == 1)
        #expect(r.stderr.contains("longer than 65536 bytes"), "\(r.stderr.prefix(300))")
        #expect(r.stderr.utf8.count < 1000, "the error echoes \(r.stderr.utf8.count) bytes")
    }

    @Test func getWithoutAtIsTheLastWrittenVersionAndAtPicksByTime() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        _ = try cli.run(["put", "sensors/x", "2", "--time", "2024-05-01T13:00:00Z"])
        _ = try cli.run(["put", "sensors/x", "1", "--time", "2024-05-01T12:00:00Z"])  // back-filled
        var r = try cli.run(["get", "sensors/x", "--json"])
        var v = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(v["seq"] as? Int == 2 && v["value"] as? Double == 1)
        r = try cli.run(["get", "sensors/x", "--at", "2024-05-01T14:00:00Z", "--json"])
        v = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(v["seq"] as? Int == 1 && v["value"] as? Double == 2)
    }
}
