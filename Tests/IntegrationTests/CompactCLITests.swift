import Foundation
import KDeltaStorageTestSupport
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
        #expect(r.stdout.contains("nothing to cut"))
    }

    @Test func compactAndRepairRefuseADirectoryWithoutAStoreAndCreateNothing() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let missing = dir.path + "/no/such/dir"
        let cli = CLIRunner(dataDir: missing)
        let reader = try cli.run(["stats"])
        #expect(reader.status == 1)
        #expect(reader.stderr.contains("no store in \(missing) (no MANIFEST)"), "\(reader.stderr)")
        var r = try cli.run(["compact"])
        #expect(r.status == reader.status, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr == reader.stderr, "the same words as the reading commands")
        r = try cli.run(["repair"])
        #expect(r.status == reader.status, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("no store in \(missing) (no MANIFEST, no WAL segments, blocks or catalog)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing), "nothing was created")
        // An existing empty directory is refused too, and stays empty.
        try FileManager.default.createDirectory(atPath: missing, withIntermediateDirectories: true)
        r = try cli.run(["compact"])
        #expect(r.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: missing).isEmpty)
    }
}

/// `--config` applies the configuration's retention rules: `compact` drops what they let
/// go and `stats` shows the drops by series and reason; a bad file is refused with its line.
@Suite struct RetentionCLITests {
    @Test func compactAppliesTheConfiguredRetentionAndStatsCountsTheDrops() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        let config = dir.path + "/edge.yaml"
        try """
            storage:
              retention:
                - match: "sensors/+/temp"
                  keep-last: 100
                - match: "meters/#"
                  downsample-after: 1d
                  every: 1h
            sync:
              enabled: false

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let csv = dir.path + "/r.csv"
        var text = "key,value,time\n"
        // Two days of readings a minute, in 2024: old enough for every rule.
        for i in 0..<2880 {
            let t = 1_714_564_800_000 + Int64(i) * 60_000
            text += "sensors/a/temp,\(Double(i % 300) / 10),\(t)\nmeters/house,\(i),\(t)\nsensors/a/door,\(i % 2 == 0),\(t)\n"
        }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--config", config, "--batch", csv])
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["compact", "--config", config, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let retention = try #require(report["retention"] as? [String: Any])
        #expect(retention["retention"] as? Int == 2880 - 100)
        #expect(retention["downsampled"] as? Int == 2879, "every meter reading but the newest is rolled up")
        #expect((retention["rollupsWritten"] as? Int ?? 0) == 48)

        r = try cli.run(["stats", "--config", config, "--json"])
        let stats = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let series = try #require(stats["series"] as? [[String: Any]])
        let temp = try #require(series.first { $0["key"] as? String == "sensors/a/temp" })
        #expect((temp["drops"] as? [String: Any])?["retention"] as? Int == 2780)
        #expect(temp["firstSeq"] as? Int == 2781)
        let door = try #require(series.first { $0["key"] as? String == "sensors/a/door" })
        #expect((door["drops"] as? [String: Any])?["retention"] as? Int == 0, "no rule matches the door: kept")
        #expect(stats["rollups"] as? Int == 48)
        r = try cli.run(["stats", "--config", config])
        #expect(r.stdout.contains("sensors/a/temp  2780 by retention"), "\(r.stdout)")
        r = try cli.run(["get", "sensors/a/temp"])
        #expect(r.stdout.contains("seq   2880 of 2880; 100 kept, seq 2781-2880"), "\(r.stdout)")
        r = try cli.run(["get", "sensors/a/temp", "--at", "2024-05-01T00:30:00Z"])
        #expect(r.status == 1 && r.stderr.contains("before seq 2781 were dropped by retention"), "\(r.stderr)")
        r = try cli.run(["log", "sensors/a/temp", "--limit", "1000", "--json"])
        let log = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [Any]
        #expect(log?.count == 100, "\(r.stdout.prefix(200))")
        r = try cli.run(["verify"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")

        // Windows over the meter come from its hourly rollups (and the one raw reading
        // left) and equal the sums of the readings written: 60 a window, i = 0 ... 2879.
        r = try cli.run(["query", "meters/house", "--every", "1h", "--agg", "sum", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 48)
        for (w, row) in rows.enumerated() {
            let expected = (0..<60).reduce(0) { $0 + w * 60 + $1 }
            #expect(row.count == 5 && Double(row[3]) == Double(expected) && row[4] == "60", "window \(w): \(row)")
        }
        // A raw query over the downsampled range says where the readings went.
        r = try cli.run(["query", "meters/house", "--format", "csv"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("meters/house: 2879 readings from 2024-05-01T12:00:00.000Z") && r.stderr.contains("downsampled into 48 rollups"), "\(r.stderr)")
        r = try cli.run(["query", "meters/house", "--every", "6h", "--agg", "count", "--format", "json"])
        #expect(r.status == 0 && r.stdout.contains("\"value\":360"), "\(r.stdout.prefix(300)) \(r.stderr)")
        // A window the hourly rollups cannot serve is refused, saying which lengths work.
        r = try cli.run(["query", "meters/house", "--every", "30m", "--agg", "sum"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("1h"), "\(r.stderr)")
    }

    @Test func aBadConfigurationFileIsRefusedWithItsLine() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        let config = dir.path + "/edge.yaml"
        try "storage:\n  retention:\n    - match: \"a/#\"\n      keep-lst: 5\n".write(toFile: config, atomically: true, encoding: .utf8)
        let r = try cli.run(["put", "--config", config, "a/b", "1"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("edge.yaml:4"), "\(r.stderr)")
        #expect(r.stderr.contains("keep-last"), "did you mean: \(r.stderr)")
    }
}
