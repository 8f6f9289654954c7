import Foundation
import KDeltaStorageTestSupport
import Testing

/// `put --batch`: every file `--check` accepts imports, and a stopped import says exactly
/// which lines are stored and where to resume, so that a second run loses and repeats
/// nothing.
@Suite struct BatchImportCLITests {
    @Test func longValuesAreCutIntoBatchesThatFitOneWALRecord() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        // 150 values of 60 KB (under the 64 KiB limit) are 9 MB: more than one 8 MiB record.
        var rng = SystemRandomNumberGenerator()
        var text = "key,value\n"
        for i in 0..<150 {
            let letters = (0..<60_000).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &rng))) }
            text += "sensors/t\(i % 3),\(String(letters))\n"
        }
        let path = dir.path + "/long.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", path, "--check"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["put", "--batch", path, "--fsync", "never"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stored 150 readings"), "\(r.stdout)")
        r = try cli.run(["stats", "--json"])
        let stats = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(stats["versions"] as? Int == 150)
    }

    @Test func aBadLineSaysWhichLinesAreStoredAndResumingFromThereLosesNothing() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        // Readings on lines 2-10001, a bad key on line 10002, ten more after it. The
        // first batch (8,192 readings: lines 2-8193) is stored; the second stops.
        var text = "key,time,value\n"
        for i in 0..<10_000 { text += "sensors/a,\(1_700_000_000_000 + Int64(i)),\(i)\n" }
        text += "sensors/a b,1700000100000,1\n"
        for i in 0..<10 { text += "sensors/a,\(1_700_000_200_000 + Int64(i)),\(i)\n" }
        let path = dir.path + "/bad.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", path, "--fsync", "never"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.csv:10002:10:"), "\(r.stderr)")
        #expect(r.stderr.contains("lines 2-8193 were stored (8192 readings, LSN 1-8192), nothing from line 8194 on"), "\(r.stderr)")
        #expect(r.stderr.contains("fix line 10002, then import from line 8194 on:"), "\(r.stderr)")
        #expect(r.stderr.contains("(head -n 1 \(path); tail -n +8194 \(path)) | kdelta-edge put --batch - --format csv"), "\(r.stderr)")

        // Fix the line and feed what the suggested command would: the header, then line
        // 8194 on. Every reading is stored once.
        let lines = text.replacingOccurrences(of: "sensors/a b", with: "sensors/b").split(separator: "\n", omittingEmptySubsequences: false)
        let rest = ([lines[0]] + lines[8193...]).joined(separator: "\n")
        r = try cli.run(["put", "--batch", "-", "--format", "csv", "--fsync", "never"], stdin: rest)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stored 1819 readings"), "\(r.stdout)")
        r = try cli.run(["log", "sensors/a", "--json", "--limit", "100000"])
        let log = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(log.count == 10_010)
        #expect(Set(log.compactMap { $0["timeMs"] as? Int }).count == 10_010, "no reading twice")
    }

    @Test func aBadJSONLineOnStandardInputSaysWhichLinesAreStored() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var text = ""
        for i in 0..<9000 { text += "{\"key\":\"sensors/j\",\"time\":\(1_700_000_000_000 + Int64(i)),\"value\":\(i)}\n" }
        text += "{\"key\":\"sensors/j\",\"value\":null}\n"
        let r = try cli.run(["put", "--batch", "-", "--fsync", "never"], stdin: text)
        #expect(r.status == 1)
        #expect(r.stderr.contains("-:9001:"), "\(r.stderr)")
        #expect(r.stderr.contains("lines 1-8192 were stored (8192 readings, LSN 1-8192), nothing from line 8193 on"), "\(r.stderr)")
        #expect(r.stderr.contains("feed the input again from line 8193 on"), "\(r.stderr)")
    }

    @Test func aHeaderOnlyFileStoresNothingAndSaysSo() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        try "key,time,value\n".write(toFile: dir.path + "/empty.csv", atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", dir.path + "/empty.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stored 0 readings"), "\(r.stdout)")
        #expect(!r.stdout.contains("LSN"), "\(r.stdout)")
        r = try cli.run(["put", "--batch", dir.path + "/empty.csv", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(report["readings"] as? Int == 0)
        #expect(report["firstLSN"] is NSNull && report["lastLSN"] is NSNull, "\(report)")
    }
}
