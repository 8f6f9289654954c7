import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Issue 18 on a real disk: a 34 MiB tmpfs holds one 32 MiB WAL segment and not a second.
/// An import stops when the full segment cannot rotate; `compact` checkpoints everything and
/// replaces the segment by a fresh one, removing it, so the rest of the import is stored.
///
/// The refused rotation also starts the import's own background cut, which does the same
/// if it runs before the import exits (`FullDiskTests.aFullDiskTriggersACutThatFreesTheWAL`);
/// then `compact` finds the WAL freed already. Either way the rest of the import is stored
/// after `compact`; before this fix it was refused for good.
@Suite struct FullDiskCLITests {
    /// Readings of 60 KB texts (under the 64 KiB value limit) that zstd packs into a few
    /// bytes: about 560 of them fill a 32 MiB segment in a few 8 MiB records, in seconds,
    /// while the block `compact` writes stays small enough for the room the disk has left.
    static func csv(_ readings: Range<Int>) -> String {
        let filler = String(repeating: "abcdefghij", count: 6_000)
        var text = "key,time,value\n"
        for i in readings { text += "sensors/big\(i % 4),\(1_714_564_800_000 + Int64(i) * 1000),v\(i)-\(filler)\n" }
        return text
    }

    /// JSON of a command's output.
    static func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout) \(result.stderr)")
    }

    /// The WAL segment files of the store in `dataDir`.
    static func segments(_ dataDir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dataDir + "/wal").filter { $0.hasSuffix(".wal") }.sorted()
    }

    @Test(.enabled(if: getuid() == 0, "mounting the 34 MiB tmpfs this test fills needs root"),
          .enabled(if: TmpfsMount.canMount(), "mounting a tmpfs failed (an unprivileged container?)"))
    func compactOnADiskWithRoomForOneSegmentFreesTheWALAndTheImportResumes() throws {
        let scratch = TemporaryDirectory()
        defer { scratch.remove() }
        let disk = try TmpfsMount(sizeMiB: 34, at: scratch.path + "/disk")
        defer { disk.unmount() }
        let store = disk.path + "/store"
        let cli = CLIRunner(dataDir: store)
        let total = 700
        let file = scratch.path + "/big.csv"
        try Self.csv(0..<total).write(toFile: file, atomically: false, encoding: .utf8)

        var r = try cli.run(["put", "--batch", file])
        #expect(r.status == 1, "the import filled the disk without an error: \(r.stdout)")
        #expect(r.stderr.contains("the disk is full") && r.stderr.contains("kdelta-edge compact --data-dir \(store)"), "\(r.stderr)")
        let stored = try #require(try Self.json(try cli.run(["stats", "--json"]))["versions"] as? Int)
        #expect(stored > 0 && stored < total, "\(stored) readings stored")
        let freedByTheImport = try Self.segments(store) != [WALFormat.segmentFileName(1)]

        r = try cli.run(["compact", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try Self.json(r)
        #expect(report["walSegmentsRemoved"] as? Int == (freedByTheImport ? 0 : 1), "\(r.stdout)")
        #expect(report["walSwitchError"] is NSNull, "\(r.stdout)")
        #expect(try Self.segments(store) == [WALFormat.segmentFileName(2)])

        let rest = scratch.path + "/rest.csv"
        try Self.csv(stored..<total).write(toFile: rest, atomically: false, encoding: .utf8)
        r = try cli.run(["put", "--batch", rest])
        #expect(r.status == 0, "writing did not resume after compact: \(r.stderr)")
        let stats = try Self.json(try cli.run(["stats", "--json"]))
        #expect(stats["versions"] as? Int == total)
        #expect(stats["walSegments"] as? Int == 1)
        r = try cli.run(["verify"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        r = try cli.run(["get", "sensors/big3", "--json"])
        #expect(r.stdout.contains("\"value\":\"v\(total - 1)-abcdefghij"), "the last reading reads back")
    }
}
