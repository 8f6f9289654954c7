import Foundation
import KDeltaStorageTestSupport
import Testing

/// `kdelta-edge query`: raw rows and windows in every format, over memory and a block,
/// and the errors a user can make.
@Suite struct QueryCLITests {
    /// A store with `sensors/a` (doubles every 20 s for 100 minutes, compacted into a block,
    /// then 10 more minutes in memory), `sensors/b` (ints) and `sensors/door` (bools).
    static func store(_ dir: TemporaryDirectory) throws -> CLIRunner {
        let cli = CLIRunner(dataDir: dir.path + "/data")
        let csv = dir.path + "/r.csv"
        var text = "key,time,value\n"
        for i in 0..<300 {
            text += "sensors/a,\(1_714_564_800_000 + Int64(i) * 20_000),\(Double(i % 8) / 2)\n"
            text += "sensors/b,\(1_714_564_800_000 + Int64(i) * 20_000),\(i)i\n"
        }
        text += "sensors/door,1714564800000,true\n"
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", csv])
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["compact"])
        #expect(r.status == 0, "\(r.stderr)")
        var more = "key,time,value\n"
        for i in 300..<330 { more += "sensors/a,\(1_714_564_800_000 + Int64(i) * 20_000),\(Double(i % 8) / 2)\n" }
        try more.write(toFile: csv, atomically: true, encoding: .utf8)
        r = try cli.run(["put", "--batch", csv])
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    @Test func rawRowsPrintAsTableCSVAndJSONAcrossBlockAndMemory() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = try Self.store(dir)
        var r = try cli.run(["query", "sensors/a", "--from", "2024-05-01T13:39:40Z", "--to", "2024-05-01T13:40:30Z"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            KEY        TIME                      VALUE
            sensors/a  2024-05-01T13:39:40.000Z  1.5
            sensors/a  2024-05-01T13:40:00.000Z  2
            sensors/a  2024-05-01T13:40:20.000Z  2.5

            """)
        r = try cli.run(["query", "sensors/+", "--from", "1714564800000", "--to", "1714564820001", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            key,time,value
            sensors/a,2024-05-01T12:00:00.000Z,0
            sensors/a,2024-05-01T12:00:20.000Z,0.5
            sensors/b,2024-05-01T12:00:00.000Z,0i
            sensors/b,2024-05-01T12:00:20.000Z,1i
            sensors/door,2024-05-01T12:00:00.000Z,true

            """)
        r = try cli.run(["query", "sensors/#", "--json", "--limit", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(rows.count == 5)
        #expect(rows[0]["key"] as? String == "sensors/a" && rows[0]["timeMs"] as? Int == 1_714_564_800_000)
        #expect(r.stderr.contains("showing the first 5 rows"))
        r = try cli.run(["query", "sensors/a"])
        #expect(r.stdout.split(separator: "\n").count == 331)
    }

    @Test func windowsAggregateNumericReadingsInEveryFormat() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = try Self.store(dir)
        var r = try cli.run(["query", "sensors/a", "--every", "1h", "--agg", "count", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            key,start,end,count,count
            sensors/a,2024-05-01T12:00:00.000Z,2024-05-01T13:00:00.000Z,180,180
            sensors/a,2024-05-01T13:00:00.000Z,2024-05-01T14:00:00.000Z,150,150

            """)
        r = try cli.run(["query", "sensors/b", "--from", "2024-05-01T12:00:00Z", "--to", "2024-05-01T12:02:00Z", "--every", "1m", "--agg", "max"])
        #expect(r.stdout == """
            KEY        START                     END                       MAX  COUNT
            sensors/b  2024-05-01T12:00:00.000Z  2024-05-01T12:01:00.000Z  2    3
            sensors/b  2024-05-01T12:01:00.000Z  2024-05-01T12:02:00.000Z  5    3

            """)
        r = try cli.run(["query", "sensors/a", "--every", "1d", "--offset", "-1h", "--json"])
        let windows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(windows.count == 1)
        #expect(windows[0]["start"] as? String == "2024-04-30T23:00:00.000Z")
        #expect(windows[0]["aggregation"] as? String == "avg")
        #expect(windows[0]["count"] as? Int == 330)
        let mean = (0..<330).map { Double($0 % 8) / 2 }.reduce(0, +) / 330
        #expect(abs((windows[0]["value"] as? Double ?? 0) - mean) < 1e-12)
        r = try cli.run(["query", "sensors/door", "--every", "1h", "--agg", "count"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("1 reading is not a number (bools, text, documents) and was left out"))
    }

    @Test func badInputFailsWithAClearMessage() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = try Self.store(dir)
        func fails(_ args: [String], _ status: Int32, _ text: String) throws {
            let r = try cli.run(["query"] + args)
            #expect(r.status == status, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(text), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        try fails(["sensors/none"], 1, "key sensors/none has no versions")
        try fails(["other/+"], 1, "no stored key matches other/+")
        try fails(["sensors/a#"], 1, "key pattern 'sensors/a#' has '#' inside segment 2")
        try fails(["sensors/a", "--from", "yesterday"], 1, "--from 'yesterday' is not a time")
        try fails(["sensors/a", "--from", "1714564800"], 1, "looks like Unix seconds")
        try fails(["sensors/a", "--from", "2024-05-02T00:00:00Z", "--to", "2024-05-01T00:00:00Z"], 1, "is not before --to")
        try fails(["sensors/a", "--every", "5x"], 1, "--every: '5x' is not a duration")
        try fails(["sensors/a", "--every", "1h", "--agg", "mean"], 1, "did you mean avg?")
        try fails(["sensors/a", "--agg", "max"], 64, "--agg needs --every")
        try fails(["sensors/a", "--offset", "1h"], 64, "--offset needs --every")
        try fails(["sensors/a", "--limit", "0"], 64, "--limit must be 1 to")
        try fails(["sensors/a", "--format", "xml"], 64, "xml")
        let missing = try cli.run(["query", "sensors/a"], dataDir: dir.path + "/nothing")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no store in"))
    }
}
