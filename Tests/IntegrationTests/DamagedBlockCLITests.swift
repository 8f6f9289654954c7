import Foundation
import KDeltaStorageTestSupport
import Testing

/// A block file damaged after it was written: `verify` names it (exit 1) instead of
/// trapping, and `get` reports it (exit 3) as `log` and `query` do.
@Suite struct DamagedBlockCLITests {
    /// A store whose 500 versions of `sensors/a` are all in block 1, with a byte in the
    /// middle of the block flipped.
    static func damagedStore(_ dir: TemporaryDirectory) throws -> CLIRunner {
        let data = dir.path + "/data"
        let cli = CLIRunner(dataDir: data)
        var text = "key,time,value\n"
        for i in 0..<500 { text += "sensors/a,\(1_714_564_800_000 + Int64(i) * 60_000),\(Double(i) / 4)\n" }
        try text.write(toFile: dir.path + "/r.csv", atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", dir.path + "/r.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["compact"])
        #expect(r.status == 0, "\(r.stderr)")
        let block = data + "/blocks/00000000000000000001.kdb"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: block))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: block))
        return cli
    }

    @Test func verifyNamesADamagedBlockInsteadOfTrapping() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = try Self.damagedStore(dir)
        // Exit 3, damaged data, as every command exits on it (docs/cli.md).
        var r = try cli.run(["verify"])
        #expect(r.status == 3, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("UNREADABLE block file"), "\(r.stdout)")
        #expect(r.stderr.contains("1 block chunk could not be read"), "\(r.stderr)")
        #expect(r.stderr.contains("00000000000000000001.kdb is damaged"), "\(r.stderr)")

        r = try cli.run(["verify", "--json"])
        #expect(r.status == 3, "\(r.stdout) \(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(report["intact"] as? Bool == false)
        #expect((report["brokenLinks"] as? [Any])?.isEmpty == true)
        let unreadable = try #require(report["unreadable"] as? [String])
        #expect(unreadable.count == 1 && unreadable[0].contains("sensors/a"), "\(unreadable)")
    }

    @Test func getReportsADamagedBlockWithAndWithoutAt() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = try Self.damagedStore(dir)
        for args in [["get", "sensors/a"], ["get", "sensors/a", "--at", "2024-05-01T13:00:00Z"], ["get", "sensors/a", "--json"]] {
            let r = try cli.run(args)
            #expect(r.status == 3, "\(args): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains("00000000000000000001.kdb is damaged"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("no version at or before"), "\(args): \(r.stderr)")
        }
        let log = try cli.run(["log", "sensors/a"])
        #expect(log.status == 3, "log and get agree: \(log.stderr)")
    }
}
