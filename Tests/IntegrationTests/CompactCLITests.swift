import Foundation
import Testing

/// `kdelta-edge compact` moves versions into a block; every read answers as before.
@Suite struct CompactCLITests {
    @Test func compactKeepsEveryAnswerAndStatsShowTheBlock() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        let csv = dir.path + "/r.csv"
        var text = "key,value,time\n"
        for i in 0..<500 { text += "sensors/a,\(Double(i) / 4),\(1_714_564_800_000 + Int64(i) * 60_000)\n" }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", csv])
        #expect(r.status == 0, "\(r.stderr)")
        let logBefore = try cli.run(["log", "sensors/a", "--json"]).stdout
        let atBefore = try cli.run(["get", "sensors/a", "--at", "2024-05-01T13:00:30Z", "--json"]).stdout

        r = try cli.run(["compact", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(report["versions"] as? Int == 500)
        #expect(report["block"] as? Int == 1)

        #expect(try cli.run(["log", "sensors/a", "--json"]).stdout == logBefore)
        #expect(try cli.run(["get", "sensors/a", "--at", "2024-05-01T13:00:30Z", "--json"]).stdout == atBefore)
        r = try cli.run(["verify"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        r = try cli.run(["stats", "--json"])
        let stats = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(stats["blockVersions"] as? Int == 500)
        #expect(stats["hotVersions"] as? Int == 0)
        #expect((stats["blockBytes"] as? Int ?? 0) > 0)
        r = try cli.run(["compact"])
        #expect(r.stdout.contains("nothing to compact"))
    }
}
