import Foundation
import KDeltaStorageTestSupport
import Testing

/// The command line as a user drives it: real processes, a real data directory.
@Suite struct CLITests {
    @Test func putGetLogDiffRoundTripThroughTheCommandLine() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var r = try cli.run(["put", "sensors/greenhouse/temp1", "21.5", "--time", "2024-05-01T12:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("seq 1 = 21.5"))
        r = try cli.run(["put", "sensors/greenhouse/temp1", "21.75", "--time", "1714564860000"])
        #expect(r.status == 0, "\(r.stderr)")

        r = try cli.run(["get", "sensors/greenhouse/temp1", "--json"])
        let latest = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(latest["seq"] as? Int == 2)
        #expect(latest["value"] as? Double == 21.75)
        #expect(latest["time"] as? String == "2024-05-01T12:01:00.000Z")

        r = try cli.run(["get", "sensors/greenhouse/temp1", "--at", "2024-05-01T12:00:59Z", "--json"])
        let past = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(past["seq"] as? Int == 1)
        #expect(past["value"] as? Double == 21.5)

        r = try cli.run(["log", "sensors/greenhouse/temp1", "--json"])
        let log = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(log.map { $0["seq"] as? Int } == [2, 1])
        #expect(log[0]["parent"] as? String == log[1]["id"] as? String)

        r = try cli.run(["diff", "sensors/greenhouse/temp1"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("21.5 -> 21.75 (+0.25)"))

        r = try cli.run(["verify"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("verified 2 versions of 1 key:"))
    }

    @Test func documentDiffNamesAddedRemovedAndChangedFields() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        _ = try cli.run(["put", "zigbee/door", #"{"contact":true,"battery":97,"linkquality":120}"#])
        _ = try cli.run(["put", "zigbee/door", #"{"contact":false,"battery":96,"voltage":2900}"#])
        let r = try cli.run(["diff", "zigbee/door", "1", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("~ /battery: 97 -> 96"))
        #expect(r.stdout.contains("~ /contact: true -> false"))
        #expect(r.stdout.contains("- /linkquality: 120"))
        #expect(r.stdout.contains("+ /voltage: 2900"))
    }

    @Test func batchImportOfCSVAndJSONLinesStoresEveryReading() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var csv = "key,time,value\n"
        for i in 0..<2000 { csv += "sensors/k\(i % 10),\(1_700_000_000_000 + Int64(i) * 1000),\(Double(i) / 4)\n" }
        let csvPath = dir.path + "/readings.csv"
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", csvPath, "--fsync", "interval:50"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stored 2000 readings"))

        r = try cli.run(["put", "--batch", "-"], stdin: """
            {"key":"sensors/count","time":1700000000000,"value":42,"type":"int"}
            {"key":"sensors/state","value":"open"}
            {"key":"sensors/doc","value":{"a":[1,2],"b":null}}

            """)
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["get", "sensors/count"])
        #expect(r.stdout.contains("sensors/count = 42i"))
        r = try cli.run(["log", "sensors/k3", "--json"])
        let log = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(log.count == 200)
        #expect(log.first?["value"] as? Double == 1993.0 / 4)
        r = try cli.run(["stats", "--json"])
        let stats = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(stats["versions"] as? Int == 2003)
        #expect(stats["keys"] as? Int == 13)
    }

    @Test func badBatchLineIsRefusedWithItsLineAndNothingAfterItIsStored() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        let csv = "key,time,value\nsensors/a,1700000000000,1\nsensors/a b,1700000001000,2\n"
        let path = dir.path + "/bad.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        var r = try cli.run(["put", "--batch", path, "--check"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.csv:3:10: key 'sensors/a b' has a space"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was stored"))
        r = try cli.run(["put", "--batch", path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.csv:3:10:"))
        r = try cli.run(["keys", "--json"])
        #expect(r.stdout == "[]\n" || r.status != 0)
    }

    @Test func badArgumentsGetActionableErrors() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let cli = CLIRunner(dataDir: dir.path + "/data")
        var r = try cli.run(["put", "sensors//temp", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("empty segment at byte 8"), "\(r.stderr)")
        r = try cli.run(["put", "sensors/temp", "1", "--time", "1714564800"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("looks like Unix seconds"))
        r = try cli.run(["put", "sensors/temp", "1", "--fsync", "sometimes"])
        #expect(r.stderr.contains("interval:MS"))
        r = try cli.run(["get", "sensors/none"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no store in") || r.stderr.contains("no versions"))
    }

    @Test func secondWriterIsToldThePidOfTheHolder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.path + "/data"
        // A writer that holds the directory: `put --batch -` waits on its open stdin.
        let holder = Process()
        let wrapper = ProcessInfo.processInfo.environment["KDELTA_TEST_EXEC_WRAPPER"]?.split(separator: " ").map(String.init) ?? []
        let command = wrapper + [CLIRunner.executable, "put", "--batch", "-", "--format", "csv", "--data-dir", data]
        holder.executableURL = URL(fileURLWithPath: command[0])
        holder.arguments = Array(command.dropFirst())
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = Pipe()
        try holder.run()
        // The reader takes the header before the store is opened.
        input.fileHandleForWriting.write(Data("key,time,value\n".utf8))
        defer {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        // Wait until it has taken the lock (its pid is in LOCK).
        var pidInLock = ""
        for _ in 0..<500 {
            pidInLock = (try? String(contentsOfFile: data + "/LOCK", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !pidInLock.isEmpty { break }
            usleep(10_000)
        }
        #expect(!pidInLock.isEmpty)
        let r = try CLIRunner(dataDir: data).run(["put", "sensors/x", "1"])
        #expect(r.status == 4)
        #expect(r.stderr.contains("pid \(pidInLock)"), "\(r.stderr)")
        // There is no control socket to send the command to: the advice is what works.
        #expect(!r.stderr.contains("control socket"), "\(r.stderr)")
        #expect(r.stderr.contains("wait for it to finish or stop it"), "\(r.stderr)")
        // Readers are not blocked by the writer.
        let reader = try CLIRunner(dataDir: data).run(["keys"])
        #expect(reader.status == 0, "\(reader.stderr)")
    }

    /// Changes the first WAL segment of the store in `data` at the start of its record
    /// `n + 1` (records follow the 48-byte segment header, each a 12-byte header, with a
    /// 24-bit length, and its payload) and returns that record's offset.
    static func changeWAL(in data: String, atRecordAfter n: Int, _ change: (inout Data, Int) -> Void) throws -> Int {
        let segment = URL(fileURLWithPath: data + "/wal/00000000000000000001.wal")
        var bytes = try Data(contentsOf: segment)
        var offset = 48
        for _ in 0..<n {
            let length = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
            offset += 12 + length
        }
        change(&bytes, offset)
        try bytes.write(to: segment)
        return offset
    }

    /// A torn last record (a crash mid-append): reading commands say it is there and was
    /// not replayed, `verify` does not call the store intact without mentioning it, and the
    /// next write keeps its bytes under repair/ before cutting it off.
    @Test func aTornLastRecordIsReportedByReadersAndKeptByTheNextWriter() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.path + "/data"
        let cli = CLIRunner(dataDir: data)
        for i in 0..<3 { _ = try cli.run(["put", "sensors/a", "\(i)"]) }
        // The first bytes of a fourth record: a header whose length runs past the data.
        let torn: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x7A, 0x7B]
        let offset = try Self.changeWAL(in: data, atRecordAfter: 3) { bytes, at in
            bytes.replaceSubrange(at..<(at + torn.count), with: torn)
        }

        var r = try cli.run(["verify"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("verified 3 versions") && r.stdout.contains("torn last record"), "\(r.stdout)")
        #expect(r.stderr.contains("torn record at offset \(offset)"), "\(r.stderr)")
        r = try cli.run(["keys"])
        #expect(r.status == 0 && r.stderr.contains("left in place"), "\(r.stderr)")

        r = try cli.run(["put", "sensors/a", "9"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("kept at"), "\(r.stderr)")
        let aside = try FileManager.default.subpathsOfDirectory(atPath: data + "/repair")
        #expect(aside.contains { $0.hasSuffix(".tail-at-\(offset)") }, "\(aside)")
        r = try cli.run(["verify"])
        #expect(r.stdout.contains("verified 4 versions") && !r.stdout.contains("torn"), "\(r.stdout)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func corruptionIsRefusedWithFileAndOffsetAndRepairSetsTheTailAside() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.path + "/data"
        let cli = CLIRunner(dataDir: data)
        for i in 0..<20 { _ = try cli.run(["put", "sensors/a", "\(i)"]) }
        // Damage the 5th record's payload.
        let offset = try Self.changeWAL(in: data, atRecordAfter: 4) { bytes, at in bytes[at + 20] ^= 0xFF }

        var r = try cli.run(["get", "sensors/a"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("00000000000000000001.wal is corrupt at offset \(offset)"), "\(r.stderr)")
        #expect(r.stderr.contains("kdelta-edge repair --data-dir"))

        r = try cli.run(["repair"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("set aside 16 WAL records"), "\(r.stdout)")
        r = try cli.run(["get", "sensors/a", "--json"])
        let v = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(v["seq"] as? Int == 4)
        let aside = try FileManager.default.subpathsOfDirectory(atPath: data + "/repair")
        #expect(aside.contains { $0.hasSuffix(".tail-at-\(offset)") })
        r = try cli.run(["put", "sensors/a", "99"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("seq 5"))
    }

    /// A deleted MANIFEST: every command refuses and names `repair`, which rebuilds it
    /// from the WAL, the blocks and the catalog; the store then reads as before.
    @Test func aLostManifestIsRebuiltByRepair() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.path + "/data"
        let cli = CLIRunner(dataDir: data)
        for i in 0..<10 { _ = try cli.run(["put", "sensors/a", "\(i)"]) }
        var r = try cli.run(["compact"])
        #expect(r.status == 0, "\(r.stderr)")
        for i in 10..<12 { _ = try cli.run(["put", "sensors/a", "\(i)"]) }
        try FileManager.default.removeItem(atPath: data + "/MANIFEST")

        r = try cli.run(["get", "sensors/a"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("kdelta-edge repair --data-dir"), "\(r.stderr)")
        r = try cli.run(["repair"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("rebuilt the manifest"), "\(r.stdout)")
        r = try cli.run(["log", "sensors/a", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let versions = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [Any]
        #expect(versions?.count == 12, "\(r.stdout)")
        r = try cli.run(["verify"])
        #expect(r.status == 0 && r.stdout.contains("verified 12 versions"), "\(r.stdout) \(r.stderr)")
    }

    /// A store in `data` with versions 0, 1, 2 of sensors/a, all in a block (`compact`).
    static func compactedStore(_ data: String) throws -> CLIRunner {
        let cli = CLIRunner(dataDir: data)
        for i in 0..<3 { _ = try cli.run(["put", "sensors/a", "\(i)"]) }
        let r = try cli.run(["compact"])
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    /// The WAL deleted after `compact`: the store refuses to open (exit 3), and `repair`
    /// starts the WAL afresh after the checkpoint, every version being in a block.
    @Test func aWALDeletedAfterCompactIsRestartedByRepair() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.path + "/data"
        let cli = try Self.compactedStore(data)
        for name in try FileManager.default.contentsOfDirectory(atPath: data + "/wal") {
            try FileManager.default.removeItem(atPath: data + "/wal/" + name)
        }
        var r = try cli.run(["get", "sensors/a"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("before the checkpoint") && r.stderr.contains("kdelta-edge repair"), "\(r.stderr)")
        r = try cli.run(["repair", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(report?["repaired"] as? Bool == true, "\(r.stdout)")
        #expect(report?["walRestartSegment"] as? Int == 3, "\(r.stdout)")
        r = try cli.run(["put", "sensors/a", "3"])
        #expect(r.status == 0 && r.stdout.contains("seq 4"), "\(r.stdout) \(r.stderr)")
        r = try cli.run(["verify"])
        #expect(r.status == 0 && r.stdout.contains("verified 4 versions"), "\(r.stdout) \(r.stderr)")
    }

    /// A damaged series catalog: reads go on from its copy, saying so on stderr, and
    /// `repair` rewrites the file from the copy.
    @Test func aDamagedCatalogIsReadFromItsCopyAndRepaired() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.path + "/data"
        let cli = try Self.compactedStore(data)
        let catalog = data + "/catalog-00000000000000000001.kdc"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: catalog)))
        bytes[20] ^= 0x04
        try Data(bytes).write(to: URL(fileURLWithPath: catalog))

        var r = try cli.run(["get", "sensors/a"])
        #expect(r.status == 0 && r.stdout.contains("sensors/a = 2"), "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("\(catalog) is damaged") && r.stderr.contains("the next open for writing rewrites"), "\(r.stderr)")
        r = try cli.run(["repair", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(report?["repaired"] as? Bool == true, "\(r.stdout)")
        #expect((report?["catalogRepairs"] as? [String])?.first?.contains("rewrote \(catalog) from") == true, "\(r.stdout)")
        r = try cli.run(["get", "sensors/a"])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        r = try cli.run(["repair"])
        #expect(r.status == 0 && r.stdout.contains("nothing to repair"), "\(r.stdout) \(r.stderr)")
    }
}
