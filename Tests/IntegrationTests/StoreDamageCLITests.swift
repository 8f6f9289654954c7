import Foundation
import KDeltaStorageTestSupport
import Testing

/// Files the manifest names, gone or damaged, as a user meets them: every command refuses
/// with exit 3 and advice that works, and `repair` ends in a store that reads and writes,
/// saying what is lost (issue 18, defects 1 and 2).
@Suite struct StoreDamageCLITests {
    /// 500 readings of `sensors/a` and 300 of `sensors/b` put into `DIR/data`.
    static func store(_ dir: TemporaryDirectory, compact: Bool) throws -> CLIRunner {
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var text = "key,time,value\n"
        for i in 0..<500 { text += "sensors/a,\(1_714_564_800_000 + Int64(i) * 60_000),\(Double(i) / 4)\n" }
        for i in 0..<300 { text += "sensors/b,\(1_714_564_800_000 + Int64(i) * 60_000),\(i)i\n" }
        try text.write(toFile: dir.path + "/r.csv", atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", dir.path + "/r.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        if compact {
            r = try cli.run(["compact"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        return cli
    }

    @Test func aDeletedWALSegmentRefusesEveryCommandAndRepairSaysWhatIsLost() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = try Self.store(dir, compact: false)
        try FileManager.default.removeItem(atPath: dir.path + "/data/wal/00000000000000000001.wal")
        for args in [["keys"], ["get", "sensors/a"], ["put", "sensors/a", "1"], ["verify"], ["stats"]] {
            let r = try cli.run(args)
            #expect(r.status == 3, "\(args): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains("00000000000000000001.wal, which the manifest names, is missing"), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("kdelta-edge repair --data-dir"), "\(args): \(r.stderr)")
        }
        var r = try cli.run(["repair"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("LOST every version written after LSN 0"), "\(r.stdout)")
        r = try cli.run(["put", "sensors/a", "1"])
        #expect(r.status == 0 && r.stdout.contains("seq 1 "), "\(r.stdout) \(r.stderr)")
    }

    @Test(arguments: ["a data chunk", "the directory"])
    func aFlippedByteInACompactedBlockIsRebuiltFromTheWALByRepair(_ place: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = try Self.store(dir, compact: true)
        let block = dir.path + "/data/blocks/00000000000000000001.kdb"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: block))
        bytes[place == "the directory" ? bytes.count - 40 : bytes.count / 2] ^= 0x5A
        try bytes.write(to: URL(fileURLWithPath: block))
        let damaged = try cli.run(["log", "sensors/b"])
        #expect(damaged.status == 3, "\(damaged.stderr)")
        #expect(damaged.stderr.contains("kdelta-edge repair --data-dir"), "\(damaged.stderr)")
        var r = try cli.run(["repair"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("nothing is lost"), "\(r.stdout)")
        #expect(r.stdout.contains("/repair/"), "the damaged block is kept: \(r.stdout)")
        for args in [["verify"], ["get", "sensors/b"], ["log", "sensors/a", "--limit", "3"], ["put", "sensors/b", "5i"]] {
            r = try cli.run(args)
            #expect(r.status == 0, "\(args): \(r.stdout) \(r.stderr)")
        }
        r = try cli.run(["keys", "--json"])
        #expect(r.stdout.contains("\"versions\":500") && r.stdout.contains("\"versions\":301"), "\(r.stdout)")
    }
}
