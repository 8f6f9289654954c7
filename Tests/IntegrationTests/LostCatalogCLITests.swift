import Foundation
import KDeltaStorageTestSupport
import Testing

/// Both files of the series catalog deleted (docs/format/catalog.md, "Rebuilding"): every
/// command exits 3 naming both and pointing at `repair`, which rebuilds the catalog from
/// the block files and the WAL; the store then reads, writes and verifies as before.
@Suite struct LostCatalogCLITests {
    @Test func aDeletedCatalogAndCopyRefuseEveryCommandUntilRepairRebuildsThem() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = dir.path + "/data"
        let cli = CLIRunner(dataDir: data)
        let csv = dir.path + "/in.csv"
        try Data("key,time,value\ns/a,2024-01-01T00:00:00Z,1.5\ns/b,2024-01-01T00:00:01Z,2\ns/a,2024-01-01T00:00:02Z,3.5\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        var r = try cli.run(["put", "--batch", csv])
        #expect(r.status == 0, "\(r.stderr)")
        r = try cli.run(["compact"])
        #expect(r.status == 0, "\(r.stderr)")
        let file = data + "/catalog-00000000000000000001.kdc", copy = data + "/catalog-00000000000000000001.copy.kdc"
        for path in [file, copy] { try FileManager.default.removeItem(atPath: path) }

        for args in [["keys"], ["get", "s/a"], ["put", "s/a", "4"]] {
            r = try cli.run(args)
            #expect(r.status == 3, "\(args): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains(file) && r.stderr.contains(copy) && r.stderr.contains("`kdelta-edge repair --data-dir \(data)`"), "\(args): \(r.stderr)")
        }
        r = try cli.run(["repair", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(report?["repaired"] as? Bool == true, "\(r.stdout)")
        let rebuilt = report?["catalogRebuilt"] as? [String: Any]
        #expect(rebuilt?["files"] as? [String] == [file, copy] && rebuilt?["series"] as? Int == 2, "\(r.stdout)")
        #expect((rebuilt?["notRestored"] as? [String])?.first?.hasPrefix("drop counts by reason restart at zero") == true, "\(r.stdout)")

        r = try cli.run(["keys"])
        #expect(r.status == 0 && r.stdout.contains("s/a") && r.stdout.contains("2 versions") && r.stdout.contains("s/b"), "\(r.stdout) \(r.stderr)")
        r = try cli.run(["get", "s/a"])
        #expect(r.status == 0 && r.stdout.contains("s/a = 3.5") && r.stderr.isEmpty, "\(r.stdout) \(r.stderr)")
        r = try cli.run(["put", "s/a", "4"])
        #expect(r.status == 0 && r.stdout.contains("seq 3"), "\(r.stdout) \(r.stderr)")
        r = try cli.run(["verify"])
        #expect(r.status == 0 && r.stdout.contains("verified 4 versions"), "\(r.stdout) \(r.stderr)")
    }
}
